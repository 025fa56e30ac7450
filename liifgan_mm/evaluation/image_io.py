"""Image files in and out: listing, reading as the test configs do, saving.

Shared by the table tool (:mod:`.benchmark`) and the inference tools
(``tools/upsample.py``, ``tools/alpha_sweep.py``).
"""
import glob
import os
import os.path as osp

import mmcv
import numpy as np
from mmagic.datasets.basic_image_dataset import IMG_EXTENSIONS


def list_images(folder, max_images=None):
    """Sorted image file names in ``folder`` (mmagic's extensions)."""
    names = sorted(n for n in os.listdir(folder) if n.endswith(IMG_EXTENSIONS))
    if not names:
        raise FileNotFoundError(f'no images in {folder}')
    return names[:max_images] if max_images else names


def load_image(path):
    """``[H, W, 3]`` RGB uint8, read as the test configs do (cv2).

    Raises:
        ValueError: naming ``path`` when it is not a readable image
            (empty, truncated, not an image).
    """
    try:
        img = mmcv.imread(path, flag='color', channel_order='rgb',
                          backend='cv2')
    except Exception as e:  # cv2.error without the file name
        raise ValueError(f'{path}: cannot be read as an image '
                         f'({type(e).__name__})') from e
    if img is None or img.size == 0:
        raise ValueError(f'{path}: cannot be read as an image')
    return img


def to_uint8(img):
    """An image in [0, 255] (float predictions) as the uint8 that
    :func:`save_png` writes: rounded and clipped."""
    return np.clip(np.round(img), 0, 255).astype(np.uint8)


def save_png(path, img):
    """Save an RGB image (float in [0, 255] is rounded)."""
    img = to_uint8(img)
    os.makedirs(osp.dirname(path), exist_ok=True)
    mmcv.imwrite(img[..., ::-1], path)


def collect_inputs(items):
    """Image paths from files, folders (non-recursive, image extensions)
    and globs, in order, without repeats.

    Raises:
        FileNotFoundError: a path that does not exist, a glob matching
            nothing or a folder without images (named).
    """
    out = []
    for item in items:
        if osp.isdir(item):
            found = [osp.join(item, n) for n in list_images(item)]
        elif osp.exists(item):
            found = [item]
        else:
            found = sorted(f for f in glob.glob(item) if osp.isfile(f))
            if not found:
                what = 'glob' if glob.has_magic(item) else 'file'
                raise FileNotFoundError(f'{what} {item}: no such image')
        out += [f for f in found if f not in out]
    return out
