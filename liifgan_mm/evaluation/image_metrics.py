"""PSNR, SSIM and LPIPS of one prediction, as the test configs compute them.

PSNR/SSIM are mmagic's functional ``psnr``/``ssim`` on RGB (no Y channel)
with ``crop_border`` pixels shaved; LPIPS (:class:`~liifgan_mm.evaluation.
metrics.LPIPS`, AlexNet by default) sees the full image.

An image too small for a metric (SSIM's 11 px window after shaving, LPIPS's
network on a few pixels) gets NaN for that metric only, never an exception:
the caller reports it and leaves it out of means.
"""
import math

import numpy as np
from mmagic.evaluation.metrics.psnr import psnr
from mmagic.evaluation.metrics.ssim import ssim

METRICS = ('PSNR', 'SSIM', 'LPIPS')
SSIM_WINDOW = 11  # mmagic's ssim: 11x11 Gaussian window, 'valid'
LPIPS_MIN_SIDE = 32  # below this a failing LPIPS network is "too small"
HIGHER_IS_BETTER = dict(PSNR=True, SSIM=True, LPIPS=False)


class ImageMetrics:
    """Callable ``(pred, gt, crop_border) -> {'PSNR', 'SSIM', 'LPIPS'}``.

    Args:
        lpips_net (str | None): LPIPS backbone, ``'alex'`` (the paper's
            default) or ``'vgg'``; None: no LPIPS (NaN).
        device (str, optional): where LPIPS runs (None: CPU).
    """

    def __init__(self, lpips_net='alex', device=None):
        self.lpips_net = lpips_net
        self.device = device
        self._lpips = None

    @property
    def lpips(self):
        """mmagic-style LPIPS metric taking ``[H, W, 3]`` RGB images."""
        if self._lpips is None:
            from .metrics import LPIPS
            self._lpips = LPIPS(
                net=self.lpips_net, input_order='HWC', channel_order='RGB',
                device=self.device)
        return self._lpips

    def __call__(self, pred, gt, border=0):
        """Metrics of one image.

        Args:
            pred (np.ndarray): ``[H, W, 3]`` RGB prediction in ``[0, 255]``
                (float, not rounded, as mmagic's evaluators see it).
            gt (np.ndarray): ``[H, W, 3]`` RGB uint8 GT.
            border (int): pixels shaved on each side for PSNR/SSIM.

        Returns:
            dict[str, float]: PSNR (dB), SSIM, LPIPS; NaN where the image
            is too small for the metric.
        """
        if pred.shape != gt.shape:
            raise ValueError(f'prediction {pred.shape} != GT {gt.shape}')
        pred = np.clip(pred.astype(np.float32), 0, 255)
        inner = min(gt.shape[:2]) - 2 * border
        out = dict(PSNR=math.nan, SSIM=math.nan, LPIPS=math.nan)
        if inner >= 1:
            out['PSNR'] = float(psnr(gt, pred, crop_border=border,
                                     input_order='HWC'))
        if inner >= SSIM_WINDOW:
            out['SSIM'] = float(ssim(gt, pred, crop_border=border,
                                     input_order='HWC'))
        if self.lpips_net is None:
            return out
        try:
            out['LPIPS'] = float(self.lpips.process_image(gt, pred))
        except RuntimeError:
            if min(gt.shape[:2]) >= LPIPS_MIN_SIDE:
                raise
        return out
