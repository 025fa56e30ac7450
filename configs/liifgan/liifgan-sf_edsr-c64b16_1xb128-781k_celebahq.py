# LIIF-GAN-SF on CelebA-HQ: two decoders, both on the last-layer feature.
_base_ = './liifgan_edsr-c64b16_1xb128-781k_celebahq.py'
experiment_name = 'liifgan-sf_edsr-c64b16_1xb128-781k_celebahq'
work_dir = f'./work_dirs/{experiment_name}'
model = dict(generator=dict(mid_block=None))
