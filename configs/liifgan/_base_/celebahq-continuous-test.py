# Validation (x4) and continuous-scale test on CelebA-HQ (paper Sec. 4.2):
# the input is 64 x 64 and the target 64*s x 64*s, both bicubic-resized
# (PIL, antialiased) from the original image (1024 px), as LIIF's
# pre-resized CelebA-HQ folders. PSNR/SSIM on RGB over the whole image (LIIF
# shaves no border on CelebA-HQ); at test time also LPIPS (AlexNet) on the
# full image. liifgan_mm.evaluation.continuous_protocol makes the same pairs
# for tools/benchmark_table.py --protocol celebahq.
#
# Used as a second base next to a training config; every name here starts
# with `celebahq_` so nothing clashes with the DIV2K setting, and the child
# picks the parts up:
#   _base_ = ['./liifgan_edsr-c64b16_1xb128-125k_div2k.py',
#             './_base_/celebahq-continuous-test.py']
#   test_dataloader = _base_.celebahq_test_dataloader   (etc.)
# An entry is s, (sh, sw) (target round(64 * sh) x round(64 * sw)) or
# dict(size=(H, W)) (that exact target from the 64 x 64 input).
# Loaders and metrics: liifgan_mm.utils.test_sets, the one builder of both
# test bases. No base of its own: `_base_ = []` stands before the import so
# that mmengine reads this as a plain config (one whose first statement
# imports a package it reads as a lazy-import config).
_base_ = []
from liifgan_mm.utils.test_sets import (image_loader, per_scale_test,  # noqa
                                        sr_metrics)

celebahq_scales = [2, 3, 4, 4.5, 5, 5.5, 6, 6.5, 7]
celebahq_root = 'data/CelebA-HQ/test'
celebahq_input_size = 64


def _celebahq_target(scale):  # (H, W)
    n = celebahq_input_size
    if isinstance(scale, dict):
        return tuple(scale['size'])
    if isinstance(scale, (list, tuple)):
        return round(n * scale[0]), round(n * scale[1])
    return round(n * scale), round(n * scale)


def _celebahq_pipeline(scale):
    n = celebahq_input_size
    th, tw = _celebahq_target(scale)
    return [
        dict(type='LoadImageFromFile', key='gt', color_type='color',
             channel_order='rgb', imdecode_backend='cv2'),
        dict(type='Resize', keys=['gt'], output_keys=['img'], scale=(n, n),
             keep_ratio=False, interpolation='bicubic', backend='pillow'),
        dict(type='Resize', keys=['gt'], scale=(tw, th),  # (w, h)
             keep_ratio=False, interpolation='bicubic', backend='pillow'),
        dict(type='PackInputs')
    ]


celebahq_val_dataloader = image_loader('celebahq', celebahq_root,
                                       _celebahq_pipeline(4))
celebahq_val_evaluator = dict(type='Evaluator',
                              metrics=sr_metrics('CelebAHQx4'))
celebahq_test_dataloader, celebahq_test_evaluator = per_scale_test(
    celebahq_scales, 'CelebAHQ', 'celebahq', celebahq_root,
    _celebahq_pipeline)
