# LIIF-GAN-SF on the photo set: liifgan_edsr-c64b16_1xb16-10k_photos.py with
# both decoders on the last-layer feature (paper Sec. 4.4). Warm start:
# decoder 1 is LIIF's and decoder 2's last layer zero, so training starts at
# LIIF's output.
_base_ = './liifgan_edsr-c64b16_1xb16-10k_photos.py'
experiment_name = 'liifgan-sf_edsr-c64b16_1xb16-10k_photos'
work_dir = f'./work_dirs/{experiment_name}'
model = dict(generator=dict(mid_block=None))
