# LIIF-GAN, paper size: the latent-grid run (liifgan_edsr-c64b16_1xb8-
# official-ft-grid_photos.py) gone on from its iteration 3300 (2500 in that
# config, then 800 more resumed with its Adam state; the G + D state is
# checkpoints/wip/liifgan-grid-cont.pth) with a fresh Adam state and a
# learning rate held at 1e-4 for half the run, then lowered linearly to
# 1e-5, so the states compared on val are less a matter of where the GAN
# happened to oscillate. Everything else is that config's.
_base_ = './liifgan_edsr-c64b16_1xb8-official-ft-grid_photos.py'
experiment_name = 'liifgan_edsr-c64b16_1xb8-official-ft-grid-cont_photos'
work_dir = f'./work_dirs/{experiment_name}'
load_from = 'checkpoints/wip/liifgan-grid-cont.pth'
start_iters = 394 + 3300  # GAN iterations in load_from (batch 64 then 8)
train_cfg = dict(max_iters=3000, val_interval=500)
param_scheduler = [
    dict(type='ConstantLR', factor=1.0, by_epoch=False, begin=0, end=1500),
    dict(type='LinearLR', start_factor=1.0, end_factor=0.1, by_epoch=False,
         begin=1500, end=3000),
]
