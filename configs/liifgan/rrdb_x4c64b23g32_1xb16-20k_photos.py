# Fixed-scale baseline generator on the photo set: mmagic's ESRGAN generator
# (RRDBNet, x4) trained by L1 in the LIIF baseline's setting (same photos,
# batch, augmentation, schedule) on x4 pairs. Its 10k checkpoint warm-starts
# rrdbgan_x4c64b23g32_1xb16-10k_photos.py, as ESRGAN does with its PSNR model.
_base_ = ['./liif_edsr-c64b16_1xb16-20k_photos.py',
          './_base_/fixed-x4_photos.py']
experiment_name = 'rrdb_x4c64b23g32_1xb16-20k_photos'
work_dir = f'./work_dirs/{experiment_name}'
model = dict(type='SRGAN', generator={{_base_.rrdb_generator}},
             data_preprocessor={{_base_.rrdb_preprocessor}})
train_dataloader = dict(dataset=dict(pipeline={{_base_.rrdb_train_pipeline}}))
optim_wrapper = dict(generator=dict(optimizer=dict(lr=2e-4)))  # ESRGAN's PSNR lr
