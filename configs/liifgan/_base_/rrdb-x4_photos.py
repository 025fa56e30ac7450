# The fixed-scale baseline's pieces, shared by rrdb_* and rrdbgan_* configs
# (mixed into their LIIF/LIIF-GAN photo bases): mmagic's ESRGAN generator
# (RRDBNet, x4) and x4 training pairs made like LIIF-GAN's (RandomDownSampling
# at scale 4; same flips and transposes).
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
# the CPU recipe's size (configs/liifgan/small/); GT patches of 48 px, the
# size of LIIF-GAN's RGS patches, so the discriminator and VGG see the same
# patch size in both (and the step fits a CPU: 192-px patches cost ~10x)
rrdb_small_generator = dict(rrdb_generator, mid_channels=32, num_blocks=4,
                            growth_channels=16)
rrdb_small_train_pipeline = _rrdb_pipeline(12)
