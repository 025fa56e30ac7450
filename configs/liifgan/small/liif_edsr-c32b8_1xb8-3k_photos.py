# The CPU recipe (the demo's model size), LIIF baseline: what the README's
# main job ships and evaluates. liif_edsr-c64b16_1xb16-20k_photos.py scaled
# down to train on 2 CPU cores: EDSR c32b8, 3-layer 128-wide decoder, batch
# 8. 3k iterations = the small GAN configs' budget (1.5k of this as their
# warm start + 1.5k GAN iterations).
_base_ = '../liif_edsr-c64b16_1xb16-20k_photos.py'
experiment_name = 'liif_edsr-c32b8_1xb8-3k_photos'
work_dir = f'./work_dirs/{experiment_name}'
model = dict(generator=dict(
    encoder=dict(mid_channels=32, num_blocks=8),
    head=dict(decoder=dict(hidden_list=[128, 128]), eval_bsize=16384)))
train_dataloader = dict(batch_size=8, num_workers=1)
train_cfg = dict(max_iters=3000, val_interval=500)
param_scheduler = dict(milestones=[2000])
default_hooks = dict(checkpoint=dict(interval=500),
                     logger=dict(interval=50))
