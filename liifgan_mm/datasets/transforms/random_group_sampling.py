"""Random group sampling (RGS) of LIIF-GAN (Kang & Ahn, BMVC 2022, Sec. 3.2)."""
import numpy as np
import torch
from mmcv.transforms import BaseTransform

from mmagic.registry import TRANSFORMS


def _interp_1d(img, origin, size, axis):
    """``size`` samples of ``img`` along ``axis`` at ``origin + k``.

    Pixel ``i`` sits at index position ``i``; a fractional ``origin`` blends
    the two neighbouring pixels linearly, an integer one copies exactly.
    """
    i0 = int(np.floor(origin))
    frac = origin - i0
    lo = np.take(img, np.arange(i0, i0 + size), axis=axis)
    if frac == 0:
        return lo
    hi = np.take(img, np.arange(i0 + 1, i0 + size + 1), axis=axis)
    return (1 - frac) * lo + frac * hi


@TRANSFORMS.register_module()
class RandomGroupSampling(BaseTransform):
    """Sample a p x p patch of real-valued query points from the GT crop.

    LIIF samples independent random pixels, which cannot feed a discriminator
    or VGG. RGS picks a random origin in the GT crop and takes
    the ``p x p`` grid of points one GT pixel apart from it, so the decoded
    values form an image patch. Use it where LIIF's pipeline has
    ``GenerateCoordinateAndCell(sample_quantity=...)``, after
    ``RandomDownSampling`` (GT crop ``H x W`` and its ``h x w`` input).

    The GT crop covers ``[-1, 1]^2`` with pixel ``i`` centred at
    ``-1 + (2i + 1) / H`` (mmagic's ``make_coord``). A query at pixel-index
    position ``y = oy + k`` (``k = 0..p-1``) has coordinate
    ``-1 + (2y + 1) / H`` and GT value the bilinear interpolation of the crop
    at ``y``: for an integer origin, exactly the crop's pixels.

    The origin: ``subpixel=True`` (a real-valued origin, one reading of
    the paper) makes the GT patch a bilinear resample of the crop, so the
    discriminator's "real" patches are blurrier than the photos (measured:
    0.84x the gradient energy of exact pixels) and it learns that blurrier
    is real. ``subpixel=False`` (the configs' default) takes an integer
    origin in GT pixels: the GT values are the crop's own pixels, and the
    query coordinates are still real-valued on the LR grid at every
    non-integer scale (the crop is ``round(p_lr * s)`` pixels). Measured on
    the photo set: configs/liifgan/README.md.

    Args:
        patch_size (int, optional): ``p``; None uses the input's height
            (the paper: p = input size, 48 on DIV2K, 64 on CelebA-HQ).
        subpixel (bool): real-valued origin, or integer origin (default;
            exact GT pixels).

    Required keys: ``gt`` (``[H, W, 3]``), ``img`` (``[h, w, 3]``).
    Modified: ``gt`` becomes the ``[p, p, 3]`` float32 GT patch.
    Added: ``coord`` ``[p*p, 2]`` and ``cell`` ``[p*p, 2]`` tensors, row-major
    over the patch, so predictions ``[B, p*p, 3]`` become ``[B, 3, p, p]`` by
    ``.view(B, p, p, 3).permute(0, 3, 1, 2)``; ``rgs_origin`` ``(oy, ox)``.
    """

    def __init__(self, patch_size=None, subpixel=False):
        self.patch_size = patch_size
        self.subpixel = subpixel

    def _origin(self, extent):
        if self.subpixel:
            return float(np.random.uniform(0, extent))
        return int(np.random.randint(0, extent + 1))

    def transform(self, results):
        gt = np.asarray(results['gt'])
        if gt.ndim == 2:
            gt = gt[..., None]
        h, w = gt.shape[:2]
        p = self.patch_size or np.asarray(results['img']).shape[0]
        if p > h or p > w:
            raise ValueError(f'RandomGroupSampling: patch {p} larger than the '
                             f'GT crop {h}x{w}')
        oy, ox = self._origin(h - p), self._origin(w - p)
        patch = _interp_1d(gt.astype(np.float32), oy, p, axis=0)
        patch = _interp_1d(patch, ox, p, axis=1)

        ys = -1 + (2 * (oy + np.arange(p)) + 1) / h
        xs = -1 + (2 * (ox + np.arange(p)) + 1) / w
        yy, xx = np.meshgrid(ys, xs, indexing='ij')
        coord = torch.from_numpy(np.stack([yy, xx], -1).reshape(-1, 2)).float()
        cell = torch.tensor([2 / h, 2 / w]).expand(p * p, 2).clone()

        results['gt'] = np.ascontiguousarray(patch, dtype=np.float32)
        results['coord'] = coord
        results['cell'] = cell
        results['rgs_origin'] = (oy, ox)
        return results

    def __repr__(self):
        return (f'{self.__class__.__name__}(patch_size={self.patch_size}, '
                f'subpixel={self.subpixel})')
