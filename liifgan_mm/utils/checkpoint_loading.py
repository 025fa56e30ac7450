"""Strict loading of a checkpoint into a model built for inference.

What matters for inference is the generator (and whatever else the built
model holds): every one of its keys must be in the checkpoint with the same
shape, and nothing else may be there except training-only parts
(discriminator, perceptual/GAN losses), which are skipped quietly. A
distributed run's ``module.`` wrapper prefixes (``module.generator.x``,
``generator.module.x``) are understood. Anything else is an error naming the
config, the checkpoint and the first offending keys, never a silent
random-weight model; so are non-finite (NaN/inf) weights, and a checkpoint
whose recorded variant (:mod:`~liifgan_mm.utils.variant`:
e.g. LIIF-GAN-SF weights for a LIIF-GAN config, same keys) differs.
"""
import os.path as osp
import re

import torch

from .training_parts import TRAIN_ONLY, top_part
from .variant import META_KEY, model_variant, variant_mismatch

_FIRST = 3  # keys named in an error


def unwrap_key(key):
    """State-dict key without DDP wrapper parts.

    ``'module.generator.module.conv.weight' -> 'generator.conv.weight'``:
    a leading ``module.`` (a wrapped whole model) and a ``module.`` right
    after the top-level part (mmengine's
    ``MMSeparateDistributedDataParallel`` wraps each part).
    """
    key = re.sub(r'^module\.', '', key)
    return re.sub(r'^([^.]+)\.module\.', r'\1.', key)


def state_dict_of(checkpoint):
    """The model weights of a loaded checkpoint (mmengine's ``state_dict``
    entry, or a plain ``{key: tensor}`` dict)."""
    if isinstance(checkpoint, dict) and isinstance(
            checkpoint.get('state_dict'), dict):
        return checkpoint['state_dict']
    if isinstance(checkpoint, dict) and all(
            torch.is_tensor(v) for v in checkpoint.values()):
        return checkpoint
    raise ValueError('not a model checkpoint (no state_dict)')


def without_training_parts(state, keep=()):
    """``state`` with DDP's wrapper parts unwrapped (:func:`unwrap_key`) and
    the training-only parts (:data:`~.training_parts.TRAIN_ONLY`) dropped,
    but those named in ``keep`` (e.g. ``('discriminator', )``)."""
    drop = set(TRAIN_ONLY) - set(keep)
    state = ((unwrap_key(k), v) for k, v in state.items())
    return {k: v for k, v in state if top_part(k) not in drop}


def _names(keys):
    keys = list(keys)
    more = f' (+{len(keys) - _FIRST} more)' if len(keys) > _FIRST else ''
    return ', '.join(keys[:_FIRST]) + more


def load_strict(model, checkpoint, config='the config', rename=None):
    """Load ``checkpoint`` into ``model`` or raise naming what does not fit.

    Args:
        model (nn.Module): the inference model (no discriminator/losses).
        checkpoint (str): path of an mmengine checkpoint (or a plain state
            dict file).
        config (str): the config's name, for messages.
        rename (callable, optional): ``state -> state``, applied to the
            checkpoint's (unwrapped) state dict before it is compared
            (another layout of the same network, e.g. a stock LIIF's keys
            for a one-decoder LIIF-GAN generator).

    Raises:
        FileNotFoundError: no such file.
        ValueError: unreadable file, missing/unexpected/mis-shaped keys,
            or non-finite weights.
    """
    from mmengine.runner.checkpoint import _load_checkpoint
    if not osp.isfile(checkpoint):
        raise FileNotFoundError(f'checkpoint {checkpoint} does not exist')
    try:
        loaded = _load_checkpoint(checkpoint, map_location='cpu')
        state = state_dict_of(loaded)
    except Exception as e:  # torn/foreign file: one clear line
        raise ValueError(f'checkpoint {checkpoint} cannot be read: '
                         f'{type(e).__name__}: {str(e)[:200]}') from e
    meta = loaded.get('meta') if isinstance(loaded, dict) else None
    msg = variant_mismatch((meta or {}).get(META_KEY), model_variant(model),
                           f'checkpoint {checkpoint}', config)
    if msg:
        raise ValueError(msg)
    state = {unwrap_key(k): v for k, v in state.items()}
    if rename is not None:
        state = rename(state)
    expected = model.state_dict()
    state = {k: v for k, v in state.items()
             if k in expected or k.split('.', 1)[0] not in TRAIN_ONLY}
    missing = [k for k in expected if k not in state]
    unexpected = [k for k in state if k not in expected]
    shapes = [f'{k} {tuple(state[k].shape)} vs {tuple(v.shape)}'
              for k, v in expected.items()
              if k in state and state[k].shape != v.shape]
    problems = []
    if missing:
        problems.append(f'{len(missing)} missing: {_names(missing)}')
    if unexpected:
        problems.append(f'{len(unexpected)} unexpected: '
                        f'{_names(unexpected)}')
    if shapes:
        problems.append(f'{len(shapes)} of another shape (checkpoint vs '
                        f'model): {_names(shapes)}')
    if problems:
        raise ValueError(f'checkpoint {checkpoint} does not fit {config}: '
                         + '; '.join(problems))
    bad = [k for k, v in state.items()
           if v.is_floating_point() and not torch.isfinite(v).all()]
    if bad:
        raise ValueError(f'checkpoint {checkpoint} has non-finite (NaN/inf)'
                         f' weights in {_names(bad)}: training diverged')
    model.load_state_dict(state, strict=True)
    return model
