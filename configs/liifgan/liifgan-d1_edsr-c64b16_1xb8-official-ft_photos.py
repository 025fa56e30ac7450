# Stage 1 of liifgan_edsr-c64b16_1xb8-official-ft_photos.py: LIIF-GAN's
# decoder 1 fitted by L1 on the block-8 feature of the official LIIF's
# encoder (the whole encoder frozen). The official decoder reads the
# last-layer feature; on the block-8 one it starts far off (x4 ~15 dB).
# One decoder, no discriminator, no VGG: an L1 fit of the MLP only.
_base_ = './liifgan_edsr-c64b16_1xb8-official-ft_photos.py'
experiment_name = 'liifgan-d1_edsr-c64b16_1xb8-official-ft_photos'
work_dir = f'./work_dirs/{experiment_name}'
model = dict(
    discriminator=None, gan_loss=None, perceptual_loss=None,
    generator=dict(
        mid_block=8, frozen_blocks=16,
        head=dict(dual=False),
        warm_start=dict(checkpoint=_base_.official_ckpt)))
optim_wrapper = dict(
    _delete_=True,
    constructor='MultiOptimWrapperConstructor',
    generator=dict(type='SkipNonFiniteOptimWrapper',
                   optimizer=dict(type='Adam', lr=2e-4)))
train_cfg = dict(max_iters=1000, val_interval=250)
param_scheduler = dict(milestones=[750])
default_hooks = dict(checkpoint=dict(
    interval=250, max_keep_ckpts=4, save_best='Photosx4/PSNR',
    rule='greater'))
