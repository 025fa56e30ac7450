# LIIF-GAN-S on the photo set: liifgan_edsr-c64b16_1xb16-10k_photos.py with
# one decoder on the last-layer feature, all losses on it (paper eq. 2).
# Warm start: the encoder and the decoder are LIIF's, so training starts at
# LIIF's output.
_base_ = './liifgan_edsr-c64b16_1xb16-10k_photos.py'
experiment_name = 'liifgan-s_edsr-c64b16_1xb16-10k_photos'
work_dir = f'./work_dirs/{experiment_name}'
model = dict(generator=dict(mid_block=None, head=dict(dual=False)))
