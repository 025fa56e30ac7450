# LIIF baseline on the photo set, in the same setting as
# liifgan_edsr-c64b16_1xb16-10k_photos.py (data, RGS, batch, schedule) with
# LIIF's architecture, L1 only. 20k iterations = the GAN configs' budget
# (10k of this as their warm start + 10k GAN iterations).
_base_ = './liif_edsr-c64b16_1xb128-125k_div2k.py'
experiment_name = 'liif_edsr-c64b16_1xb16-20k_photos'
work_dir = f'./work_dirs/{experiment_name}'
photo_root = 'data/photos'
train_dataloader = dict(
    batch_size=16, dataset=dict(data_root=photo_root + '/train_sub'))
val_dataloader = dict(dataset=dict(data_root=photo_root + '/val_crop'))
train_cfg = dict(max_iters=20_000, val_interval=2000)
param_scheduler = dict(milestones=[10_000, 15_000])
# validation on the photo set's val crops: metric names say so
val_evaluator = dict(metrics=_base_.photos_val_metrics)
default_hooks = dict(checkpoint=dict(
    interval=2000, max_keep_ckpts=20, save_best='Photosx4/PSNR'))
