"""A diverging run (lr 1e6) skips its non-finite steps, logs them, stops
with a clear message after max_consecutive in a row, and never writes a
checkpoint with non-finite weights."""
import glob

import pytest
import torch

from liifgan_mm.engine.optim import SkipNonFiniteOptimWrapper
from tests.engine.tiny_runner import tiny_runner


def test_skip_nonfinite_optim_wrapper_keeps_weights():
    layer = torch.nn.Linear(2, 1)
    before = [p.detach().clone() for p in layer.parameters()]
    ow = SkipNonFiniteOptimWrapper(torch.optim.SGD(layer.parameters(),
                                                   lr=0.1))
    ow.update_params(layer(torch.ones(1, 2)).sum() * float('nan'))
    assert ow.skipped_this_iter and ow.skipped_total == 1
    for b, p in zip(before, layer.parameters()):
        assert torch.equal(b, p) and p.grad is None or not p.grad.any()
    ow.skipped_this_iter = False
    ow.update_params(layer(torch.ones(1, 2)).sum())
    assert not ow.skipped_this_iter
    assert not torch.equal(before[0], layer.weight)


def test_lr_1e6_stops_with_a_clear_message(mm, photo_dir, tmp_path):
    runner = tiny_runner(
        tmp_path, photo_dir, iters=30, interval=1,
        **{'optim_wrapper.generator.optimizer.lr': 1e6,
           'optim_wrapper.discriminator.optimizer.lr': 1e6,
           'default_hooks.divergence_guard.max_consecutive': 3})
    with pytest.raises(RuntimeError, match='training diverged: 3 '
                       'iterations in a row') as e:
        runner.train()
    assert 'max_consecutive' in str(e.value)
    stopped = runner.iter
    assert stopped < 10  # not 30: it stopped
    log = open(glob.glob(f'{runner.log_dir}/*.log')[0]).read()
    assert 'non-finite loss or gradient' in log and 'skipped' in log
    ckpts = sorted(glob.glob(str(tmp_path / 'work' / 'iter_*.pth')))
    for path in ckpts:
        state = torch.load(path, map_location='cpu',
                           weights_only=False)['state_dict']
        for k, v in state.items():
            if v.is_floating_point():
                assert torch.isfinite(v).all(), (path, k)


def test_plain_optim_wrapper_never_writes_nan_weights(mm, photo_dir,
                                                      tmp_path):
    """Without the skipping wrapper weights do turn NaN: the guard counts
    the non-finite losses and the checkpoint hook refuses to save them."""
    runner = tiny_runner(
        tmp_path, photo_dir, iters=30, interval=1,
        **{'optim_wrapper.generator.type': 'OptimWrapper',
           'optim_wrapper.discriminator.type': 'OptimWrapper',
           'optim_wrapper.generator.optimizer.lr': 1e6,
           'optim_wrapper.discriminator.optimizer.lr': 1e6})
    with pytest.raises(RuntimeError, match='not saving a checkpoint at '
                       'iteration .*non-finite weights in') as e:
        runner.train()
    assert 'the last checkpoint written is intact' in str(e.value)
    assert (tmp_path / 'work' / 'iter_1.pth').is_file()
    for path in glob.glob(str(tmp_path / 'work' / 'iter_*.pth')):
        state = torch.load(path, map_location='cpu',
                           weights_only=False)['state_dict']
        assert all(torch.isfinite(v).all() for v in state.values()
                   if v.is_floating_point()), path
