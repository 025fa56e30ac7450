"""Pipeline steps for any output size or aspect.

- :class:`FixedScaleDownSampling` (test with GT): LIIF's DIV2K protocol per
  axis, for one scale or a ``(sh, sw)`` pair: ``h = floor(H / sh)``,
  ``w = floor(W / sw)``, GT cropped to ``(round(h * sh), round(w * sw))``,
  input = the bicubic downsampling of that crop. With one scale it is
  mmagic's ``RandomDownSampling(scale_min=s, scale_max=s)``.
- :class:`SetOutputSize` (inference, no GT): puts the exact output
  ``target_size`` of the loaded ``img`` into the results (one scale, a
  scale per axis or an ``(H, W)`` target), validated before any work;
  ``PackInputs(meta_keys=['target_size'])`` hands it to the model.
"""
import math

from mmcv.transforms import BaseTransform
from mmagic.datasets.transforms.random_down_sampling import resize_fn
from mmagic.registry import TRANSFORMS

from liifgan_mm.utils.output_size import (MAX_PIXELS,
                                          output_size,
                                          scale_pair,
                                          size_pair)


@TRANSFORMS.register_module()
class FixedScaleDownSampling(BaseTransform):
    """Make the input from the GT at a fixed (per-axis) scale.

    Args:
        scale (float | tuple[float, float]): ``s`` or ``(sh, sw)``.
        interpolation (str), backend (str): as ``RandomDownSampling``
            (bicubic, pillow).

    Reads ``gt`` ``[H, W, C]``; writes ``gt`` (cropped), ``img``
    ``[h, w, C]`` and ``scale`` (``s``, or ``(sh, sw)`` when they differ).
    """

    def __init__(self, scale, interpolation='bicubic', backend='pillow'):
        self.scale = scale_pair(scale)
        self.interpolation, self.backend = interpolation, backend

    def transform(self, results):
        gt = results['gt']
        (sh, sw), (gh, gw) = self.scale, gt.shape[:2]
        h, w = math.floor(gh / sh + 1e-9), math.floor(gw / sw + 1e-9)
        if h < 1 or w < 1:
            raise ValueError(f'FixedScaleDownSampling: a {gh}x{gw} GT '
                             f'({results.get("gt_path", "?")}) is too small '
                             f'for scale {sh:g}x{sw:g}')
        gt = gt[:round(h * sh), :round(w * sw)]
        results['gt'] = gt
        results['img'] = resize_fn(gt, (w, h), self.interpolation,
                                   self.backend)
        # one number for one scale, as RandomDownSampling writes it
        results['scale'] = sh if sh == sw else self.scale
        for key in ('channel_order', 'color_type'):
            if f'gt_{key}' in results:
                results[f'img_{key}'] = results[f'gt_{key}']
        return results

    def __repr__(self):
        return f'{self.__class__.__name__}(scale={self.scale})'


@TRANSFORMS.register_module()
class SetOutputSize(BaseTransform):
    """Set the exact output size of the loaded input ``img``.

    Exactly one of:

    Args:
        scale (float | tuple[float, float]): ``s`` or ``(sh, sw)``:
            ``(round(h * sh), round(w * sw))``.
        size (tuple[int, int] | str): the target ``(H, W)`` (or ``'HxW'``).
        max_pixels (int): refuse larger outputs (default 2**28).

    Writes ``target_size`` ``(H, W)``.
    """

    def __init__(self, scale=None, size=None, max_pixels=MAX_PIXELS):
        if (scale is None) == (size is None):
            raise ValueError('SetOutputSize: give exactly one of scale '
                             '(s or (sh, sw)) and size ((H, W))')
        self.scale = None if scale is None else scale_pair(scale)
        self.size = None if size is None else size_pair(size)
        self.max_pixels = max_pixels

    def transform(self, results):
        results['target_size'] = output_size(
            results['img'].shape[:2], self.scale, self.size, self.max_pixels)
        return results

    def __repr__(self):
        return (f'{self.__class__.__name__}(scale={self.scale}, '
                f'size={self.size})')
