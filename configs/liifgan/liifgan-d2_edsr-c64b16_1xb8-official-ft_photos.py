# Stage 2 of liifgan_edsr-c64b16_1xb8-official-ft_photos.py: decoder 2's
# L1 warm-up. After stage 1 (liifgan-d1_..., decoder 1 on the block-8
# feature) decoder 2 starts from the official LIIF decoder (trained on the
# last-layer feature it reads) with its last layer zero, and L1 is put on
# the output D1.detach() + D2 (train_cfg.pixel_loss_on='output'): decoder
# 1 and blocks 1-8 get no gradient, decoder 2 and blocks 9-16 learn the
# residual. With a zero-started decoder 2 trained by the GAN/perceptual
# losses alone, the residual stayed small (last-layer |w| ~0.004 after 800
# iterations) and LIIF-GAN stayed near decoder 1 (docs/cpu_recipe.md).
# No discriminator, no VGG; the GAN stage (stage 3) starts from here.
_base_ = './liifgan-d1_edsr-c64b16_1xb8-official-ft_photos.py'
experiment_name = 'liifgan-d2_edsr-c64b16_1xb8-official-ft_photos'
work_dir = f'./work_dirs/{experiment_name}'
model = dict(
    train_cfg=dict(pixel_loss_on='output'),
    generator=dict(
        frozen_blocks=8,
        head=dict(dual=True),
        warm_start=dict(checkpoint=_base_.stage1_ckpt, zero_residual=True,
                        decoder2=_base_.official_ckpt)))
# stage 1's optimiser, schedule and checkpoints (Adam 2e-4, 400
# iterations), in bf16 autocast
optim_wrapper = dict(generator=dict(type='BF16OptimWrapper'))
