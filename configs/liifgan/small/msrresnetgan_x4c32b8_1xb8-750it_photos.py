# The CPU recipe, fixed-scale GAN baseline ("continuous vs fixed-scale GAN",
# measured): the small MSRResNet (x4) warm-started from its L1 model at 1500
# iterations, then exactly LIIF-GAN-S's losses, discriminator, EMA and
# schedule for 750 iterations (mmagic's SRGAN restorer): only the generator
# differs. Tested at other scales as the paper tests x4 models: input
# bicubic-resized to target / 4, then x4.
_base_ = ['./liifgan_edsr-c32b8_1xb8-750it_photos.py',
          '../_base_/fixed-x4_photos.py']
experiment_name = 'msrresnetgan_x4c32b8_1xb8-750it_photos'
work_dir = f'./work_dirs/{experiment_name}'
model = dict(type='SRGAN', generator={{_base_.msrresnet_small_generator}},
             data_preprocessor={{_base_.rrdb_preprocessor}})
train_dataloader = dict(dataset=dict(pipeline={{_base_.small_train_pipeline}}))
load_from = 'work_dirs/msrresnet_x4c32b8_1xb8-1500it_photos/iter_1500.pth'
