"""Training data checked when the dataset is built: unreadable and too
small images named (or skipped by a flag), an empty folder named."""

import cv2
import numpy as np
import pytest
from mmengine.config import Config

from liifgan_mm.datasets import checked_image_dataset as cid
from liifgan_mm.datasets.checked_image_dataset import required_size
from tests.conftest import REPO

PIPELINE = [
    dict(type='LoadImageFromFile', key='gt', channel_order='rgb'),
    dict(type='RandomDownSampling', scale_min=1, scale_max=4, patch_size=48),
    dict(type='PackInputs')]


@pytest.fixture(autouse=True)
def own_cache(tmp_path, monkeypatch):
    """The decoded-size memory goes to a fresh folder per test."""
    monkeypatch.setenv('LIIFGAN_CACHE', str(tmp_path / 'cache'))


def _dataset(mm, root, **kwargs):
    return mm.DATASETS.build(dict(
        type='CheckedImageDataset', data_root=str(root), ann_file='',
        data_prefix=dict(gt=''), pipeline=PIPELINE, **kwargs))


@pytest.fixture
def bad_dir(photo_dir, tmp_path):
    root = tmp_path / 'train'
    root.mkdir()
    for name in ('astronaut.png', 'coffee.png'):
        big = cv2.resize(cv2.imread(str(photo_dir / name)), (200, 210))
        cv2.imwrite(str(root / name), big)
    (root / 'empty.png').write_bytes(b'')
    data = (root / 'coffee.png').read_bytes()
    (root / 'truncated.png').write_bytes(data[:len(data) // 3])
    (root / 'notes.png').write_text('not an image')
    cv2.imwrite(str(root / 'small.png'), np.zeros((192, 300, 3), np.uint8))
    return root


def test_bad_images_are_named_before_training(mm, bad_dir):
    with pytest.raises(ValueError) as e:
        _dataset(mm, bad_dir)
    msg = str(e.value)
    assert msg.startswith('4 bad training image(s) in ')
    for name in ('empty.png', 'truncated.png', 'notes.png'):
        assert f'{name}: not a readable image' in msg
    assert ('small.png: 300x192 px, smaller than the 193 px the training '
            'crop needs') in msg
    assert 'skip_bad=True' in msg


def test_skip_bad_trains_on_the_rest(mm, bad_dir):
    ds = _dataset(mm, bad_dir, skip_bad=True)
    assert sorted(ds.get_data_info(i)['key'] for i in range(len(ds))) == [
        'astronaut', 'coffee']
    assert ds[0]['inputs'].shape[-1] == 48  # the pipeline runs


def test_empty_folder_is_named(mm, tmp_path):
    (tmp_path / 'nothing').mkdir()
    with pytest.raises(FileNotFoundError, match='no training images in .*'
                       'nothing'):
        _dataset(mm, tmp_path / 'nothing')


def test_symlink_loop_is_named(mm, bad_dir):
    from liifgan_mm.engine.entry_errors import one_line
    (bad_dir / 'loop.png').symlink_to('loop.png')
    with pytest.raises(ValueError, match=r'loop.png: Too many levels of '
                       'symbolic links') as info:
        _dataset(mm, bad_dir, skip_bad=True)
    # mim train / tools/train.py print just this line (no traceback)
    assert one_line(info.value) == str(info.value)


def test_check_can_be_turned_off(mm, bad_dir):
    assert len(_dataset(mm, bad_dir, check_images=False)) == 6


def test_required_size_of_the_configs(mm):
    from mmengine.dataset import Compose
    for name, need in (('liifgan_edsr-c64b16_1xb128-125k_div2k.py', 193),
                       ('liifgan_edsr-c64b16_1xb128-781k_celebahq.py', 0)):
        cfg = Config.fromfile(REPO / 'configs/liifgan' / name)
        assert cfg.train_dataloader.dataset.type == 'CheckedImageDataset'
        assert required_size(Compose(cfg.train_dataloader.dataset.pipeline)
                             ) == need, name


def test_sizes_are_remembered_until_a_file_changes(mm, bad_dir,
                                                   monkeypatch):
    _dataset(mm, bad_dir, skip_bad=True)
    decoded = []
    real = cid._decoded_size
    monkeypatch.setattr(cid, '_decoded_size',
                        lambda p: decoded.append(p) or real(p))
    assert len(_dataset(mm, bad_dir, skip_bad=True)) == 2
    # only the unreadable files are decoded again (never remembered)
    assert sorted(p.split('/')[-1] for p in decoded) == [
        'empty.png', 'notes.png', 'truncated.png']
    decoded.clear()
    cv2.imwrite(str(bad_dir / 'small.png'), np.zeros((300, 300, 3),
                                                      np.uint8))
    assert len(_dataset(mm, bad_dir, skip_bad=True)) == 3
    assert 'small.png' in ' '.join(decoded)
