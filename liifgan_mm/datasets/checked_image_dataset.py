"""mmagic's ``BasicImageDataset`` that checks its images before training.

Without it a bad training image is found when the sampler reaches it,
possibly hours in: an empty/truncated/non-image file dies in cv2 with
``!_src.empty()`` and no file name, an image smaller than the GT crop dies
in ``RandomDownSampling`` with ``high <= 0``, an empty folder with ``need at
least one array to concatenate``. :class:`CheckedImageDataset` (registered
in mmagic's ``DATASETS``; the LIIF-GAN configs' training set) decodes every
image once when it is built, as the pipeline will (cv2), in parallel with a
progress bar, and

- raises ``FileNotFoundError`` naming the folder when there is no image;
- raises ``ValueError`` naming each unreadable or too small file (the first
  ones, and how many), or, with ``skip_bad=True``, drops them with a
  warning naming each and trains on the rest.

"Too small" is the largest GT crop the pipeline can ask for:
``RandomDownSampling(patch_size=p, scale_max=s)`` crops ``round(p * s)``
pixels and needs one more (it draws the corner from ``[0, H - crop)``);
``PairedRandomCrop``/``*Crop`` transforms their ``gt_patch_size``/
``crop_size``; transforms after a ``Resize`` (CelebA-HQ's 256 px) do not
count. ``min_size`` overrides it.
"""
import os
from concurrent.futures import ThreadPoolExecutor

from mmengine.logging import print_log

from mmagic.datasets import BasicImageDataset
from mmagic.datasets.basic_image_dataset import IMG_EXTENSIONS
from mmagic.registry import DATASETS

_SHOWN = 5  # files named in an error


def required_size(pipeline):
    """Smallest image side the transforms can crop from (0: any).

    Args:
        pipeline (Compose): the built pipeline.
    """
    need = 0
    for t in getattr(pipeline, 'transforms', []):
        if 'Resize' in type(t).__name__:  # later crops see the resized image
            break
        if type(t).__name__ == 'RandomDownSampling' and t.patch_size:
            need = max(need, round(t.patch_size * t.scale_max) + 1)
        for attr in ('gt_patch_size', 'crop_size'):
            size = getattr(t, attr, None)
            if isinstance(size, (int, float)):
                need = max(need, int(size))
            elif isinstance(size, (tuple, list)) and size:
                need = max(need, int(max(size)))
    return need


def _check(path, need):
    """``None`` if ``path`` decodes (cv2, colour) to at least ``need`` px
    per side, else the reason."""
    import cv2
    import numpy as np
    try:
        with open(path, 'rb') as f:
            data = np.frombuffer(f.read(), np.uint8)
        img = cv2.imdecode(data, cv2.IMREAD_COLOR) if data.size else None
    except (OSError, cv2.error) as e:
        return f'cannot be read ({type(e).__name__})'
    if img is None:
        return 'not a readable image (empty, truncated or another format)'
    h, w = img.shape[:2]
    if min(h, w) < need:
        return (f'{w}x{h} px, smaller than the {need} px the training '
                'crop needs')
    return None


@DATASETS.register_module()
class CheckedImageDataset(BasicImageDataset):
    """``BasicImageDataset`` (same arguments) plus, at build time, a check
    of every image (see the module doc).

    Args:
        check_images (bool): decode and size-check every image. Default
            True.
        skip_bad (bool): drop bad images with a warning instead of raising.
        min_size (int, optional): required side (default: from the
            pipeline, :func:`required_size`).
        check_workers (int, optional): decoding threads (default: CPUs).
    """

    def __init__(self, *args, check_images=True, skip_bad=False,
                 min_size=None, check_workers=None, **kwargs):
        self.check_images, self.skip_bad = check_images, skip_bad
        self.min_size, self.check_workers = min_size, check_workers
        super().__init__(*args, **kwargs)

    def load_data_list(self):
        data_list = super().load_data_list()
        folder = self.data_prefix.get('gt') or self.data_root
        if not data_list:
            raise FileNotFoundError(
                f'no training images in {folder} (looked for '
                f'{"/".join(sorted({e.lower() for e in IMG_EXTENSIONS}))}; '
                'set train_dataloader.dataset.data_root)')
        if not self.check_images:
            return data_list
        need = (required_size(self.pipeline) if self.min_size is None
                else self.min_size)
        bad = self._bad(data_list, need)
        if not bad:
            return data_list
        lines = [f'{p}: {why}' for p, why in bad]
        if self.skip_bad:
            for line in lines:
                print_log(f'skipping training image {line}',
                          logger='current', level=30)
            drop = {p for p, _ in bad}
            kept = [d for d in data_list if not any(
                k.endswith('_path') and v in drop for k, v in d.items())]
            if not kept:
                raise ValueError(f'no usable training image in {folder}: '
                                 + '; '.join(lines[:_SHOWN]))
            return kept
        more = (f' (+{len(lines) - _SHOWN} more)'
                if len(lines) > _SHOWN else '')
        raise ValueError(
            f'{len(bad)} bad training image(s) in {folder}: '
            + '; '.join(lines[:_SHOWN]) + more +
            '. Fix or remove them, or set train_dataloader.dataset.'
            'skip_bad=True to train without them')

    def _bad(self, data_list, need):
        """``[(path, reason)]`` of the images that fail."""
        from tqdm import tqdm
        paths = [v for d in data_list for k, v in d.items()
                 if k.endswith('_path') and isinstance(v, str)]
        workers = self.check_workers or min(8, os.cpu_count() or 1)
        with ThreadPoolExecutor(workers) as pool, tqdm(
                total=len(paths), desc='checking training images',
                unit='img', disable=len(paths) < 200) as bar:
            reasons = []
            for r in pool.map(lambda p: _check(p, need), paths):
                reasons.append(r)
                bar.update()
        return [(p, r) for p, r in zip(paths, reasons) if r]
