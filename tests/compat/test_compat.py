"""liifgan_compat: CPU-only torch runs torchvision, mmagic.models and
mmengine checkpoints, with clear errors where compiled code is missing."""
import io
import pickle
import subprocess
import sys

import numpy as np
import pytest
import torch

import liifgan_compat
from liifgan_compat.checkpoint import allow_mmengine_checkpoints


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
    import mmcv._ext as ext
    import mmcv.ops
    if not getattr(ext, 'is_liifgan_standin', False):
        pytest.skip('a compiled mmcv is installed: the stand-in is not used')
    # pure-PyTorch path works on CPU
    x = torch.randn(1, 2, 8, 8)
    k = torch.ones(3, 3) / 9
    assert mmcv.ops.upfirdn2d(x, k, padding=1).shape == (1, 2, 8, 8)
    with pytest.raises(RuntimeError, match='"deform_conv_forward" is not'):
        ext.deform_conv_forward(x)
    import mmagic.models  # noqa: F401  (imports mmcv.ops everywhere)


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
    allow_mmengine_checkpoints()
    ckpt = torch.load(io.BytesIO(_mmengine_like_checkpoint()),
                      weights_only=True)
    assert ckpt['message_hub']['log_scalars']['train/loss'].mean() == 0.375


class _Evil:
    def __reduce__(self):
        return getattr, (np.ndarray, 'tofile')


def test_getattr_is_restricted_to_history_buffer_methods():
    allow_mmengine_checkpoints()
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
