# The CPU recipe, LIIF-GAN with the RGS origin real-valued (subpixel=True):
# the GT patch is then a bilinear resample of the crop (blurrier "real"
# patches for the discriminator). Measured against the default integer
# origin (liifgan_edsr-c32b8_1xb8-750it_photos.py) at equal budget.
_base_ = './liifgan_edsr-c32b8_1xb8-750it_photos.py'
experiment_name = 'liifgan-rgs-subpixel_edsr-c32b8_1xb8-750it_photos'
work_dir = f'./work_dirs/{experiment_name}'
patch_size = 48
train_pipeline = [
    dict(type='LoadImageFromFile', key='gt', color_type='color',
         channel_order='rgb', imdecode_backend='cv2'),
    dict(type='RandomDownSampling', scale_min=1, scale_max=4,
         patch_size=patch_size),
    dict(type='Flip', keys=['img', 'gt'], flip_ratio=0.5,
         direction='horizontal'),
    dict(type='Flip', keys=['img', 'gt'], flip_ratio=0.5,
         direction='vertical'),
    dict(type='RandomTransposeHW', keys=['img', 'gt'], transpose_ratio=0.5),
    dict(type='RandomGroupSampling', patch_size=patch_size, subpixel=True),
    dict(type='PackInputs')
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
