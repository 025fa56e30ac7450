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


def allow_mmengine_checkpoints():
    torch.serialization.add_safe_globals(mmengine_safe_globals())
