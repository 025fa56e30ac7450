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

The decoded size of each readable file is remembered in
``<liifgan cache>/image_check.json`` under its path, byte size and mtime,
so a second run (resume, another config on the same data) decodes only new
or changed files (measured: 3561 photo-set tiles, 51 s the first time on a
busy 2-core machine).
"""
import json
import os
import os.path as osp
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


def _stamp(path):
    st = os.stat(path)
    return [st.st_size, st.st_mtime_ns]


def _decoded_size(path):
    """``(w, h)`` of ``path`` decoded as the pipeline does (cv2, colour),
    or the reason it cannot be."""
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
    return img.shape[1], img.shape[0]


def _check(path, need, known):
    """``None`` if ``path`` decodes to at least ``need`` px per side, else
    the reason. ``known``: ``{path: [size, mtime_ns, w, h]}``, updated."""
    try:
        stamp = _stamp(path)
    except OSError as e:
        return f'cannot be read ({type(e).__name__})'
    entry = known.get(path)
    if entry and entry[:2] == stamp:
        w, h = entry[2:]
    else:
        size = _decoded_size(path)
        if isinstance(size, str):
            return size
        w, h = size
        known[path] = stamp + [w, h]
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
        folder = self.data_prefix.get('gt') or self.data_root
        try:
            data_list = super().load_data_list()
        except OSError as e:  # e.g. a symlink loop: name the file
            where = e.filename or folder
            raise ValueError(f'training folder {folder}: {where}: '
                             f'{e.strerror or e}; remove or fix it') from None
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
        cache = _cache_file()
        known = _read_known(cache)
        fresh = {p: known[osp.abspath(p)] for p in paths
                 if osp.abspath(p) in known}
        workers = self.check_workers or min(8, os.cpu_count() or 1)
        with ThreadPoolExecutor(workers) as pool, tqdm(
                total=len(paths), desc='checking training images',
                unit='img', disable=len(paths) - len(fresh) < 200) as bar:
            reasons = []
            for r in pool.map(lambda p: _check(p, need, fresh), paths):
                reasons.append(r)
                bar.update()
        known.update({osp.abspath(p): v for p, v in fresh.items()})
        _write_known(cache, known)
        return [(p, r) for p, r in zip(paths, reasons) if r]


def _cache_file():
    from liifgan_mm.weights.cache import cache_dir
    return osp.join(str(cache_dir()), 'image_check.json')


def _read_known(path):
    try:
        with open(path) as f:
            known = json.load(f)
        return known if isinstance(known, dict) else {}
    except (OSError, ValueError):
        return {}


def _write_known(path, known):
    """Atomic (rename): a concurrent or killed writer never tears it."""
    tmp = f'{path}.{os.getpid()}.tmp'
    try:
        with open(tmp, 'w') as f:
            json.dump(known, f)
        os.replace(tmp, path)
    except OSError:  # a read-only cache only costs the next run time
        pass
