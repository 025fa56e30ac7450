# The CPU recipe, fixed-scale L1 baseline: mmagic's SRGAN generator
# (MSRResNet c32b8, x4; see ../_base_/fixed-x4_photos.py for why not RRDB at
# this budget) in the small LIIF's setting, lr 2e-4 (mmagic's SRResNet);
# 1500 iterations, the warm start of the small fixed-scale GAN.
_base_ = ['./liif_edsr-c32b8_1xb8-2250it_photos.py',
          '../_base_/fixed-x4_photos.py']
experiment_name = 'msrresnet_x4c32b8_1xb8-1500it_photos'
work_dir = f'./work_dirs/{experiment_name}'
model = dict(
    type='SRGAN',
    generator={{_base_.msrresnet_small_generator}},
    data_preprocessor={{_base_.rrdb_preprocessor}})
train_dataloader = dict(dataset=dict(pipeline={{_base_.small_train_pipeline}}))
optim_wrapper = dict(generator=dict(optimizer=dict(lr=2e-4)))
train_cfg = dict(max_iters=1500, val_interval=750)
