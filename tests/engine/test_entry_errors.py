"""A work_dir that cannot be used and a typo in a hook's or loop's
arguments end ``mim train``/``tools/train.py`` at second 0 with one line
naming the path or the key (``liifgan_mm.engine.entry_errors``)."""
import contextlib
import os
import shutil
import subprocess
import sys

import pytest

from liifgan_mm.engine import entry_errors
from tests.conftest import REPO
from tests.engine.tiny_runner import tiny_runner


def _train_script(*args, cwd):
    """mmagic's ``tools/train.py`` as ``mim train mmagic`` runs it, with
    this checkout's ``liifgan_mm``."""
    from liifgan_compat.installed_path import mmagic_tool
    env = dict(os.environ, PYTHONPATH=str(REPO), OMP_NUM_THREADS='1')
    return subprocess.run(
        [sys.executable, mmagic_tool('train.py'),
         str(REPO / 'configs/liifgan/small/'
                    'liifgan_edsr-c32b8_1xb8-750it_photos.py'), *args],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


def _stderr_line(res):
    """The last line on stderr (mmengine/torch warnings come before)."""
    return res.stderr.strip().splitlines()[-1]


def test_file_as_work_dir_is_one_line(tmp_path):
    """For real, through mmagic's script: a file as work_dir (and a
    work_dir below a file) is refused before any work, the file kept."""
    afile = tmp_path / 'notes.txt'
    afile.write_text('mine')
    res = _train_script('--work-dir', str(afile), cwd=tmp_path)
    assert res.returncode != 0
    assert 'Traceback' not in res.stdout + res.stderr
    assert _stderr_line(res) == (f'cannot use work_dir {afile}: it is a '
                                 'file, not a folder')
    assert afile.read_text() == 'mine'


def test_hook_typo_is_one_line_through_the_script(tmp_path):
    res = _train_script('--work-dir', str(tmp_path / 'work'),
                        '--cfg-options', 'default_hooks.logger.intervl=5',
                        cwd=tmp_path)
    assert res.returncode != 0
    assert 'Traceback' not in res.stdout + res.stderr
    assert _stderr_line(res) == (
        'default_hooks.logger (LoggerHook): unknown argument intervl '
        '(did you mean interval?)')
    assert not (tmp_path / 'work').exists() or not any(
        (tmp_path / 'work').glob('*.pth'))


def _raised(build):
    with pytest.raises(Exception) as info:
        build()
    return entry_errors.one_line(info.value)


def test_work_dir_below_a_file_and_read_only(mm, tmp_path, monkeypatch):
    from mmengine.runner import Runner
    afile = tmp_path / 'afile'
    afile.write_text('x')
    msg = _raised(lambda: Runner(model=dict(type='X'), default_scope='mmagic',
                                 work_dir=str(afile / 'sub')))
    assert msg == (f'cannot use work_dir {afile / "sub"}: {afile}, above '
                   'it, is a file, not a folder')

    # read-only: mocked (root may write into a chmod 555 folder)
    ro = tmp_path / 'ro'
    real_makedirs, real_access = os.makedirs, os.access

    def makedirs(path, *args, **kwargs):
        if str(path).startswith(str(ro)):
            raise PermissionError(13, 'Permission denied', str(path))
        return real_makedirs(path, *args, **kwargs)

    monkeypatch.setattr(os, 'makedirs', makedirs)
    monkeypatch.setattr(os, 'access', lambda p, mode: (
        not str(p).startswith(str(tmp_path))) and real_access(p, mode))
    msg = _raised(lambda: Runner(model=dict(type='X'), default_scope='mmagic',
                                 work_dir=str(ro)))
    assert msg == (f'cannot use work_dir {ro}: {tmp_path}, above it, is '
                   'not writable')


@contextlib.contextmanager
def _read_only_folder(tmp_path):
    """A folder nobody may write into, this user included: ``chmod 555``
    for a normal user; for root (who writes there anyway) a read-only bind
    mount, skipped where mounting is not permitted."""
    ro = tmp_path / 'ro'
    ro.mkdir()
    if os.geteuid() != 0:
        ro.chmod(0o555)
        try:
            yield ro
        finally:
            ro.chmod(0o755)
        return
    mount = shutil.which('mount')
    done = mount and subprocess.run(
        [mount, '--bind', str(ro), str(ro)], capture_output=True
    ).returncode == 0
    if not done:
        pytest.skip('root, and no bind mount permitted here: the mocked '
                    'case above covers it')
    try:
        if subprocess.run([mount, '-o', 'remount,bind,ro', str(ro)],
                          capture_output=True).returncode:
            pytest.skip('root, and no read-only remount permitted here')
        yield ro
    finally:
        subprocess.run(['umount', str(ro)], capture_output=True)


def test_read_only_work_dir_for_real(mm, tmp_path):
    from mmengine.runner import Runner
    with _read_only_folder(tmp_path) as ro:
        with pytest.raises(OSError):  # truly read-only, for this user too
            (ro / 'probe').write_text('x')
        msg = _raised(lambda: Runner(
            model=dict(type='X'), default_scope='mmagic', work_dir=str(ro)))
        below = _raised(lambda: Runner(
            model=dict(type='X'), default_scope='mmagic',
            work_dir=str(ro / 'new')))
    assert msg == f'cannot use work_dir {ro}: it is not writable'
    assert below.startswith(f'cannot use work_dir {ro / "new"}: ')


@pytest.mark.parametrize('option, message', [
    ({'default_hooks.logger.intervl': 5},
     'default_hooks.logger (LoggerHook): unknown argument intervl (did you '
     'mean interval?)'),
    ({'default_hooks.divergence_guard.max_consecutiv': 3},
     'default_hooks.divergence_guard (DivergenceGuardHook): unknown argument '
     'max_consecutiv (did you mean max_consecutive?)'),
    ({'custom_hooks': [dict(type='PerScaleVisualizationHook', max_image=4)]},
     'custom_hooks[0] (PerScaleVisualizationHook): unknown argument '
     'max_image (did you mean max_images?)'),
])
def test_hook_typos_named_when_the_runner_is_built(mm, photo_dir, tmp_path,
                                                   option, message):
    assert _raised(lambda: tiny_runner(tmp_path, photo_dir,
                                       **option)) == message


def test_loop_typo_named_before_training(mm, photo_dir, tmp_path):
    runner = tiny_runner(tmp_path, photo_dir,
                         **{'train_cfg.val_intervl': 5})
    assert _raised(runner.train) == (
        'train_cfg (IterBasedTrainLoop): unknown argument val_intervl (did '
        'you mean val_interval?)')
    assert not list((tmp_path / 'work').glob('*.pth'))


def test_ema_hook_typo_named_before_training(mm, photo_dir, tmp_path):
    """EMAHook hands its extra keys to the averaged model it builds in
    before_run, and mmengine re-raises that TypeError "from None" naming
    the hook object: the line names the config key, the hook and the
    class that refused the key."""
    runner = tiny_runner(tmp_path, photo_dir, custom_hooks=[
        dict(type='PerScaleVisualizationHook'),
        dict(type='EMAHook', momentm=0.01)])
    assert _raised(runner.train) == (
        'custom_hooks[1] (EMAHook, its ExponentialMovingAverage): unknown '
        'argument momentm (did you mean momentum?)')
    assert not list((tmp_path / 'work').glob('*.pth'))


def test_only_the_train_and_test_scripts_get_the_hook(monkeypatch):
    from liifgan_compat.installed_path import mmagic_tool
    monkeypatch.setattr(sys, 'excepthook', sys.__excepthook__)
    assert not entry_errors.install(str(REPO / 'tools/upsample.py'))
    assert sys.excepthook is sys.__excepthook__
    assert entry_errors.install(mmagic_tool('test.py'))
    assert sys.excepthook.liifgan_one_line
    assert not entry_errors.install(mmagic_tool('train.py'))  # once


def test_other_errors_keep_their_traceback(mm, tmp_path, monkeypatch):
    """A file the model reads while the runner is built is not the
    work_dir's fault: no line, the traceback stays."""
    from mmengine.runner import Runner

    def missing_weights(self, model):
        raise FileNotFoundError(2, 'No such file', str(tmp_path / 'vgg.pth'))

    monkeypatch.setattr(Runner, 'build_model', missing_weights)
    assert _raised(lambda: Runner(model=dict(type='X'), default_scope='mmagic',
                                  work_dir=str(tmp_path / 'w'))) is None


def test_warm_start_refusals_are_one_line(mm, photo_dir, tmp_path):
    """A warm start from a checkpoint whose encoder does not map (an
    SRResNet file), or from none, stops before training with the warm
    start's own line."""
    srresnet = str(REPO / 'checkpoints/photos-small/srresnet.pth')
    line = _raised(lambda: tiny_runner(
        tmp_path / 'a', photo_dir, **{'model.generator.warm_start': dict(
            checkpoint=srresnet)}).train())
    assert line.startswith('warm start: ') and 'conv_first' in line, line
    line = _raised(lambda: tiny_runner(
        tmp_path / 'b', photo_dir, **{'model.generator.warm_start': dict(
            checkpoint=str(tmp_path / 'none.pth'))}).train())
    assert line.startswith(f'warm start: {tmp_path / "none.pth"} does not '
                           'exist'), line
