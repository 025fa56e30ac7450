# The CPU recipe, LIIF-GAN-SF: both decoders on the last-layer feature;
# starts at the small LIIF's output (warm start, decoder 2's last layer 0).
_base_ = './liifgan_edsr-c32b8_1xb8-750it_photos.py'
experiment_name = 'liifgan-sf_edsr-c32b8_1xb8-750it_photos'
work_dir = f'./work_dirs/{experiment_name}'
model = dict(generator=dict(mid_block=None))
