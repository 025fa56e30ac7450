"""Shared fixtures. ``register_all_modules()`` costs ~10-15 s and ~600 MB, so
it runs once per session (``mm``); tests never touch the network."""
import os
import sys
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault('LIIFGAN_OFFLINE', '1')  # our loaders never download

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope='session')
def mm():
    """mmagic's registries with mmagic's and liifgan_mm's modules in them."""
    from mmagic.utils import register_all_modules
    register_all_modules()
    import liifgan_mm  # noqa: F401
    import mmagic.registry as registry
    return registry


@pytest.fixture(scope='session')
def assets_dir():
    """Real test images unpacked by tools/setup_env.sh (pyiqa wheel)."""
    root = Path(os.environ.get('LIIFGAN_ASSETS',
                               Path(sys.prefix) / 'liifgan_assets'))
    if not (root / 'ResultsCalibra').is_dir():
        pytest.fail(f'{root}/ResultsCalibra missing: run tools/setup_env.sh')
    return root


@pytest.fixture(scope='session')
def photo_dir(tmp_path_factory):
    """A folder of small real RGB photos (scikit-image's, cropped), as PNG."""
    import cv2
    from skimage import data
    out = tmp_path_factory.mktemp('photos')
    for name in ('astronaut', 'coffee', 'chelsea', 'rocket'):
        img = getattr(data, name)()[:144, :144]
        cv2.imwrite(str(out / f'{name}.png'), img[..., ::-1])
    return out


@pytest.fixture
def rng():
    return np.random.default_rng(0)
