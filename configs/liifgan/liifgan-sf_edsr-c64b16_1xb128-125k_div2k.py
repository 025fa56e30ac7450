# LIIF-GAN-SF (paper Sec. 4.4): two decoders, both on the last-layer feature.
_base_ = './liifgan_edsr-c64b16_1xb128-125k_div2k.py'
experiment_name = 'liifgan-sf_edsr-c64b16_1xb128-125k_div2k'
work_dir = f'./work_dirs/{experiment_name}'
model = dict(generator=dict(mid_block=None))
