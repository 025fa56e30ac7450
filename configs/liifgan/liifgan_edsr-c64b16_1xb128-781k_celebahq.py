# LIIF-GAN on CelebA-HQ (paper Sec. 4.3): 256 px targets, 64 px inputs
# (= RGS patch). Paper schedule: 200 epochs of 25,000 images x 20 repeats at
# batch 128 = 781k iterations; lr 1e-4 halved every 200 epochs (so never).
# Images: CelebA-HQ (any size, resized to 256 px) in data_root:
#   --cfg-options train_dataloader.dataset.data_root=...
# Validation (x4) and test (nine scales, 64 px input, target 64*s, PSNR/SSIM
# on the whole image + LPIPS) on CelebA-HQ test images in `celebahq_root`
# (data/CelebA-HQ/test): the setting of ./_base_/celebahq-continuous-test.py.
_base_ = [
    './liifgan_edsr-c64b16_1xb128-125k_div2k.py',
    './_base_/celebahq-continuous-test.py'
]
experiment_name = 'liifgan_edsr-c64b16_1xb128-781k_celebahq'
work_dir = f'./work_dirs/{experiment_name}'
patch_size = 64
# mmagic's RandomDownSampling needs the GT crop strictly smaller than the
# image (exclusive randint bound): 255/64 ~ 3.98 is the largest scale a
# 256 px target allows.
scale_min, scale_max = 1, 255 / 64

train_pipeline = [
    dict(type='LoadImageFromFile', key='gt', color_type='color',
         channel_order='rgb', imdecode_backend='cv2'),
    # antialiased PIL bicubic, exactly as the test targets (and LIIF's
    # pre-resized CelebA-HQ folders): cv2's bicubic aliases at 4x
    dict(type='Resize', keys=['gt'], scale=(256, 256), keep_ratio=False,
         interpolation='bicubic', backend='pillow'),
    dict(type='RandomDownSampling', scale_min=scale_min, scale_max=scale_max,
         patch_size=patch_size),
    # LIIF's CelebA-HQ augmentation (`augment: true`): h/v flips, transpose
    dict(type='Flip', keys=['img', 'gt'], flip_ratio=0.5,
         direction='horizontal'),
    dict(type='Flip', keys=['img', 'gt'], flip_ratio=0.5,
         direction='vertical'),
    dict(type='RandomTransposeHW', keys=['img', 'gt'], transpose_ratio=0.5),
    dict(type='RandomGroupSampling', patch_size=patch_size, subpixel=False),
    dict(type='PackInputs')
]
train_dataloader = dict(
    dataset=dict(
        data_root='data/CelebA-HQ/train',
        metainfo=dict(dataset_type='celebahq', task_name='sisr'),
        pipeline=train_pipeline))
train_cfg = dict(max_iters=781_250, val_interval=10_000)
param_scheduler = dict(milestones=[781_250])

# test setting: CelebA-HQ instead of the DIV2K one of the first base
val_dataloader = dict(_delete_=True, **_base_.celebahq_val_dataloader)
val_evaluator = dict(_delete_=True, **_base_.celebahq_val_evaluator)
default_hooks = dict(
    checkpoint=dict(save_best='CelebAHQx4/LPIPS', rule='less'))
test_dataloader = _base_.celebahq_test_dataloader
test_evaluator = _base_.celebahq_test_evaluator
