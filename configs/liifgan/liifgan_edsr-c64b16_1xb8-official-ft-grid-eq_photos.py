# LIIF-GAN, paper size (the published checkpoints/photos-paper/liifgan.pth
# is this run's end): the grid-cont run's end (its iteration 3000, 6694 GAN
# iterations) gone on to the GAN budget of -S and -SF. In patches:
# 394 x 64 + 6300 x 8 = 75.6k, + 600 x 8 (the grid-cont config run again
# from that state, kept as
# checkpoints/wip/liifgan-grid-cont3.pth) + 4900 x 8 here = 119.6k, against
# -SF's 1866 x 64 = 119.4k and -S's 1924 x 64 = 123.1k. Fresh Adam state;
# the rate held at 1e-4 for half the run, then lowered linearly to 1e-5 as
# in the grid-cont config. Everything else is that config's.
_base_ = './liifgan_edsr-c64b16_1xb8-official-ft-grid-cont_photos.py'
experiment_name = 'liifgan_edsr-c64b16_1xb8-official-ft-grid-eq_photos'
work_dir = f'./work_dirs/{experiment_name}'
load_from = 'checkpoints/wip/liifgan-grid-cont3.pth'
start_iters = 394 + 6300 + 600  # GAN iterations in load_from
train_cfg = dict(max_iters=4900, val_interval=700)
param_scheduler = [
    dict(type='ConstantLR', factor=1.0, by_epoch=False, begin=0, end=2450),
    dict(type='LinearLR', start_factor=1.0, end_factor=0.1, by_epoch=False,
         begin=2450, end=4900),
]
