"""A training never overwrites checkpoints, loads a torn or mismatched one,
or dies late of a typo: each refusal is one line (SystemExit)."""
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest
import torch

from tests.conftest import REPO
from tests.engine.tiny_runner import tiny_runner


def _names(work):
    return sorted(p.name for p in work.glob('iter_*'))


@pytest.fixture
def trained(mm, photo_dir, tmp_path):
    """A work_dir after 2 iterations (iter_1.pth, iter_2.pth)."""
    runner = tiny_runner(tmp_path / 'first', photo_dir, iters=2)
    runner.train()
    work = tmp_path / 'first' / 'work'
    assert _names(work) == ['iter_1.pth', 'iter_2.pth']
    return work


def test_new_training_refused_where_checkpoints_exist(trained, photo_dir,
                                                      tmp_path):
    before = {p: p.read_bytes() for p in trained.glob('iter_*')}
    runner = tiny_runner(tmp_path / 'again', photo_dir, iters=2,
                         work_dir=str(trained))
    with pytest.raises(SystemExit, match='holds checkpoints .*iter_2.pth.* '
                       '--resume'):
        runner.train()
    assert {p: p.read_bytes() for p in trained.glob('iter_*')} == before


@pytest.mark.parametrize('last', ['missing', 'dangling'])
def test_resume_without_last_checkpoint_uses_newest_complete(
        trained, photo_dir, tmp_path, last):
    """No (or a dangling) last_checkpoint, a torn iter_3.pth: --resume
    goes on from iter_2, not from 0 over the old files."""
    if last == 'missing':
        (trained / 'last_checkpoint').unlink()
    else:
        (trained / 'last_checkpoint').write_text(str(trained / 'gone.pth'))
    (trained / 'iter_3.pth').write_bytes(b'PK\x03\x04 torn')
    iter1 = (trained / 'iter_1.pth').read_bytes()
    runner = tiny_runner(tmp_path / 'again', photo_dir, iters=4,
                         work_dir=str(trained), resume=True)
    runner.train()
    assert runner.iter == 4
    assert (trained / 'iter_1.pth').read_bytes() == iter1  # never rewritten
    ckpt = torch.load(trained / 'iter_3.pth', map_location='cpu',
                      weights_only=False)
    assert ckpt['meta']['iter'] == 3  # the torn one replaced by a real one


def _weights_only(work, path):
    """A warm-start file as the fine-tuning configs' ``load_from``: the
    weights of ``work/iter_1.pth``, no iteration or optimizer state."""
    ckpt = torch.load(work / 'iter_1.pth', map_location='cpu',
                      weights_only=False)
    torch.save({'meta': ckpt['meta'], 'state_dict': ckpt['state_dict']},
               path)
    return str(path)


def test_resume_under_a_warm_start_config_goes_on_from_the_work_dir(
        trained, photo_dir, tmp_path):
    """A fine-tuning config sets load_from to a weights-only file; mmengine
    would resume from it (KeyError 'message_hub'): --resume goes on from
    the work_dir's iter_2 instead."""
    warm = _weights_only(trained, tmp_path / 'warm.pth')
    iter1 = (trained / 'iter_1.pth').read_bytes()
    runner = tiny_runner(tmp_path / 'again', photo_dir, iters=3,
                         work_dir=str(trained), resume=True, load_from=warm)
    runner.train()
    assert runner.iter == 3
    ckpt = torch.load(trained / 'iter_3.pth', map_location='cpu',
                      weights_only=False)
    assert ckpt['meta']['iter'] == 3
    assert (trained / 'iter_1.pth').read_bytes() == iter1  # not from 0


def test_resume_of_a_warm_start_with_nothing_to_resume_is_one_line(
        trained, photo_dir, tmp_path):
    warm = _weights_only(trained, tmp_path / 'warm.pth')
    runner = tiny_runner(tmp_path / 'fresh', photo_dir, iters=3,
                         resume=True, load_from=warm)
    with pytest.raises(SystemExit, match='warm.pth holds weights only .* '
                       'drop --resume'):
        runner.train()


def test_torn_checkpoint_to_load_is_one_line(mm, photo_dir, tmp_path):
    torn = tmp_path / 'torn.pth'
    torn.write_bytes(b'PK\x03\x04' + b'\0' * 100)
    runner = tiny_runner(tmp_path, photo_dir, load_from=str(torn))
    with pytest.raises(SystemExit, match='torn.pth is truncated'):
        runner.train()
    runner = tiny_runner(tmp_path / 'b', photo_dir,
                         load_from=str(tmp_path / 'nope.pth'))
    with pytest.raises(SystemExit, match='nope.pth does not exist'):
        runner.train()


def test_second_training_in_a_live_work_dir_refused(mm, photo_dir,
                                                    tmp_path):
    work = tmp_path / 'work'
    work.mkdir()
    holder = subprocess.Popen([sys.executable, '-c', textwrap.dedent(f'''
        import fcntl, sys, time
        f = open({str(work / '.train.lock')!r}, 'a+')
        fcntl.flock(f, fcntl.LOCK_EX)
        f.write('pid 4242'); f.flush()
        print('locked', flush=True)
        time.sleep(60)
    ''')], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == 'locked'
        runner = tiny_runner(tmp_path, photo_dir)
        with pytest.raises(SystemExit, match='in use by a running training '
                           r'\(pid 4242\)'):
            runner.train()
        assert _names(work) == []
    finally:
        holder.kill()
        holder.wait()
    tiny_runner(tmp_path / 'later', photo_dir, work_dir=str(work)).train()
    assert _names(work) == ['iter_1.pth', 'iter_2.pth']


def test_checkpoint_hook_typo_refused_when_built(mm, photo_dir, tmp_path):
    with pytest.raises(SystemExit, match=r'max_keep_ckpt \(did you mean '
                       r'max_keep_ckpts\?\)'):
        tiny_runner(tmp_path, photo_dir,
                    **{'default_hooks.checkpoint.max_keep_ckpt': 1})


def test_failed_save_names_the_file_and_removes_tmp(mm, photo_dir, tmp_path,
                                                    monkeypatch):
    import mmengine.runner.runner as runner_module

    def disk_full(checkpoint, filename, **kwargs):
        with open(filename, 'wb') as f:
            f.write(b'PK\x03\x04 half')
        raise OSError(28, 'No space left on device')

    monkeypatch.setattr(runner_module, 'save_checkpoint', disk_full)
    runner = tiny_runner(tmp_path, photo_dir)
    with pytest.raises(SystemExit, match=r'cannot save checkpoint \S*'
                       'iter_1.pth: No space left on device'):
        runner.train()
    assert list((tmp_path / 'work').glob('*.tmp')) == []


def test_write_failure_for_real_names_the_file_and_removes_tmp(
        mm, photo_dir, tmp_path):
    """The same with a real failed write, not a mocked one: the kernel
    refuses to grow any file past 64 kB (``RLIMIT_FSIZE``, EFBIG, as a
    full disk refuses with ENOSPC), so the checkpoint write fails halfway
    (a full disk cannot be had without mounting one)."""
    import resource
    runner = tiny_runner(tmp_path, photo_dir)
    old = resource.getrlimit(resource.RLIMIT_FSIZE)
    old_handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, old[1]))
    try:
        with pytest.raises(SystemExit, match=r'cannot save checkpoint \S*'
                           'iter_1.pth: File too large; the last complete '
                           'checkpoint is kept'):
            runner.train()
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, old)
        signal.signal(signal.SIGXFSZ, old_handler)
    work = tmp_path / 'work'
    assert list(work.glob('*.tmp')) == [] and _names(work) == []


def test_variant_and_generator_keys_checked_on_load(trained, photo_dir,
                                                    tmp_path):
    """mmengine loads non-strictly: a LIIF-GAN-SF (mid_block=None) model
    must refuse LIIF-GAN weights (same keys), and any model weights whose
    generator keys do not match."""
    ckpt = trained / 'iter_2.pth'
    meta = torch.load(ckpt, map_location='cpu', weights_only=False)['meta']
    assert meta['model_variant']['mid_block'] == 1
    assert meta['model_variant']['train_scales'] == [1, 2]
    sf = tiny_runner(tmp_path / 'sf', photo_dir,
                     **{'model.generator.mid_block': None})
    with pytest.raises(SystemExit, match='differs in mid_block'):
        sf.load_checkpoint(str(ckpt))
    same = tiny_runner(tmp_path / 'same', photo_dir)
    same.load_checkpoint(str(ckpt))  # fits
    state = torch.load(ckpt, map_location='cpu', weights_only=False)
    state['state_dict'] = {k.replace('generator.head.', 'generator.imnet.'):
                           v for k, v in state['state_dict'].items()}
    del state['meta']['model_variant']
    foreign = tmp_path / 'foreign.pth'
    torch.save(state, foreign)
    with pytest.raises(SystemExit, match='does not fit .* missing: '
                       'generator.head'):
        same.load_checkpoint(str(foreign))


def test_training_child_stops_with_mim(tmp_path):
    """``mim train`` runs the training as a child and does not forward
    SIGTERM: the child asks the kernel to stop it with its parent."""
    child_py = tmp_path / 'train.py'
    child_py.write_text(textwrap.dedent(f'''
        import sys, time
        sys.path.insert(0, {str(REPO)!r})
        from liifgan_mm.engine.hooks.work_dir_guard import stop_with_parent
        print(stop_with_parent(), flush=True)
        time.sleep(60)
    '''))
    fake_mim = tmp_path / 'mim'
    fake_mim.write_text(textwrap.dedent(f'''
        import subprocess, sys
        child = subprocess.Popen([sys.executable, {str(child_py)!r}])
        print(child.pid, flush=True)
        child.wait()
    '''))
    parent = subprocess.Popen([sys.executable, str(fake_mim), 'train'],
                              stdout=subprocess.PIPE, text=True)
    child = int(parent.stdout.readline())
    assert parent.stdout.readline().strip() == 'True'
    parent.send_signal(signal.SIGTERM)
    parent.wait()
    for _ in range(100):
        try:
            with open(f'/proc/{child}/stat') as f:
                if f.read().rsplit(')', 1)[1].split()[0] == 'Z':
                    break  # dead, not yet reaped
        except FileNotFoundError:
            break
        time.sleep(0.1)
    else:
        os.kill(child, signal.SIGKILL)
        pytest.fail('the training child outlived mim')
