"""tools/test.py (``mim test liifgan_mm``): ``--data-root``/``--data-name``
point every test loader at one folder and name the metrics after it."""
import pytest
from mmengine.config import Config

from tests.conftest import REPO
from tests.tools.test_benchmark_table import load_tool

CFG = REPO / 'configs/liifgan/small/liifgan_edsr-c32b8_1xb8-750it_photos.py'


@pytest.fixture(scope='module')
def tool():
    return load_tool('test')


def test_prefix_keeps_the_scale_and_takes_the_users_name(tool):
    assert tool.renamed('DIV2Kx4.5', 'Mine') == 'Minex4.5'
    assert tool.renamed('CelebAHQx3.2x4.7', '') == 'x3.2x4.7'
    assert tool.renamed('DIV2Kx10', 'a') == 'ax10'


def test_folder_config_replaces_only_the_test(tool, tmp_path):
    data = tmp_path / 'my photos'
    data.mkdir()
    path = tool.folder_config(str(CFG), str(data), 'Mine', str(tmp_path))
    cfg, orig = Config.fromfile(path), Config.fromfile(str(CFG))
    assert len(cfg.test_dataloader) == len(orig.test_dataloader) == 9
    for loader in cfg.test_dataloader:
        assert loader.dataset.data_root == str(data)
    prefixes = [m.prefix for ev in cfg.test_evaluator for m in ev]
    assert prefixes[:3] == ['Minex2'] * 3 and prefixes[-1] == 'Minex7'
    assert cfg.model == orig.model and cfg.train_cfg == orig.train_cfg
    # without a name: the scale alone, not the config's data set
    path = tool.folder_config(str(CFG), str(data), '', str(tmp_path))
    assert Config.fromfile(path).test_evaluator[1][0].prefix == 'x3'


def test_one_metric_evaluator_and_a_single_loader(tool):
    loader = dict(dataset=dict(data_root='x', ann_file='meta.txt'))
    evaluator = dict(type='Evaluator', metrics=dict(type='PSNR',
                                                    prefix='Set5x4'))
    tool.on_folder(loader, evaluator, '/d', 'D')
    assert loader['dataset'] == dict(data_root='/d', ann_file='',
                                     data_prefix=dict(gt=''))
    assert evaluator['metrics']['prefix'] == 'Dx4'


@pytest.mark.parametrize('argv, message', [
    (['C', 'K', '--data-name', 'A'], 'give both'),
    (['C', 'K', '--data-root', '/nonexistent'], 'no such folder'),
    (['C', 'K', '--data-root', '.', '--data-name', 'a b'], 'letters'),
])
def test_bad_flags_are_refused(tool, argv, message, capsys):
    with pytest.raises(SystemExit) as e:
        tool.parse_args(argv)
    assert e.value.code == 2 and message in capsys.readouterr().err
