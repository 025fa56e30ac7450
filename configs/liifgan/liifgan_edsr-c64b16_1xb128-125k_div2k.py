# LIIF-GAN (Kang & Ahn, BMVC 2022) on DIV2K, EDSR-baseline encoder.
# Paper schedule: 1000 epochs x (800 images x 20 repeats / batch 128)
# = 125k iterations, Adam 1e-4 halved every 200 epochs (25k iterations),
# batch 128 on one GPU (the paper's; mmagic's LIIF uses 16).
# Data: DIV2K HR PNGs in `data_root` (any folder of images works):
#   --cfg-options train_dataloader.dataset.data_root=... \
#                 val_dataloader.dataset.data_root=...
# Choices where the paper is silent (all config fields):
#   mid_block=8 (decoder 1 reads the output of residual block 8 of 16),
#   Real-ESRGAN's UNet discriminator with spectral norm (fits 48/64 px
#   patches), vanilla GAN loss weight 0.1, VGG19 perceptual loss on
#   conv1_2..conv5_4 (weights 0.1, 0.1, 1, 1, 1), L1 weight 1.
# Inherits mmagic::liif/liif-edsr-norm_c64b16_1xb16-1000k_div2k.py through
# the continuous-scale test setting:
_base_ = './_base_/liif-edsr_div2k-continuous-test.py'
custom_imports = dict(imports=['liifgan_mm'], allow_failed_imports=False)

experiment_name = 'liifgan_edsr-c64b16_1xb128-125k_div2k'
work_dir = f'./work_dirs/{experiment_name}'
patch_size = 48  # input size = RGS patch size (paper Sec. 4.2)
scale_min, scale_max = 1, 4

model = dict(
    type='LIIFGAN',
    generator=dict(
        _delete_=True,
        type='LIIFGANEDSRNet',
        encoder=dict(
            type='EDSRNet',
            in_channels=3,
            out_channels=3,
            mid_channels=64,
            num_blocks=16),
        mid_block=8,
        # test time: encode/decode in tiles of this many latents (bounded
        # memory, same output to 1e-5); None: whole input at once
        encoder_tile=None,
        head=dict(
            type='DualImplicitHead',
            decoder=dict(
                type='MLPRefiner', out_dim=3,
                hidden_list=[256, 256, 256, 256]),
            dual=True,
            # test time: D1 + alpha * D2 (0: the L1 decoder alone)
            alpha=1.0,
            eval_bsize=30000)),
    discriminator=dict(
        type='UNetDiscriminatorWithSpectralNorm',
        in_channels=3,
        mid_channels=64,
        skip_connection=True),
    perceptual_loss=dict(
        type='VGG19PerceptualLoss',
        layer_weights={'2': 0.1, '7': 0.1, '16': 1.0, '25': 1.0, '34': 1.0},
        vgg_type='vgg19',
        perceptual_weight=1.0,
        style_weight=0,
        norm_img=False),
    gan_loss=dict(
        type='GANLoss',
        gan_type='vanilla',
        loss_weight=1e-1,
        real_label_val=1.0,
        fake_label_val=0),
    train_cfg=dict(disc_steps=1, disc_init_steps=0))

train_pipeline = [
    dict(type='LoadImageFromFile', key='gt', color_type='color',
         channel_order='rgb', imdecode_backend='cv2'),
    dict(type='RandomDownSampling', scale_min=scale_min, scale_max=scale_max,
         patch_size=patch_size),
    dict(type='Flip', keys=['img', 'gt'], flip_ratio=0.5,
         direction='horizontal'),
    dict(type='Flip', keys=['img', 'gt'], flip_ratio=0.5,
         direction='vertical'),
    dict(type='RandomTransposeHW', keys=['img', 'gt'], transpose_ratio=0.5),
    dict(type='RandomGroupSampling', patch_size=patch_size, subpixel=False),
    dict(type='PackInputs')
]
# CheckedImageDataset: mmagic's BasicImageDataset that decodes and
# size-checks every image before training (skip_bad=True drops bad ones).
train_dataloader = dict(
    batch_size=128,
    dataset=dict(
        type='CheckedImageDataset',
        data_root='data/DIV2K/DIV2K_train_HR',
        ann_file='',
        data_prefix=dict(gt=''),
        pipeline=train_pipeline))

train_cfg = dict(max_iters=125_000, val_interval=5000)
# SkipNonFiniteOptimWrapper: OptimWrapper that skips a step with a NaN/inf
# loss or gradient (default_hooks.divergence_guard stops after 10 in a row).
optim_wrapper = dict(
    _delete_=True,
    constructor='MultiOptimWrapperConstructor',
    generator=dict(type='SkipNonFiniteOptimWrapper',
                   optimizer=dict(type='Adam', lr=1e-4)),
    discriminator=dict(type='SkipNonFiniteOptimWrapper',
                       optimizer=dict(type='Adam', lr=1e-4)))
param_scheduler = dict(milestones=[25_000, 50_000, 75_000, 100_000])
# Multi-process training (`--launcher pytorch|slurm`): generator and
# discriminator each in their own DDP, as mmagic's GAN configs (the default
# wrapper fails: "optim_context should be called by each optimizer
# separately"). Every LIIF-GAN, LIIF and SRGAN config here inherits this.
model_wrapper_cfg = dict(
    type='MMSeparateDistributedDataParallel', broadcast_buffers=False,
    find_unused_parameters=False)
# Reliability (README "Reliability"): checkpoints written atomically, the
# old one deleted only after the new one is complete, never with non-finite
# weights, with one-process keys; loads map keys to the running layout; a
# diverged run stops after `max_consecutive` skipped steps in a row.
# The best checkpoint is chosen by validation LPIPS (lower is better), not PSNR.
default_hooks = dict(
    checkpoint=dict(type='SafeCheckpointHook', interval=5000,
                    **_base_.gan_best),
    checkpoint_layout=dict(type='CheckpointLayoutHook'),
    divergence_guard=dict(type='DivergenceGuardHook', max_consecutive=10))
