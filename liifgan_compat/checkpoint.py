"""Let ``torch.load(weights_only=True)`` read mmengine checkpoints.

Since torch 2.6, ``torch.load`` refuses any class not on its allow-list, and
mmengine (0.10.x) saves its ``MessageHub`` state into every checkpoint: a
``HistoryBuffer`` per logged scalar, holding numpy arrays and numpy scalars
(and ``collections.Counter``, ``bytes`` for empty arrays).
We add exactly those classes (and the numpy reconstructors they pickle
through) to torch's safe globals, instead of turning the check off.

A ``HistoryBuffer`` also pickles its table of statistics methods as
``getattr(HistoryBuffer, 'min')`` etc. Allowing the builtin ``getattr`` would
let a checkpoint fetch any attribute of any allowed object, so the pickle's
``builtins.getattr`` is mapped to :func:`_history_buffer_getattr`, which only
returns functions defined on ``HistoryBuffer`` itself.
"""
import collections
import os
import pickle

import numpy as np
import torch


def _numpy_globals():
    try:
        from numpy.core.multiarray import _reconstruct, scalar
    except ImportError:  # numpy >= 2 moved it
        from numpy._core.multiarray import _reconstruct, scalar
    dtypes = [type(np.dtype(t)) for t in (
        np.float64, np.float32, np.float16, np.int64, np.int32, np.int16,
        np.int8, np.uint8, np.bool_)]
    return [_reconstruct, scalar, np.ndarray, np.dtype, *dtypes]


def _history_buffer_getattr(obj, name):
    """``getattr`` restricted to ``HistoryBuffer``'s own methods."""
    from mmengine.logging.history_buffer import HistoryBuffer
    value = vars(HistoryBuffer).get(name) if obj is HistoryBuffer else None
    if not callable(value) and not isinstance(value, classmethod):
        raise pickle.UnpicklingError(
            f'checkpoint asks for getattr({obj!r}, {name!r}): only '
            'HistoryBuffer statistics methods are allowed')
    return getattr(HistoryBuffer, name)


def mmengine_safe_globals():
    """What an mmengine checkpoint holds beyond tensors and plain dicts."""
    from mmengine.logging.history_buffer import HistoryBuffer
    # bytes: numpy pickles an empty buffer's data as bytes()
    return [HistoryBuffer, collections.Counter, bytes, *_numpy_globals(),
            (_history_buffer_getattr, 'builtins.getattr')]


def _version_tuple(version):
    parts = []
    for p in version.split('+')[0].split('.')[:2]:
        digits = ''.join(c for c in p if c.isdigit())
        parts.append(int(digits or 0))
    return tuple(parts)


def weights_only_default(version=None, environ=None):
    """Why ``torch.load`` refuses mmengine checkpoints here, or ``None``.

    True conditions: torch >= 2.6 (``weights_only=True`` by default) or
    ``TORCH_FORCE_WEIGHTS_ONLY_LOAD`` set, and torch has ``add_safe_globals``
    (older torches neither refuse nor can be told what to allow)."""
    version = torch.__version__ if version is None else version
    environ = os.environ if environ is None else environ
    if not hasattr(torch.serialization, 'add_safe_globals'):
        return None
    if _version_tuple(version) >= (2, 6):
        return (f'torch {version} loads with weights_only=True by default '
                'and rejects mmengine checkpoints')
    if environ.get('TORCH_FORCE_WEIGHTS_ONLY_LOAD', '0') not in ('0', ''):
        return ('TORCH_FORCE_WEIGHTS_ONLY_LOAD is set: torch.load rejects '
                'mmengine checkpoints')
    return None


_DONE = False


def allow_mmengine_checkpoints():
    """Add :func:`mmengine_safe_globals` once. Returns True when it did now
    (False: already done, or torch has no ``add_safe_globals``)."""
    global _DONE
    add = getattr(torch.serialization, 'add_safe_globals', None)
    if _DONE or add is None:
        return False
    add(mmengine_safe_globals())
    _DONE = True
    return True
