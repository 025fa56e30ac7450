"""Training/test runs behave like mmagic's: metric names carry data set and
scale, GAN configs keep the best checkpoint by LPIPS, every test scale
saves its own visualisation, validation saves a bounded number."""
import glob
import os
import re
import types

import pytest
from mmengine.config import Config

from tests.conftest import REPO, write_tiny_config

CONFIGS = sorted(os.path.relpath(p, REPO) for p in glob.glob(
    str(REPO / 'configs/liifgan/**/*.py'), recursive=True)
    if '_base_' not in p)


def _dataset(config):
    if 'celebahq' in config:
        return 'CelebAHQ'
    return 'Photos' if 'photos' in config else 'DIV2K'


@pytest.mark.parametrize('config', CONFIGS)
def test_metric_names_best_checkpoint_and_vis_hook(config):
    cfg = Config.fromfile(REPO / config)
    name = _dataset(config)
    assert {m.prefix for m in cfg.val_evaluator.metrics} == {f'{name}x4'}
    assert 'LPIPS' in {m.type for m in cfg.val_evaluator.metrics}
    test_set = 'CelebAHQ' if name == 'CelebAHQ' else 'DIV2K'
    for metrics in cfg.test_evaluator:
        prefixes = {m.prefix for m in metrics}
        assert len(prefixes) == 1
        assert re.fullmatch(test_set + r'x\d(\.5)?', prefixes.pop())
    ckpt = cfg.default_hooks.checkpoint
    gan = cfg.model.get('discriminator') is not None
    if gan:  # realism: lower LPIPS is better
        assert (ckpt.save_best, ckpt.rule) == (f'{name}x4/LPIPS', 'less')
    else:
        assert (ckpt.save_best, ckpt.rule) == (f'{name}x4/PSNR', 'greater')
    vis = [h for h in cfg.custom_hooks
           if h.type == 'PerScaleVisualizationHook']
    assert len(vis) == 1 and vis[0].max_images['val'] == 4
    assert 'BasicVisualizationHook' not in {h.type for h in cfg.custom_hooks}


class _Recorder:
    fn_key = 'gt_path'

    def __init__(self):
        self.names = []

    def add_datasample(self, sample, step=0):
        self.names.append((os.path.basename(sample.gt_path), step))


def _runner(prefix):
    metric = types.SimpleNamespace(prefix=prefix)
    loop = types.SimpleNamespace(
        evaluator=types.SimpleNamespace(metrics=[metric]))
    return types.SimpleNamespace(visualizer=_Recorder(), iter=7,
                                 val_loop=loop, test_loop=loop)


def _outputs(n):
    from mmagic.structures import DataSample
    return [DataSample(metainfo=dict(gt_path=f'/d/{i:04d}.png'))
            for i in range(n)]


def test_hook_names_files_per_scale_and_bounds_validation(mm):
    from liifgan_mm.visualization import PerScaleVisualizationHook
    # registered in mmagic's HOOKS under a name mmagic does not use
    assert mm.HOOKS.get('PerScaleVisualizationHook') is \
        PerScaleVisualizationHook
    hook = PerScaleVisualizationHook(max_images=dict(val=3))
    runner = _runner('DIV2Kx4')
    hook.before_val_epoch(runner)
    for i in range(3):  # 3 batches of 2: only 3 images saved
        hook.after_val_iter(runner, i, None, _outputs(2))
    assert [n for n, _ in runner.visualizer.names] == [
        '0000_DIV2Kx4.png', '0001_DIV2Kx4.png', '0000_DIV2Kx4.png']
    names = []
    for prefix in ('DIV2Kx2', 'DIV2Kx4.5'):  # test: one name per scale
        r = _runner(prefix)
        hook.before_test_epoch(r)
        hook.after_test_iter(r, 0, None, _outputs(5))
        names += [n for n, _ in r.visualizer.names]
    assert len(names) == len(set(names)) == 10
    assert '0004_DIV2Kx4_5.png' in names
    # the original sample is untouched
    out = _outputs(1)
    hook.after_test_iter(_runner('DIV2Kx3'), 0, None, out)
    assert out[0].gt_path == '/d/0000.png'


def test_tiny_run_saves_per_scale_images_and_best_by_lpips(
        mm, photo_dir, tmp_path):
    from mmengine.runner import Runner
    config = 'configs/liifgan/liifgan-s_edsr-c64b16_1xb128-125k_div2k.py'
    path = write_tiny_config(config, tmp_path, photo_dir, tmp_path / 'work')
    cfg = Config.fromfile(path)
    cfg.experiment_name = 'tiny_vis'
    runner = Runner.from_cfg(cfg)
    runner.train()
    best = glob.glob(str(tmp_path / 'work' / 'best_DIV2Kx4_LPIPS_iter_*.pth'))
    assert len(best) == 1
    runner.test()
    vis = os.listdir(os.path.join(runner.log_dir, 'vis_data', 'vis_image'))
    n_images = len(os.listdir(photo_dir))
    val = [v for v in vis if '_DIV2Kx4_' in v]
    assert 0 < len(val) <= 4
    for tag in ('_x2_', '_x4_5_'):  # the tiny config's test prefixes
        assert len([v for v in vis if tag in v]) == n_images
