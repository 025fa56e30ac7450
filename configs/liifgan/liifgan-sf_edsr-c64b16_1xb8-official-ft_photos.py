# LIIF-GAN-SF (both decoders on the last-layer feature), the same recipe as
# liifgan_edsr-c64b16_1xb8-official-ft_photos.py: warm start straight from
# the official LIIF (decoder 1 = LIIF's decoder on LIIF's feature, decoder
# 2's last layer zero: training starts at the official LIIF's output),
# conv_first and blocks 1-8 frozen. Here the blocks after 8 that learn from
# the GAN/perceptual losses also feed decoder 1 (the shared encoder the
# paper's ablation is about).
_base_ = './liifgan_edsr-c64b16_1xb8-official-ft_photos.py'
experiment_name = 'liifgan-sf_edsr-c64b16_1xb8-official-ft_photos'
work_dir = f'./work_dirs/{experiment_name}'
model = dict(generator=dict(
    mid_block=None,
    # decoder 1 and decoder 2's hidden layers from the official decoder,
    # decoder 2's last layer zero: training starts at the official output
    warm_start=dict(checkpoint=_base_.official_ckpt, zero_residual=True,
                    decoder2=_base_.official_ckpt)))
