# LIIF-GAN-S (one decoder, every loss on its output), the same recipe as
# liifgan_edsr-c64b16_1xb8-official-ft_photos.py: warm start straight from
# the official LIIF (training starts at its output), conv_first and blocks
# 1-8 frozen.
_base_ = './liifgan_edsr-c64b16_1xb8-official-ft_photos.py'
experiment_name = 'liifgan-s_edsr-c64b16_1xb8-official-ft_photos'
work_dir = f'./work_dirs/{experiment_name}'
model = dict(generator=dict(
    mid_block=None,
    head=dict(dual=False),
    warm_start=dict(_delete_=True, checkpoint=_base_.official_ckpt)))
