# The CPU recipe, fixed-scale L1 baseline: a small RRDBNet (c32, 4 blocks,
# growth 16) at x4 in the small LIIF's setting.
_base_ = ['./liif_edsr-c32b8_1xb8-3k_photos.py',
          '../_base_/rrdb-x4_photos.py']
experiment_name = 'rrdb_x4c32b4g16_1xb8-3k_photos'
work_dir = f'./work_dirs/{experiment_name}'
model = dict(
    type='SRGAN',
    generator={{_base_.rrdb_small_generator}},
    data_preprocessor={{_base_.rrdb_preprocessor}})
train_dataloader = dict(dataset=dict(pipeline={{_base_.rrdb_small_train_pipeline}}))
