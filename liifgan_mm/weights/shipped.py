"""``liifgan_mm://checkpoints/...`` in mmengine: the checkpoints shipped in
the package (:mod:`liifgan_compat.shipped_weights`), for ``load_from``,
``mim test --checkpoint``, ``mmengine.hub.get_model(..., pretrained=True)``
and every loader that goes through mmengine's ``CheckpointLoader``."""
from mmengine.runner.checkpoint import CheckpointLoader, load_from_local

from liifgan_compat.shipped_weights import SCHEME, shipped_path


@CheckpointLoader.register_scheme(prefixes=SCHEME, force=True)
def load_from_shipped(filename, map_location=None):
    """Load ``liifgan_mm://<path>`` from the installed package."""
    path = shipped_path(filename)
    if path is None:
        raise FileNotFoundError(
            f'{filename}: not in the installed liifgan_mm (its .mim/ folder '
            'or the repo next to it); reinstall liifgan_mm')
    return load_from_local(path, map_location)
