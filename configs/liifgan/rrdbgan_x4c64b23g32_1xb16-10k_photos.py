# Fixed-scale GAN baseline on the photo set ("continuous vs fixed-scale GAN",
# measured, not quoted): ESRGAN's RRDBNet generator at x4, warm-started from
# its L1 model (rrdb_x4c64b23g32_1xb16-20k_photos.py at 10k, as ESRGAN starts
# from its PSNR model), then trained with exactly LIIF-GAN-S's losses,
# discriminator, EMA and schedule (mmagic's SRGAN restorer: L1 1 + VGG19 1 +
# vanilla GAN 0.1 on the output): only the generator differs. Tested at
# other scales as the paper tests x4 models: input bicubic-resized to
# target / 4, then x4.
_base_ = ['./liifgan_edsr-c64b16_1xb16-10k_photos.py',
          './_base_/fixed-x4_photos.py']
experiment_name = 'rrdbgan_x4c64b23g32_1xb16-10k_photos'
work_dir = f'./work_dirs/{experiment_name}'
model = dict(type='SRGAN', generator={{_base_.rrdb_generator}},
             data_preprocessor={{_base_.rrdb_preprocessor}})
train_dataloader = dict(dataset=dict(pipeline={{_base_.rrdb_train_pipeline}}))
load_from = 'work_dirs/rrdb_x4c64b23g32_1xb16-20k_photos/iter_10000.pth'
