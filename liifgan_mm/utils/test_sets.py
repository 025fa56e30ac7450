"""The one builder of the test bases' data sets
(``configs/liifgan/_base_/``: DIV2K, CelebA-HQ): a folder of GT images read
by mmagic's ``BasicImageDataset``, one loader and one metric list per scale
(``MultiTestLoop``), metric names that carry the set and the scale
(``DIV2Kx4/PSNR``, ``CelebAHQx3.2x4.7/LPIPS``). Plain dicts, no imports: the
config files call these while mmengine reads them.
"""


def scale_name(scale):
    """Metric-prefix part of a test scale: ``4 -> 'x4'``, ``4.5 -> 'x4.5'``,
    ``(3.2, 4.7) -> 'x3.2x4.7'`` (height, width), ``dict(size=(96, 160))
    -> '96x160'`` (an exact target)."""
    if isinstance(scale, dict):
        return '{}x{}'.format(*scale['size'])
    if isinstance(scale, (list, tuple)):
        return 'x' + 'x'.join(f'{float(s):g}' for s in scale)
    return f'x{scale}'


def image_loader(dataset_type, data_root, pipeline):
    """A test/validation loader over the GT images in ``data_root``."""
    return dict(
        num_workers=2,
        persistent_workers=False,
        drop_last=False,
        sampler=dict(type='DefaultSampler', shuffle=False),
        dataset=dict(
            type='BasicImageDataset',
            metainfo=dict(dataset_type=dataset_type, task_name='sisr'),
            data_root=data_root,
            data_prefix=dict(gt=''),
            pipeline=pipeline))


def sr_metrics(prefix, crop_border=0):
    """PSNR and SSIM (RGB, ``crop_border`` pixels shaved) and LPIPS
    (AlexNet, the whole image), named ``<prefix>/<metric>``."""
    return [
        dict(type='PSNR', crop_border=crop_border, prefix=prefix),
        dict(type='SSIM', crop_border=crop_border, prefix=prefix),
        dict(type='LPIPS', net='alex', prefix=prefix),
    ]


def per_scale_test(scales, name, dataset_type, data_root, pipeline,
                   crop_border=lambda scale: 0):
    """``(loaders, evaluators)`` of a ``MultiTestLoop``: one of each per
    scale, ``pipeline(scale)`` making the pairs, metrics named
    ``<name><scale_name(scale)>``."""
    loaders = [image_loader(dataset_type, data_root, pipeline(s))
               for s in scales]
    evaluators = [sr_metrics(name + scale_name(s), crop_border(s))
                  for s in scales]
    return loaders, evaluators
