# LIIF-GAN-S on CelebA-HQ: one decoder on the last-layer feature (eq. 2).
_base_ = './liifgan_edsr-c64b16_1xb128-781k_celebahq.py'
experiment_name = 'liifgan-s_edsr-c64b16_1xb128-781k_celebahq'
work_dir = f'./work_dirs/{experiment_name}'
model = dict(generator=dict(mid_block=None, head=dict(dual=False)))
