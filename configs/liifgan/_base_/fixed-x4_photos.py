# The fixed-scale baselines' pieces, shared by the rrdb*/msrresnet* configs
# (mixed into their LIIF/LIIF-GAN photo bases): x4 generators and x4
# training pairs made like LIIF-GAN's (RandomDownSampling at scale 4; same
# flips and transposes).
# - full size: mmagic's ESRGAN generator (RRDBNet c64b23g32);
# - CPU recipe: mmagic's SRGAN generator (MSRResNet c32b8: residual on a
#   bilinear upsample). A small RRDBNet (c32b4g16) was tried first and does
#   not leave its grey plateau at this budget: it learns the image from a
#   zero output (L1 0.107 after 1500 iterations, bicubic 0.018; 0.11 after
#   200 Adam steps on one fixed batch, where MSRResNet starts at 0.019).
rrdb_scale = 4
rrdb_generator = dict(
    _delete_=True, type='RRDBNet', in_channels=3, out_channels=3,
    mid_channels=64, num_blocks=23, growth_channels=32,
    upscale_factor=rrdb_scale)
# images in [0, 1] (ESRGAN's), as the perceptual loss expects
rrdb_preprocessor = dict(mean=[0., 0., 0.], std=[255., 255., 255.])


def _rrdb_pipeline(lr_patch):
    return [
        dict(type='LoadImageFromFile', key='gt', color_type='color',
             channel_order='rgb', imdecode_backend='cv2'),
        dict(type='RandomDownSampling', scale_min=rrdb_scale,
             scale_max=rrdb_scale, patch_size=lr_patch),
        dict(type='Flip', keys=['img', 'gt'], flip_ratio=0.5,
             direction='horizontal'),
        dict(type='Flip', keys=['img', 'gt'], flip_ratio=0.5,
             direction='vertical'),
        dict(type='RandomTransposeHW', keys=['img', 'gt'],
             transpose_ratio=0.5),
        dict(type='PackInputs')
    ]


# GT patches of 128 px (ESRGAN's own size: input 32)
rrdb_train_pipeline = _rrdb_pipeline(32)
# the CPU recipe (configs/liifgan/small/); GT patches of 48 px, the size of
# LIIF-GAN's RGS patches, so the discriminator and VGG see the same patch
# size in both (and the step fits a CPU: 192-px patches cost ~10x)
msrresnet_small_generator = dict(
    _delete_=True, type='MSRResNet', in_channels=3, out_channels=3,
    mid_channels=32, num_blocks=8, upscale_factor=rrdb_scale)
small_train_pipeline = _rrdb_pipeline(12)
