"""Checkpoint writes that cannot lose the last good one, in layouts that do
not depend on the process count."""
import collections

import pytest
import torch

from liifgan_mm.engine.hooks.checkpoint_layout import (relayout,
                                                       unwrapped_state)
from tests.engine.tiny_runner import tiny_runner


class Killed(BaseException):
    """Stands for SIGKILL while the checkpoint is being written."""


def test_kill_while_writing_keeps_the_only_checkpoint(mm, photo_dir,
                                                      tmp_path, monkeypatch):
    """max_keep_ckpts=1: mmengine deletes iter_1 before writing iter_2; a
    kill during that write then leaves nothing to resume from."""
    import mmengine.runner.runner as runner_module
    real_save = runner_module.save_checkpoint
    calls = []

    def dies_on_second(checkpoint, filename, **kwargs):
        calls.append(filename)
        if len(calls) == 2:  # half a file, then the process is gone
            with open(filename, 'wb') as f:
                f.write(b'PK\x03\x04 torn')
            raise Killed()
        real_save(checkpoint, filename, **kwargs)

    monkeypatch.setattr(runner_module, 'save_checkpoint', dies_on_second)
    work = tmp_path / 'work'
    runner = tiny_runner(tmp_path, photo_dir, iters=3, interval=1, keep=1)
    with pytest.raises(Killed):
        runner.train()
    assert calls[0].endswith('iter_1.pth.tmp')
    assert sorted(p.name for p in work.glob('iter_*')) == [
        'iter_1.pth', 'iter_2.pth.tmp']
    assert (work / 'last_checkpoint').read_text().endswith('iter_1.pth')
    good = torch.load(work / 'iter_1.pth', map_location='cpu',
                      weights_only=False)
    assert good['meta']['iter'] == 1
    monkeypatch.setattr(runner_module, 'save_checkpoint', real_save)

    # a new process resumes from iter_1, removes torn writes, keeps only
    # the newest
    (work / 'iter_9.pth.tmp').write_bytes(b'torn by an older kill')
    again = tiny_runner(tmp_path / 'again', photo_dir, iters=3, interval=1,
                        keep=1, resume=True, work_dir=str(work))
    again.train()
    assert again.iter == 3
    assert sorted(p.name for p in work.glob('iter_*')) == ['iter_3.pth']
    assert (work / 'last_checkpoint').read_text().endswith('iter_3.pth')


def test_unwrapped_state_and_relayout():
    state = collections.OrderedDict([
        ('generator.module.conv.weight', 1), ('discriminator.module.w', 2),
        ('perceptual_loss.vgg.w', 3)])
    flat = unwrapped_state(state, {'generator', 'discriminator'})
    assert list(flat) == ['generator.conv.weight', 'discriminator.w',
                          'perceptual_loss.vgg.w']
    ema = unwrapped_state({'module.generator.module.x': 1, 'steps': 0},
                          {'generator'}, prefix='module.')
    assert list(ema) == ['module.generator.x', 'steps']
    # back onto a wrapped model, and a 1-process model
    wrapped = ['generator.module.conv.weight', 'discriminator.module.w']
    assert list(relayout(flat, wrapped)) == wrapped + [
        'perceptual_loss.vgg.w']
    assert list(relayout(state, ['generator.conv.weight'])) == [
        'generator.conv.weight', 'discriminator.module.w',
        'perceptual_loss.vgg.w']


def test_runner_loads_a_wrapped_checkpoint(mm, photo_dir, tmp_path):
    """``generator.module.*`` (a multi-process run before this hook, or
    another tool) loads fully in a 1-process runner (``mim test``)."""
    runner = tiny_runner(tmp_path, photo_dir)
    source = {k: v + 1 if v.is_floating_point() else v  # not the init
              for k, v in runner.model.state_dict().items()}
    wrapped = {k.replace('generator.', 'generator.module.', 1)
               .replace('discriminator.', 'discriminator.module.', 1): v
               for k, v in source.items()}
    torch.save(dict(state_dict=wrapped, meta={}), tmp_path / 'ddp.pth')
    runner.load_checkpoint(str(tmp_path / 'ddp.pth'))
    for k, v in runner.model.state_dict().items():
        assert torch.equal(v, source[k]), k


def test_kill_while_writing_a_new_best_keeps_the_previous_best(
        mm, photo_dir, tmp_path, monkeypatch):
    import mmengine.runner.runner as runner_module
    runner = tiny_runner(tmp_path, photo_dir, iters=1, interval=1, **{
        'default_hooks.checkpoint.save_best': 'PSNR',
        'default_hooks.checkpoint.rule': 'greater'})
    runner.train()
    hook = next(h for h in runner.hooks
                if type(h).__name__ == 'SafeCheckpointHook')
    work = tmp_path / 'work'
    hook._save_best_checkpoint(runner, {'PSNR': 10.0})
    assert (work / 'best_PSNR_iter_1.pth').is_file()

    real_save = runner_module.save_checkpoint

    def dies(checkpoint, filename, **kwargs):
        with open(filename, 'wb') as f:
            f.write(b'PK\x03\x04 torn')
        raise Killed()

    monkeypatch.setattr(runner_module, 'save_checkpoint', dies)
    runner.train_loop._iter = 2
    with pytest.raises(Killed):
        hook._save_best_checkpoint(runner, {'PSNR': 20.0})
    assert sorted(p.name for p in work.glob('best_*')) == [
        'best_PSNR_iter_1.pth', 'best_PSNR_iter_2.pth.tmp']
    assert torch.load(work / 'best_PSNR_iter_1.pth', map_location='cpu',
                      weights_only=False)['meta']['iter'] == 1
    assert runner.save_checkpoint.__func__  # the runner is itself again

    # a restarted process knows the best from its last regular checkpoint
    monkeypatch.setattr(runner_module, 'save_checkpoint', real_save)
    hook.best_ckpt_path = str(work / 'best_PSNR_iter_1.pth')
    runner.message_hub.update_info('best_score', 10.0)
    runner.train_loop._iter = 3
    hook._save_best_checkpoint(runner, {'PSNR': 30.0})
    assert sorted(p.name for p in work.glob('best_*.pth')) == [
        'best_PSNR_iter_3.pth']
