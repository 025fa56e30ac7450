"""Multi-process training on CPU (gloo) through mmagic's own tools/train.py
and mmengine's ``pytorch`` launcher: 2 processes at batch 2 equal 1 process
at batch 4 (same samples: a deterministic pipeline), and the 2-process
checkpoint resumes in 1 process and loads in the tools."""
import os
import socket
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest
import torch

from tests.conftest import REPO

CFG = REPO / 'configs/liifgan/liifgan_edsr-c64b16_1xb128-125k_div2k.py'
PATCH = 16
# scale 1 and images of PATCH + 1 px: every crop/RGS origin is forced, so
# both runs see exactly the same samples whatever the process seeds
TEMPLATE = '''
_base_ = {base!r}
work_dir = {work!r}
randomness = dict(seed=0)
model = dict(
    generator=dict(encoder=dict(num_blocks=2, mid_channels=8), mid_block=1,
                   head=dict(decoder=dict(hidden_list=[16, 16]),
                             eval_bsize=500)),
    discriminator=dict(mid_channels=8))
train_dataloader = dict(
    batch_size={batch}, num_workers=0, persistent_workers=False,
    sampler=dict(type='InfiniteSampler', shuffle=False),
    dataset=dict(data_root={root!r}, pipeline=[
        dict(type='LoadImageFromFile', key='gt', channel_order='rgb'),
        dict(type='RandomDownSampling', scale_min=1, scale_max=1,
             patch_size={patch}),
        dict(type='RandomGroupSampling', patch_size={patch}),
        dict(type='PackInputs')]))
train_cfg = dict(max_iters=3, val_interval=1000)
val_dataloader = None
val_cfg = None
val_evaluator = None
default_hooks = dict(checkpoint=dict(interval=3, save_best=None,
                                     out_dir=None),
                     logger=dict(interval=1))
'''


def _free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def _train_py():
    import mmagic
    return Path(mmagic.__file__).parent / '.mim' / 'tools' / 'train.py'


def _run(cmd, cwd):
    env = dict(os.environ, OMP_NUM_THREADS='1', LIIFGAN_OFFLINE='1')
    res = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True,
                         timeout=900, env=env)
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-3000:]
    return res.stdout + res.stderr


@pytest.fixture(scope='module')
def runs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp('dist')
    rng = np.random.default_rng(0)
    (tmp / 'img').mkdir()
    for i in range(8):
        img = cv2.resize(rng.integers(0, 255, (6, 6, 3), np.uint8),
                         (PATCH + 1, PATCH + 1),
                         interpolation=cv2.INTER_CUBIC)
        cv2.imwrite(str(tmp / 'img' / f'{i}.png'), img)
    cfgs = {}
    for name, batch in (('one', 4), ('two', 2)):
        cfgs[name] = tmp / f'{name}.py'
        cfgs[name].write_text(TEMPLATE.format(
            base=str(CFG), work=str(tmp / name), batch=batch,
            root=str(tmp / 'img'), patch=PATCH))
    procs = [
        [sys.executable, str(_train_py()), str(cfgs['one'])],
        [sys.executable, '-m', 'torch.distributed.run', '--nproc_per_node',
         '2', '--master_port', str(_free_port()), str(_train_py()),
         str(cfgs['two']), '--launcher', 'pytorch']]
    logs = [_run(cmd, tmp) for cmd in procs]
    return tmp, cfgs, logs


def _load(path):
    return torch.load(path, map_location='cpu', weights_only=False)


def test_two_gloo_processes_equal_one_with_double_batch(runs):
    tmp, _, (log1, log2) = runs
    assert 'distributed backend nccl -> gloo' in log2
    assert 'Iter(train) [3/3]' in log2
    one, two = (_load(tmp / n / 'iter_3.pth') for n in ('one', 'two'))
    assert set(one['state_dict']) == set(two['state_dict'])  # no module.
    assert any(k.startswith('discriminator.') for k in one['state_dict'])
    worst = max((one['state_dict'][k] - v).abs().max().item()
                for k, v in two['state_dict'].items())
    assert worst < 1e-5, worst
    moved = max((one['state_dict'][k] -
                 _load_init(tmp)[k]).abs().max().item()
                for k in one['state_dict'] if k.startswith('generator.'))
    assert moved > 1e-5  # the comparison is not vacuous
    # both Adam states: same steps, same moments (relative to each
    # tensor's scale: Adam divides by sqrt(v), so near-zero gradients
    # amplify the float reassociation of a 4-sample vs 2x2-sample mean;
    # measured 1.2e-3 for the generator, 5e-6 for the discriminator)
    for part in ('generator', 'discriminator'):
        for a, b in zip(one['optimizer'][part]['state'].values(),
                        two['optimizer'][part]['state'].values()):
            assert float(a['step']) == float(b['step']) == 3
            for m in ('exp_avg', 'exp_avg_sq'):
                scale = a[m].abs().max().item() + 1e-12
                assert (a[m] - b[m]).abs().max().item() < 1e-2 * scale


def _load_init(tmp):
    """Initial weights: the same config built with the same seed."""
    from mmengine.config import Config
    from mmengine.runner import set_random_seed
    from mmagic.registry import MODELS
    from mmagic.utils import register_all_modules
    register_all_modules()
    cfg = Config.fromfile(tmp / 'one.py')
    set_random_seed(0)
    model = MODELS.build(cfg.model)
    model.init_weights()
    return model.state_dict()


def test_two_process_checkpoint_resumes_in_one_and_loads_in_tools(runs):
    tmp, cfgs, _ = runs
    from liifgan_mm.evaluation.row_spec import RowSpec
    from liifgan_mm.evaluation.upsamplers import build_upsampler
    up = build_upsampler(RowSpec('x', str(cfgs['two']),
                                 str(tmp / 'two' / 'iter_3.pth')))
    lr = np.zeros((8, 8, 3), np.uint8)
    assert np.isfinite(up(lr, (20, 20))).all()
    log = _run([sys.executable, str(_train_py()), str(cfgs['two']),
                '--resume', '--cfg-options', 'train_cfg.max_iters=4',
                'default_hooks.checkpoint.interval=1'], tmp)
    assert 'resumed epoch: 0, iter: 3' in log
    assert 'unexpected key' not in log and 'missing keys' not in log
    assert (tmp / 'two' / 'iter_4.pth').is_file()
