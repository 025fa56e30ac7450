# Validation (x4) and continuous-scale test on a DIV2K-style folder of GT
# images (DIV2K_valid_HR): the input is the bicubic downsampling of the GT,
# LIIF's protocol: h = floor(H / s), GT cropped to round(h * s).
# Query points are made inside the model from the GT size (no coordinate
# lists in the pipeline). PSNR/SSIM on RGB with the border shaved by
# ceil(s) + 6 (LIIF's DIV2K protocol: scale + 6); at test time also LPIPS
# (AlexNet, liifgan_mm's offline LPIPS metric) on the full image.
# liifgan_mm.evaluation.continuous_protocol makes the same pairs for
# tools/benchmark_table.py.
# LIIF-GAN configs inherit stock mmagic LIIF through this file.
_base_ = 'mmagic::liif/liif-edsr-norm_c64b16_1xb16-1000k_div2k.py'
# Loaders and metrics: liifgan_mm.utils.test_sets, the one builder of both
# test bases (imported after `_base_`: mmengine reads a config whose first
# statement imports a package as a lazy-import config).
from liifgan_mm.utils.test_sets import (image_loader, per_scale_test,  # noqa
                                        sr_metrics)

# A test scale is s (both axes) or (sh, sw) (height, width; per axis:
# h = floor(H / sh), w = floor(W / sw), GT cropped to round(h * sh) x
# round(w * sw)); output sizes are the GT's, exact.
test_scales = [2, 3, 4, 4.5, 5, 5.5, 6, 6.5, 7]
test_root = 'data/DIV2K/DIV2K_valid_HR'


def _pipeline(scale):
    # FixedScaleDownSampling(scale=s) = mmagic's RandomDownSampling(
    # scale_min=s, scale_max=s) (tested), and takes (sh, sw) too
    scale = tuple(scale) if isinstance(scale, (list, tuple)) else scale
    return [
        dict(type='LoadImageFromFile', key='gt', color_type='color',
             channel_order='rgb', imdecode_backend='cv2'),
        dict(type='FixedScaleDownSampling', scale=scale),
        dict(type='PackInputs')
    ]


def _shave(scale):  # ceil(scale) + 6, of the larger axis scale
    scale = max(scale) if isinstance(scale, (list, tuple)) else scale
    return int(-(-scale // 1)) + 6


val_dataloader = dict(_delete_=True, **image_loader('div2k', test_root,
                                                    _pipeline(4)))
# Metric names carry the data set and scale, as mmagic's LIIF
# (`DIV2Kx4/PSNR`). Validation: PSNR/SSIM/LPIPS; the best checkpoint by PSNR
# here, by LPIPS (lower is better) in the GAN configs (`gan_best`).
val_evaluator = dict(_delete_=True, type='Evaluator',
                     metrics=sr_metrics('DIV2Kx4', _shave(4)))
# the same validation on the photo set's val crops (the photo configs)
photos_val_metrics = sr_metrics('Photosx4', _shave(4))
l1_best = dict(save_best='DIV2Kx4/PSNR', rule='greater')
gan_best = dict(save_best='DIV2Kx4/LPIPS', rule='less')
test_cfg = dict(type='MultiTestLoop')
# checkpoints into the work_dir (the stock LIIF config writes ./work_dirs/)
default_hooks = dict(checkpoint=dict(out_dir=None, **l1_best))
# One image file per test scale (`<gt name>_DIV2Kx4_5_<iter>.png`, mmagic's
# hook would write all nine scales to one name), at most 4 images per
# validation, every test image.
vis_hook = dict(type='PerScaleVisualizationHook', max_images=dict(val=4))
custom_hooks = [vis_hook]
test_dataloader, test_evaluator = per_scale_test(
    test_scales, 'DIV2K', 'div2k', test_root, _pipeline, _shave)
# mmagic's inferencer (mmagic.apis.inferencers, 'Image Super-Resolution')
# runs this on one image: the output is set by SetOutputSize's scale (s or
# (sh, sw)) or size ((H, W)); liifgan_mm.apis.inference_config sets it.
inference_pipeline = [
    dict(type='LoadImageFromFile', key='img', color_type='color',
         channel_order='rgb', imdecode_backend='cv2'),
    dict(type='SetOutputSize', scale=4),
    dict(type='PackInputs', meta_keys=['target_size'])
]
# The stock test lists replaced above: emptied so that the config mmengine
# formats into every log and checkpoint stays small (yapf takes seconds on
# the full one).
test_pipelines = set5_dataloaders = set14_dataloaders = None
div2k_dataloaders = set5_evaluators = set14_evaluators = None
div2k_evaluators = None
