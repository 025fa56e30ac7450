# LIIF-GAN-S (paper Sec. 3.2 / 4.4): one decoder on the last-layer feature,
# trained by L1 + GAN + perceptual loss together (eq. 2).
_base_ = './liifgan_edsr-c64b16_1xb128-125k_div2k.py'
experiment_name = 'liifgan-s_edsr-c64b16_1xb128-125k_div2k'
work_dir = f'./work_dirs/{experiment_name}'
model = dict(generator=dict(mid_block=None, head=dict(dual=False)))
