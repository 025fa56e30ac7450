# The CPU recipe, fixed-scale GAN baseline: the small RRDBNet warm-started
# from its L1 model at 1.5k iterations, then LIIF-GAN-S's losses,
# discriminator, EMA and schedule for 1.5k iterations (SRGAN restorer).
_base_ = ['./liifgan_edsr-c32b8_1xb8-1500it_photos.py',
          '../_base_/rrdb-x4_photos.py']
experiment_name = 'rrdbgan_x4c32b4g16_1xb8-1500it_photos'
work_dir = f'./work_dirs/{experiment_name}'
model = dict(type='SRGAN', generator={{_base_.rrdb_small_generator}},
             data_preprocessor={{_base_.rrdb_preprocessor}})
train_dataloader = dict(dataset=dict(pipeline={{_base_.rrdb_small_train_pipeline}}))
load_from = 'work_dirs/rrdb_x4c32b4g16_1xb8-3k_photos/iter_1500.pth'
