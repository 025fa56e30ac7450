"""liifgan_compat: CPU-only torch runs torchvision, mmagic.models and
mmengine checkpoints, with clear errors where compiled code is missing."""
import importlib.metadata
import importlib.util
import io
import os
import pickle
import subprocess
import sys
import types
from pathlib import Path

import numpy as np
import pytest
import torch

import liifgan_compat
from liifgan_compat.checkpoint import (allow_mmengine_checkpoints,
                                       weights_only_default)
from liifgan_compat.mmcv_ext import patch_load_ext

REPO = Path(__file__).resolve().parents[2]


def test_startup_hook_is_active():
    # written into the venv by tools/setup_env.sh
    assert liifgan_compat.is_installed()
    out = subprocess.run(
        [sys.executable, '-c',
         'import liifgan_compat, sys; print(liifgan_compat.is_installed(),'
         ' "torchvision" in sys.modules, "torch" in sys.modules)'],
        capture_output=True, text=True, check=True).stdout.split()
    # active before any import, and lazy: it imports nothing heavy
    assert out == ['True', 'False', 'False']


def test_torchvision_imports_and_missing_ops_raise_clearly():
    import torchvision
    import torchvision.extension as ext
    assert torchvision.__version__
    if ext._has_ops():
        pytest.skip('torchvision _C loads here: the stub is not in use')
    # torchvision's own API already says its ops are missing ...
    with pytest.raises(RuntimeError, match="Couldn't load custom C"):
        torchvision.ops.nms(torch.zeros(1, 4), torch.zeros(1), 0.5)
    # ... and the schema we had to define raises instead of computing
    with pytest.raises(RuntimeError, match='torchvision::nms/qnms are not'):
        torch.ops.torchvision.nms(torch.zeros(1, 4), torch.zeros(1), 0.5)


def test_mmcv_ops_import_and_compiled_ops_raise_clearly():
    import mmcv.ops
    from mmcv.utils import ext_loader
    if importlib.util.find_spec('mmcv._ext') is not None:
        pytest.skip('a compiled mmcv is installed: the stand-in is not used')
    ext = ext_loader.load_ext('_ext', ['deform_conv_forward'])
    assert ext.is_liifgan_standin
    # pure-PyTorch path works on CPU
    x = torch.randn(1, 2, 8, 8)
    k = torch.ones(3, 3) / 9
    assert mmcv.ops.upfirdn2d(x, k, padding=1).shape == (1, 2, 8, 8)
    with pytest.raises(RuntimeError, match='"deform_conv_forward" is not'):
        ext.deform_conv_forward(x)
    import mmagic.models  # noqa: F401  (imports mmcv.ops everywhere)


def test_capability_checks_tell_the_truth_on_mmcv_lite():
    import mmcv.ops  # noqa: F401  (the stand-in is in use by now)
    from mmcv.utils import ext_loader
    from mmengine.utils.dl_utils import mmcv_full_available
    has_ext = importlib.util.find_spec('mmcv._ext') is not None
    assert mmcv_full_available() is has_ext
    assert ext_loader.check_ops_exist() is has_ext
    if not has_ext:
        with pytest.raises(ImportError):
            import mmcv._ext  # noqa: F401
        assert 'mmcv-ext-standin' in liifgan_compat.APPLIED


def test_mmcv_gate_leaves_a_compiled_mmcv_alone(monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, 'find_spec', lambda name, *a: (
        object() if name == 'mmcv._ext' else real(name, *a)))
    loader = types.SimpleNamespace(load_ext=lambda name, funcs: 'compiled')
    assert not patch_load_ext(loader)
    assert loader.load_ext('_ext', []) == 'compiled'


def test_mmcv_gate_acts_when_ext_is_missing(monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, 'find_spec', lambda name, *a: (
        None if name == 'mmcv._ext' else real(name, *a)))
    loader = types.SimpleNamespace(load_ext=lambda name, funcs: 'other')
    assert patch_load_ext(loader)
    assert not patch_load_ext(loader)  # idempotent
    assert loader.load_ext('_ext', ['x']).is_liifgan_standin
    assert loader.load_ext('_other', ['x']) == 'other'


def test_torchvision_gate_both_ways(monkeypatch):
    from liifgan_compat import _after_torchvision_extension, torchvision_ops
    calls = []
    monkeypatch.setattr(torchvision_ops, 'define_missing_ops',
                        lambda: calls.append(1) or False)
    _after_torchvision_extension(types.SimpleNamespace(_has_ops=lambda: True))
    assert calls == []  # compiled ops load: nothing defined
    _after_torchvision_extension(types.SimpleNamespace(_has_ops=lambda: False))
    assert calls == [1]


@pytest.mark.parametrize('version,env,acts', [
    ('2.5.1', {}, False), ('2.6.0', {}, True), ('2.13.0+cpu', {}, True),
    ('2.4.0', {'TORCH_FORCE_WEIGHTS_ONLY_LOAD': '1'}, True),
    ('2.4.0', {'TORCH_FORCE_WEIGHTS_ONLY_LOAD': '0'}, False)])
def test_checkpoint_gate_on_weights_only_default(version, env, acts):
    why = weights_only_default(version, env)
    assert bool(why) is acts
    if acts:
        assert 'weights_only' in why.lower() or 'WEIGHTS_ONLY' in why


def test_checkpoint_gate_off_without_add_safe_globals(monkeypatch):
    monkeypatch.delattr(torch.serialization, 'add_safe_globals')
    assert weights_only_default('2.6.0', {}) is None
    assert allow_mmengine_checkpoints() is False  # no AttributeError


def test_installed_path_gate_both_ways(tmp_path):
    from liifgan_compat.installed_path import patch_get_installed_path
    exists = types.SimpleNamespace(
        __name__='fake', get_installed_path=lambda p: str(tmp_path))
    assert patch_get_installed_path(exists)
    assert exists.get_installed_path('liifgan_mm') == str(tmp_path)
    missing = types.SimpleNamespace(
        __name__='fake', get_installed_path=lambda p: str(tmp_path / 'no'))
    patch_get_installed_path(missing)
    assert missing.get_installed_path('liifgan_mm') == str(
        REPO / 'liifgan_mm')
    # not importable either: the original answer stands
    assert missing.get_installed_path('no_such_pkg_x') == str(tmp_path / 'no')


def test_editable_install_found_by_mmengine_and_mim():
    from mmengine.utils import get_installed_path
    fns = [get_installed_path]
    if importlib.util.find_spec('mim') is not None:  # openmim is optional
        from mim.utils import get_installed_path as mim_path
        fns.append(mim_path)
    for fn in fns:
        assert (Path(fn('liifgan_mm')) / '.mim' / 'model-index.yml').exists()


def test_config_package_gate_both_ways():
    from liifgan_compat import _after_mmengine_config_utils
    missing = types.SimpleNamespace(MODULE2PACKAGE={'mmagic': 'mmagic'})
    _after_mmengine_config_utils(missing)
    assert missing.MODULE2PACKAGE['liifgan_mm'] == 'liifgan_mm'
    present = types.SimpleNamespace(MODULE2PACKAGE={'liifgan_mm': 'other'})
    _after_mmengine_config_utils(present)
    assert present.MODULE2PACKAGE == {'liifgan_mm': 'other'}


def test_mim_download_gate_both_ways(tmp_path):
    """Only ``liifgan_mm://`` URLs are copied from the package; others go
    to mim's downloader unchanged; a missing shipped file is named."""
    from liifgan_compat.shipped_weights import patch_mim_download
    calls = []
    fake = types.SimpleNamespace(
        download_from_file=lambda url, dest, **kw: calls.append((url, dest)))
    assert patch_mim_download(fake) and not patch_mim_download(fake)
    fake.download_from_file('https://x/y.pth', 'd.pth', hash_prefix=None)
    assert calls == [('https://x/y.pth', 'd.pth')]
    dest = tmp_path / 'liif.pth'
    fake.download_from_file(
        'liifgan_mm://checkpoints/photos-small/liif.pth', str(dest))
    assert calls == [('https://x/y.pth', 'd.pth')]
    assert dest.read_bytes() == (
        REPO / 'checkpoints/photos-small/liif.pth').read_bytes()
    with pytest.raises(FileNotFoundError, match='no_such.pth'):
        fake.download_from_file('liifgan_mm://checkpoints/no_such.pth',
                                str(dest))


def test_mim_cli_failed_script_gate_both_ways():
    """``mim train``/``mim test`` (mim's CLI compiles each command into a
    fresh namespace) get the wrapper; a body whose ``check_call`` fails
    returns mim's ``(False, msg)`` with the exit status instead of
    raising; a body without ``check_call`` is left alone."""
    import mim.cli

    from liifgan_compat.mim_exit import patch_failed_script
    group = mim.cli.MIM(name='mim')
    for name in ('train', 'test', 'tr'):
        command = group.get_command(None, name)
        body = command.callback.__globals__[command.name]
        assert getattr(body, 'liifgan_wrapped', False), name
    others = group.get_command(None, 'list').callback.__globals__
    assert not any(getattr(v, 'liifgan_wrapped', False)
                   for v in others.values())

    def train(code):  # runs a real child that exits with ``code``
        subprocess.check_call([sys.executable, '-c', f'exit({code})'])
        return True, 'Training finished successfully. '

    space = {'train': train}
    assert patch_failed_script(space, 'train')
    assert not patch_failed_script(space, 'train')  # idempotent
    assert space['train'](0) == (True, 'Training finished successfully. ')
    ok, msg = space['train'](3)
    assert not ok and 'Training not finished successfully (exit status 3' \
        in msg

    def test():
        return True, 'no subprocess here'
    space = {'test': test}
    assert not patch_failed_script(space, 'test') and space['test'] is test


def test_compat_can_be_turned_off():
    out = subprocess.run(
        [sys.executable, '-c',
         'import liifgan_compat; print(liifgan_compat.is_installed())'],
        capture_output=True, text=True, check=True,
        env={**os.environ, 'LIIFGAN_COMPAT': '0'}).stdout.split()
    assert out == ['False']


def test_verbose_names_each_fix_and_its_condition():
    code = ('import torch, mmengine.runner.checkpoint')
    err = subprocess.run(
        [sys.executable, '-c', code], capture_output=True, text=True,
        check=True, env={**os.environ, 'LIIFGAN_COMPAT_VERBOSE': '1'}).stderr
    if weights_only_default():
        assert '[liifgan_compat] checkpoint-allowlist: torch ' in err


def test_pth_is_owned_by_the_install_and_harmless_without_package():
    # the installed one (the repo's own liifgan_mm.egg-info has no RECORD)
    dist = next(d for d in importlib.metadata.distributions(name='liifgan_mm')
                if d.read_text('RECORD'))
    files = dist.files
    assert 'liifgan_compat.pth' in {str(f) for f in files}
    pth = next(f for f in files if str(f) == 'liifgan_compat.pth')
    line = pth.read_text()
    # what site.py does with it once the package is gone: nothing, no error
    code = ('import importlib.util as u; u.find_spec = lambda n: None\n'
            f'exec({line!r})\nimport sys; print("liifgan_compat" in '
            'sys.modules)')
    out = subprocess.run([sys.executable, '-S', '-c', code],
                         capture_output=True, text=True, check=True)
    assert out.stdout.split() == ['False']


def _mmengine_like_checkpoint():
    from mmengine.logging import HistoryBuffer, MessageHub
    hub = MessageHub.get_instance('liifgan_compat_test')
    hub.update_scalar('train/loss', np.float64(0.5))
    hub.update_scalar('train/loss', 0.25)
    hub.update_info('iter', 3)
    buf = io.BytesIO()
    torch.save(dict(state_dict={'w': torch.ones(2)},
                    message_hub=hub.state_dict(),
                    meta=dict(seed=np.int64(3), hist=HistoryBuffer())), buf)
    return buf.getvalue()


def test_mmengine_checkpoint_loads_with_weights_only():
    import mmengine.runner.checkpoint  # noqa: F401  (the hook's trigger)
    ckpt = torch.load(io.BytesIO(_mmengine_like_checkpoint()),
                      weights_only=True)
    assert ckpt['message_hub']['log_scalars']['train/loss'].mean() == 0.375


class _Evil:
    def __reduce__(self):
        return getattr, (np.ndarray, 'tofile')


def test_getattr_is_restricted_to_history_buffer_methods():
    import mmengine.runner.checkpoint  # noqa: F401
    buf = io.BytesIO()
    torch.save({'x': _Evil()}, buf)
    with pytest.raises(pickle.UnpicklingError, match='only HistoryBuffer'):
        torch.load(io.BytesIO(buf.getvalue()), weights_only=True)


def test_numpy2_alias_restored_only_when_missing():
    import types
    from liifgan_compat import _after_numpy
    np2 = types.SimpleNamespace(bool_=np.bool_)  # numpy >= 2: no bool8
    _after_numpy(np2)
    assert np2.bool8 is np.bool_
    sentinel = object()
    np1 = types.SimpleNamespace(bool_=np.bool_, bool8=sentinel)
    _after_numpy(np1)
    assert np1.bool8 is sentinel
