# The CPU recipe (the demo's model size), LIIF-GAN: warm-started from the
# small LIIF at 1500 iterations, then 750 GAN iterations (lr halved at 500,
# EMA window ~200 iterations); mid tap after block 4 of 8. Otherwise
# liifgan_edsr-c64b16_1xb16-10k_photos.py.
_base_ = '../liifgan_edsr-c64b16_1xb16-10k_photos.py'
experiment_name = 'liifgan_edsr-c32b8_1xb8-750it_photos'
work_dir = f'./work_dirs/{experiment_name}'
liif_ckpt = 'work_dirs/liif_edsr-c32b8_1xb8-2250it_photos/iter_1500.pth'
model = dict(
    generator=dict(
        encoder=dict(mid_channels=32, num_blocks=8), mid_block=4,
        head=dict(decoder=dict(hidden_list=[128, 128]), eval_bsize=16384),
        warm_start=dict(checkpoint=liif_ckpt)),
    discriminator=dict(mid_channels=32))
train_dataloader = dict(batch_size=8, num_workers=1)
train_cfg = dict(max_iters=750, val_interval=250)
param_scheduler = dict(milestones=[500])
default_hooks = dict(checkpoint=dict(interval=250),
                     logger=dict(interval=50))
custom_hooks = [
    _base_.vis_hook,
    dict(type='EMAHook', momentum=0.005, priority='ABOVE_NORMAL')
]
