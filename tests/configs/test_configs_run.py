"""Every LIIF-GAN config loads, trains 2 iterations and tests on CPU."""
import glob
import os

import pytest
from mmengine.config import Config

from tests.conftest import REPO, write_tiny_config

CONFIGS = sorted(os.path.relpath(p, REPO) for p in glob.glob(
    str(REPO / 'configs/liifgan/liifgan*_div2k.py')) + glob.glob(
    str(REPO / 'configs/liifgan/liifgan*_celebahq.py')))


def test_all_variants_present():
    names = {os.path.basename(c).split('_')[0] for c in CONFIGS}
    assert names == {'liifgan', 'liifgan-s', 'liifgan-sf'}
    assert sum('celebahq' in c for c in CONFIGS) == 3
    assert sum('div2k' in c for c in CONFIGS) == 3


@pytest.mark.parametrize('config', CONFIGS)
def test_config_inherits_stock_liif(config):
    cfg = Config.fromfile(REPO / config)
    assert cfg.custom_imports['imports'] == ['liifgan_mm']
    assert cfg.model.type == 'LIIFGAN'
    # stock LIIF's pixel loss and normalisation come through the chain
    assert cfg.model.pixel_loss.type == 'L1Loss'
    assert cfg.model.data_preprocessor.std == [255.] * 3


@pytest.mark.parametrize('config', CONFIGS)
def test_config_trains_two_iterations_and_tests(mm, config, photo_dir,
                                                tmp_path):
    from mmengine.runner import Runner
    path = write_tiny_config(config, tmp_path, photo_dir, tmp_path / 'work')
    cfg = Config.fromfile(path)
    cfg.experiment_name = f'tiny_{os.path.basename(config)[:-3]}'
    runner = Runner.from_cfg(cfg)
    runner.train()
    assert (tmp_path / 'work' / 'iter_2.pth').is_file()
    runner.test()  # mmagic's MultiTestLoop returns None: read the log
    log = open(os.path.join(runner.log_dir, f'{runner.timestamp}.log')).read()
    assert 'Iter(train) [2/2]' in log
    assert 'x2/PSNR' in log and 'x4.5/PSNR' in log
