# Stage 1 of liifgan_edsr-c64b16_1xb8-official-ft_photos.py: LIIF-GAN's
# decoder 1 and the encoder up to its tap (conv_first, blocks 1-8) trained
# by L1 on the block-8 feature, from the official LIIF. The official
# decoder reads the last-layer feature; on the block-8 one it starts far
# off (x4 ~11 dB), and with the encoder fixed an L1 fit of the decoder
# alone plateaus (docs/cpu_recipe.md), so the layers decoder 1 reads adapt
# too. Blocks 9-16 get no gradient here (nothing reads the last feature);
# stage 2 fixes blocks 1-8 (frozen_blocks=8) and trains 9-16 with the
# GAN/perceptual losses. One decoder, no discriminator, no VGG.
_base_ = './liifgan_edsr-c64b16_1xb8-official-ft_photos.py'
experiment_name = 'liifgan-d1_edsr-c64b16_1xb8-official-ft_photos'
work_dir = f'./work_dirs/{experiment_name}'
model = dict(
    discriminator=None, gan_loss=None, perceptual_loss=None,
    generator=dict(
        mid_block=8, frozen_blocks=0,
        head=dict(dual=False),
        warm_start=dict(checkpoint=_base_.official_ckpt)))
optim_wrapper = dict(
    _delete_=True,
    constructor='MultiOptimWrapperConstructor',
    generator=dict(type='SkipNonFiniteOptimWrapper',
                   optimizer=dict(type='Adam', lr=2e-4)))
train_cfg = dict(max_iters=400, val_interval=200)
param_scheduler = dict(milestones=[300])
default_hooks = dict(checkpoint=dict(
    interval=100, max_keep_ckpts=2, save_best='Photosx4/PSNR',
    rule='greater'))
