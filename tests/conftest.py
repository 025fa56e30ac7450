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


@pytest.fixture(scope='module')
def offline_env(tmp_path_factory):
    """Per test module: an empty torch hub (no torchvision weights), a fresh
    liifgan_mm weight cache and no download, so the offline paths run."""
    mp = pytest.MonkeyPatch()
    mp.setenv('LIIFGAN_CACHE', str(tmp_path_factory.mktemp('cache')))
    mp.setenv('TORCH_HOME', str(tmp_path_factory.mktemp('torch_home')))
    mp.setenv('LIIFGAN_OFFLINE', '1')
    yield
    mp.undo()


@pytest.fixture
def rng():
    return np.random.default_rng(0)


TINY_TEMPLATE = '''
_base_ = {base!r}
work_dir = {work_dir!r}
patch = 24
model = dict(
    generator=dict(
        encoder=dict(num_blocks=2, mid_channels=16),
        head=dict(decoder=dict(hidden_list=[32, 32]), eval_bsize=500)),
    discriminator=dict(mid_channels=16))
{mid_block}
train_dataloader = dict(
    batch_size=2, num_workers=0, persistent_workers=False,
    dataset=dict(data_root={root!r}, pipeline=[
        dict(type='LoadImageFromFile', key='gt', channel_order='rgb'),
        dict(type='RandomDownSampling', scale_min=1, scale_max=4,
             patch_size=patch),
        dict(type='RandomGroupSampling', patch_size=patch),
        dict(type='PackInputs')]))
val_dataloader = dict(num_workers=0, dataset=dict(data_root={root!r}))
train_cfg = dict(max_iters=2, val_interval=2)
default_hooks = dict(checkpoint=dict(interval=2), logger=dict(interval=1))
test_dataloader = [
    dict(num_workers=0, persistent_workers=False, drop_last=False,
         sampler=dict(type='DefaultSampler', shuffle=False),
         dataset=dict(type='BasicImageDataset', data_root={root!r},
                      data_prefix=dict(gt=''), pipeline=[
             dict(type='LoadImageFromFile', key='gt', channel_order='rgb'),
             dict(type='RandomDownSampling', scale_min=s, scale_max=s),
             dict(type='PackInputs')])) for s in (2, 4.5)]
test_evaluator = [[dict(type='PSNR', crop_border=0, prefix=f'x{{s}}')]
                  for s in (2, 4.5)]
'''


def write_tiny_config(base, out_dir, data_root, work_dir):
    """A config inheriting ``base`` with a tiny model, 24 px patches, 2
    iterations and a 2-scale test on ``data_root``; returns its path."""
    from mmengine.config import Config
    if '::' in base:  # 'liifgan_mm::liifgan/...': the installed package's
        from mmengine.hub import get_config
        base_cfg = get_config(base)
    else:
        base = str(REPO / base) if not os.path.isabs(base) else base
        base_cfg = Config.fromfile(base)
    has_mid = base_cfg.model.generator.get('mid_block')
    mid = 'model.update(generator=dict(mid_block=1))' if has_mid else ''
    path = Path(out_dir) / f'tiny_{Path(base.split("::")[-1]).name}'
    path.write_text(TINY_TEMPLATE.format(
        base=base, work_dir=str(work_dir), root=str(data_root),
        mid_block=mid))
    return path
