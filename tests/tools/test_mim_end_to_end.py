"""mmagic's own entry points: ``mim train``/``--resume``/``mim test`` on a
LIIF-GAN config and on a user's config in another folder that inherits one
by package name, and the stock LIIF config through ``tools/train.py``."""
import re
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import torch

from tests.conftest import write_tiny_config

BIN = Path(sys.executable).parent
CFG = 'configs/liifgan/liifgan_edsr-c64b16_1xb128-125k_div2k.py'


def _run(cmd, cwd, ok=True):
    res = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True,
                         timeout=600)
    assert (res.returncode == 0) == ok, (res.stdout[-3000:] +
                                         res.stderr[-3000:])
    return res.stdout + res.stderr


def _only_one_line(log):
    """The training/test child printed one line and mim its own red line
    (no traceback of the child's, nor mim's ``CalledProcessError``:
    ``liifgan_compat.mim_exit``)."""
    return 'Traceback' not in log and 'not finished successfully' in log


def test_mim_train_resume_test(photo_dir, tmp_path):
    work = tmp_path / 'work'
    cfg = write_tiny_config(CFG, tmp_path, photo_dir, work)
    _run([str(BIN / 'mim'), 'train', 'mmagic', str(cfg)], tmp_path)
    assert (work / 'iter_2.pth').is_file()

    # resume: continue to 4 iterations from iter_2 (G and D optimizers)
    log = _run([str(BIN / 'mim'), 'train', 'mmagic', str(cfg), '--resume',
                '--cfg-options', 'train_cfg.max_iters=4'], tmp_path)
    assert 'resumed epoch: 0, iter: 2' in log
    state = torch.load(work / 'iter_4.pth', map_location='cpu')
    assert set(state['optimizer']) == {'generator', 'discriminator'}
    for name in ('generator', 'discriminator'):
        steps = {float(s['step']) for s in
                 state['optimizer'][name]['state'].values()}
        assert steps == {4.0}, (name, steps)

    log = _run([str(BIN / 'mim'), 'test', 'mmagic', str(cfg), '--checkpoint',
                str(work / 'iter_4.pth')], tmp_path)
    assert 'x2/PSNR' in log and 'x4.5/PSNR' in log

    # a new training over these checkpoints: refused at once, files kept
    before = (work / 'iter_4.pth').read_bytes()
    log = _run([str(BIN / 'mim'), 'train', 'mmagic', str(cfg)], tmp_path,
               ok=False)
    assert 'holds checkpoints' in log and _only_one_line(log)
    assert (work / 'iter_4.pth').read_bytes() == before

    # LIIF-GAN-SF weights (same keys, mid_block=None) under this config
    state['meta']['model_variant']['mid_block'] = None
    torch.save(state, tmp_path / 'sf.pth')
    log = _run([str(BIN / 'mim'), 'test', 'mmagic', str(cfg), '--checkpoint',
                str(tmp_path / 'sf.pth')], tmp_path, ok=False)
    assert 'differs in mid_block' in log and _only_one_line(log)
    assert 'x2/PSNR' not in log


def test_mim_train_test_user_config_inheriting_by_package_name(
        photo_dir, tmp_path):
    """``_base_ = 'liifgan_mm::...'``: every inherited dict carries
    ``_scope_='liifgan_mm'``, which must build (hooks, model, metrics)."""
    user = tmp_path / 'my_configs'
    user.mkdir()
    work = tmp_path / 'work'
    cfg = write_tiny_config('liifgan_mm::liifgan/' + Path(CFG).name, user,
                            photo_dir, work)
    assert "_base_ = 'liifgan_mm::" in cfg.read_text()
    log = _run([str(BIN / 'mim'), 'train', 'mmagic', str(cfg)], tmp_path)
    assert 'Iter(train) [2/2]' in log and 'loss_perceptual' in log
    # the frozen VGG19 (80 MB alone) is rebuilt, never saved
    assert (work / 'iter_2.pth').stat().st_size < 40 * 2**20
    state = torch.load(work / 'iter_2.pth', map_location='cpu')
    assert not [k for k in state['state_dict']
                if k.startswith('perceptual_loss.')]
    log = _run([str(BIN / 'mim'), 'test', 'mmagic', str(cfg), '--checkpoint',
                str(work / 'iter_2.pth')], tmp_path)
    assert 'x2/PSNR' in log and 'x4.5/PSNR' in log


def test_stock_liif_config_trains_on_cpu(tmp_path):
    """mmagic's stock LIIF config via mmagic's tools/train.py, 2 iterations,
    on generated images (GT 200 px; x4 LR for the Set5-style val set)."""
    rng = np.random.default_rng(0)
    for sub in ('gt', 'lr'):
        (tmp_path / sub).mkdir()
    for i in range(3):
        base = cv2.resize(rng.integers(0, 255, (25, 25, 3), np.uint8),
                          (200, 200), interpolation=cv2.INTER_CUBIC)
        cv2.imwrite(str(tmp_path / 'gt' / f'{i}.png'), base)
        cv2.imwrite(str(tmp_path / 'lr' / f'{i}.png'),
                    cv2.resize(base, (50, 50), interpolation=cv2.INTER_AREA))
    import mmagic
    mim_dir = Path(mmagic.__file__).parent / '.mim'
    config = mim_dir / 'configs/liif/liif-edsr-norm_c64b16_1xb16-1000k_div2k.py'
    opts = [
        f'train_dataloader.dataset.data_root={tmp_path}',
        'train_dataloader.dataset.ann_file=',
        'train_dataloader.dataset.data_prefix.gt=gt',
        'train_dataloader.batch_size=2', 'train_dataloader.num_workers=0',
        f'val_dataloader.dataset.data_root={tmp_path}',
        'val_dataloader.dataset.data_prefix.gt=gt',
        'val_dataloader.dataset.data_prefix.img=lr',
        'val_dataloader.num_workers=0',
        'train_cfg.max_iters=2', 'train_cfg.val_interval=2',
        'default_hooks.checkpoint.interval=2',
        'default_hooks.checkpoint.out_dir=None',
    ]
    log = _run([sys.executable, str(mim_dir / 'tools' / 'train.py'),
                str(config), '--work-dir', str(tmp_path / 'work'), '--cfg-options',
                *opts], tmp_path)
    assert 'Iter(train) [2/2]' in log and 'loss: ' in log
    assert (tmp_path / 'work' / 'iter_2.pth').is_file()


def test_mim_train_and_test_liifgan_mm_configs_by_name(photo_dir, tmp_path):
    """``mim train liifgan_mm NAME`` / ``mim test liifgan_mm NAME``: the
    package's configs by file name and its tools/train.py, tools/test.py
    (mmagic's, after ``import liifgan_mm``); ``--data-root`` tests all nine
    scales on one folder, metrics named after ``--data-name``."""
    name = 'liif_edsr-c32b8_1xb8-2250it_photos.py'
    work = tmp_path / 'work'
    log = _run([str(BIN / 'mim'), 'train', 'liifgan_mm', name,
                '--work-dir', str(work), '--cfg-options',
                f'train_dataloader.dataset.data_root={photo_dir}',
                f'val_dataloader.dataset.data_root={photo_dir}',
                'train_dataloader.dataset.pipeline.1.patch_size=24',
                'train_dataloader.dataset.pipeline.5.patch_size=24',
                'train_dataloader.batch_size=2',
                'train_dataloader.num_workers=0', 'train_cfg.max_iters=2',
                'train_cfg.val_interval=100',
                'default_hooks.checkpoint.interval=2'], tmp_path)
    assert 'find the config file in codebase liifgan_mm' in log
    assert 'Iter(train) [2/2]' in log and (work / 'iter_2.pth').is_file()

    # the shipped weights by their metafile URL (mmengine loads the scheme)
    ckpt = 'liifgan_mm://checkpoints/photos-small/liif.pth'
    log = _run([str(BIN / 'mim'), 'test', 'liifgan_mm', name,
                '--checkpoint', ckpt, '--work-dir', str(tmp_path / 't'),
                '--data-root', str(photo_dir), '--data-name', 'Mine'],
               tmp_path)
    found = dict(re.findall(r'Mine(x[\d.]+)/PSNR: ([\d.]+)', log))
    assert list(found) == ['x2', 'x3', 'x4', 'x4.5', 'x5', 'x5.5', 'x6',
                           'x6.5', 'x7'], log[-3000:]
    assert 20 < float(found['x4']) < 40  # the shipped weights, real photos
    assert 'DIV2K' not in log.split('testing on')[-1]
