"""Evaluate table rows at every scale on a folder of images, resumably.

For each row, each image and each scale: the protocol makes ``(input, GT)``
(:mod:`.continuous_protocol`), the row's upsampler predicts the GT size
(:mod:`.upsamplers`), and PSNR/SSIM/LPIPS (:mod:`.image_metrics`) go to the
row's cache (:mod:`.result_cache`) at once. A finished (image, scale) is
never recomputed, so an interrupted run continues where it stopped; a row
whose cache is complete does not even build its model. One progress bar per
row counts images x scales.

The same crop (fractions of the GT frame) of one image is saved per row and
scale, for the crop grid.

Bad input never stops the run or poisons a number: an unreadable image, or
an (image, scale) whose evaluation fails, is reported in one line naming it
and left out (``Benchmark.failures``; the tool exits non-zero); a metric an
image is too small for is NaN for that image, left out of the mean and
counted (``Benchmark.nan_counts``). Cached results are keyed by each file's
size and hash, never by its name alone.
"""
import hashlib
import math
import os.path as osp
import warnings
from dataclasses import dataclass, field

import numpy as np
from tqdm import tqdm

from .continuous_protocol import (CELEBAHQ_INPUT_SIZE, PAPER_SCALES,
                                  check_protocol, crop_border, make_pair,
                                  scale_name)
from .image_io import list_images, load_image, save_png
from .image_metrics import METRICS, ImageMetrics
from .result_cache import RowCache, file_digest, row_slug
from .upsamplers import build_upsampler, describe_row, supports_scale

CACHE_VERSION = 2  # bump when the metric computation changes


@dataclass
class CropSpec:
    """The crop shown in the grid: same place in every row and scale.

    Attributes:
        image (str, optional): file name in the folder (None: the first).
        center (tuple[float, float]): ``(y, x)`` as fractions of the GT.
        size (float): side as a fraction of the GT's shorter side.
    """
    image: str = None
    center: tuple = (0.5, 0.5)
    size: float = 0.25

    def crop(self, img):
        """``[H, W, C]`` -> ``[s, s, C]`` crop (``s = size * min(H, W)``)."""
        h, w = img.shape[:2]
        side = max(1, round(self.size * min(h, w)))
        top = min(max(0, round(self.center[0] * h - side / 2)), h - side)
        left = min(max(0, round(self.center[1] * w - side / 2)), w - side)
        return img[top:top + side, left:left + side]

    def tag(self, image):
        """Short digest naming this crop's files."""
        text = f'{image}|{tuple(self.center)}|{self.size}'
        return hashlib.sha1(text.encode()).hexdigest()[:8]


@dataclass
class RowResult:
    """Mean metrics of one row.

    Attributes:
        values (dict): ``{metric: {scale: mean or None (N/A)}}``.
        crops (dict): ``{scale: png path}`` of the grid crop.
    """
    name: str
    is_gan: bool
    kind: str
    values: dict = field(default_factory=dict)
    crops: dict = field(default_factory=dict)


def _signature(spec, cfg, protocol, input_size, lpips_net):
    text = (f'{spec.signature(cfg)}|{protocol}|{input_size}|{lpips_net}|'
            f'v{CACHE_VERSION}')
    return hashlib.sha1(text.encode()).hexdigest()[:16]


class Benchmark:
    """Rows x scales on one folder.

    Args:
        data_dir (str): GT images (DIV2K) or originals (CelebA-HQ).
        cache_dir (str): per-row caches and crops.
        scales (Sequence[float]): scales (the paper's nine by default).
        protocol (str): ``'div2k'`` or ``'celebahq'``.
        input_size (int): CelebA-HQ input side.
        images (list[str], optional): file names (default: all).
        lpips_net (str): LPIPS backbone.
        device (str): where models (and LPIPS) run.
        crop (CropSpec): the grid crop.
        resume (bool): reuse caches of earlier runs.
        progress (bool): show progress bars.
        build (callable, optional): ``(spec, device, cfg=, kind=,
            model_scale=, allow_random=) -> upsampler``, given the row's
            loaded config and :func:`~.upsamplers.describe_row` (default
            :func:`~.upsamplers.build_upsampler`).
        allow_random (bool): rows without a checkpoint run random weights
            (else building them raises).

    Attributes:
        failures (list[str]): one line per image that could not be read
            or (row, image, scale) that could not be evaluated.
        nan_counts (dict): ``{(row, metric, scale): n}`` images whose
            metric could not be computed (too small), left out of means.
    """

    def __init__(self, data_dir, cache_dir, scales=PAPER_SCALES,
                 protocol='div2k', input_size=CELEBAHQ_INPUT_SIZE,
                 images=None, lpips_net='alex', device='cpu', crop=None,
                 resume=True, progress=True, build=None,
                 allow_random=False):
        check_protocol(protocol)
        self.data_dir, self.cache_dir = data_dir, cache_dir
        self.scales = [float(s) for s in scales]
        self.protocol, self.input_size = protocol, input_size
        self.images = images or list_images(data_dir)
        self.lpips_net, self.device = lpips_net, device
        self.crop = crop or CropSpec()
        self.crop_image = self.crop.image or self.images[0]
        self.resume, self.progress, self.build = resume, progress, build
        self.allow_random = allow_random
        self.metrics = ImageMetrics(lpips_net, device=device)
        self.failures, self.nan_counts = [], {}
        self.digests = {im: self._digest(im) for im in self.images}

    def _digest(self, image):
        try:
            return file_digest(osp.join(self.data_dir, image))
        except OSError as e:  # unreadable file: reported when loaded
            return f'unreadable-{e.errno}'

    def _fail(self, line):
        if line not in self.failures:
            self.failures.append(line)
            warnings.warn(line)

    def _load(self, image):
        """The image, or None (reported) if it cannot be read."""
        try:
            return load_image(osp.join(self.data_dir, image))
        except (OSError, ValueError) as e:
            self._fail(str(e))
            return None

    def run_row(self, spec):
        """Evaluate (or read back) one :class:`~.row_spec.RowSpec`."""
        cfg = spec.load_config()
        kind, model_scale = describe_row(spec, cfg)
        sig = _signature(spec, cfg, self.protocol, self.input_size,
                         self.lpips_net)
        slug = row_slug(spec.name)
        cache = RowCache(osp.join(self.cache_dir, f'{slug}.jsonl'), sig,
                         resume=self.resume)
        scales = [s for s in self.scales
                  if supports_scale(kind, model_scale, s)]
        crop_dir = osp.join(self.cache_dir, 'crops', f'{slug}-{sig}-'
                            f'{self._crop_tag()}')
        crops = {s: osp.join(crop_dir, f'{scale_name(s)}.png')
                 for s in scales}
        dig = self.digests
        todo = [(im, s) for im in self.images for s in scales
                if (im, s, dig[im]) not in cache or
                (im == self.crop_image and not osp.exists(crops[s]))]
        total = len(self.images) * len(scales)
        with tqdm(total=total, initial=total - len(todo), desc=spec.name,
                  unit='img', disable=not self.progress) as bar:
            upsampler = self._build(spec, cfg, kind, model_scale) \
                if todo else None
            if todo and upsampler is None:  # reported; row left empty
                todo = []
            for image in dict.fromkeys(im for im, _ in todo):
                img = self._load(image)
                for s in (s for im, s in todo if im == image):
                    if img is not None:
                        self._evaluate(spec.name, upsampler, cache, image,
                                       img, s, crops[s])
                    bar.update()
        values = {m: {s: None for s in self.scales} for m in METRICS}
        for s in scales:
            per_image = [cache.get(im, s, dig[im]) for im in self.images]
            for m in METRICS:
                vals = [r[m] for r in per_image if r and r[m] is not None]
                nan = sum(1 for r in per_image if r and r[m] is None)
                if nan:
                    self.nan_counts[(spec.name, m, s)] = nan
                values[m][s] = float(np.mean(vals)) if vals else None
        return RowResult(spec.name, spec.is_gan(cfg), kind, values, crops)

    def _build(self, spec, cfg, kind, model_scale):
        """The row's upsampler, or None when its model cannot be built
        (a checkpoint that does not fit: reported in one line)."""
        build = self.build or build_upsampler
        try:
            return build(spec, self.device, cfg=cfg, kind=kind,
                         model_scale=model_scale,
                         allow_random=self.allow_random)
        except (ValueError, FileNotFoundError) as e:
            self._fail(f'{spec.name}: {e}')
            return None

    def _evaluate(self, row, upsampler, cache, image, img, s, crop_path):
        """One (image, scale) of a row into the cache; a failure is
        reported and skipped."""
        try:
            lr, gt = make_pair(self.protocol, img, s, self.input_size)
            if min(lr.shape[:2]) < 1:
                raise ValueError(f'input would be {lr.shape[0]}x'
                                 f'{lr.shape[1]} px')
            pred = upsampler(lr, gt.shape[:2])
            if image == self.crop_image:
                save_png(crop_path, self.crop.crop(pred))
            if (image, s, self.digests[image]) in cache:
                return
            metrics = self.metrics(pred, gt, crop_border(self.protocol, s))
        except Exception as e:  # one line naming what failed, go on
            self._fail(f'{row}: {osp.join(self.data_dir, image)} at '
                       f'{scale_name(s)}: {type(e).__name__}: '
                       f'{str(e).splitlines()[0][:200] if str(e) else ""}')
            return
        nan = [m for m, v in metrics.items() if v is None or math.isnan(v)]
        if nan:
            warnings.warn(f'{row}: {image} at {scale_name(s)} '
                          f'({gt.shape[1]}x{gt.shape[0]} px) is too small '
                          f'for {"/".join(nan)}: left out of the mean')
        cache.add(image, s, metrics, self.digests[image])

    def _crop_tag(self):
        return self.crop.tag(
            f'{self.crop_image}|{self.digests.get(self.crop_image)}')

    def run(self, specs):
        """All rows; returns ``list[RowResult]`` in the given order."""
        return [self.run_row(spec) for spec in specs]

    def gt_crops(self):
        """``{scale: png path}`` of the GT crop (written if missing)."""
        out, img = {}, None
        for s in self.scales:
            path = osp.join(
                self.cache_dir, 'crops', f'GT-{self.protocol}-'
                f'{self.input_size}-{self._crop_tag()}',
                f'{scale_name(s)}.png')
            if not osp.exists(path) or not self.resume:
                if img is None:  # decoded once, for every scale
                    img = self._load(self.crop_image)
                    if img is None:
                        return {}
                gt = make_pair(self.protocol, img, s, self.input_size)[1]
                save_png(path, self.crop.crop(gt))
            out[s] = path
        return out
