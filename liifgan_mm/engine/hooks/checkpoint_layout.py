"""Checkpoints that do not depend on how many processes wrote them.

``MMSeparateDistributedDataParallel`` wraps each part of a GAN in DDP, so a
multi-process run's state dict says ``generator.module.conv.weight`` where a
one-process run says ``generator.conv.weight`` (EMA copies:
``module.generator.module.x`` vs ``module.generator.x``). mmengine only
strips a *leading* ``module.`` when loading, non-strictly, so such a
checkpoint silently loads nothing in ``mim test`` or a one-process resume.

- :func:`unwrapped_state` (used by :class:`SafeCheckpointHook` before
  writing) removes the wrapper parts: every checkpoint looks like a
  one-process one;
- :class:`CheckpointLayoutHook` (``VERY_HIGH``, so before ``EMAHook``) maps a
  loaded checkpoint's keys, wrapped or not, onto the running model's layout.
"""
import re

from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from mmagic.registry import HOOKS
from liifgan_mm.utils.checkpoint_loading import unwrap_key


def bare_model(runner):
    """The runner's model without a whole-model wrapper."""
    model = runner.model
    return model.module if is_model_wrapper(model) else model


def wrapped_parts(model):
    """Names of the model's top-level parts that are DDP wrappers."""
    return {name for name, child in model.named_children()
            if is_model_wrapper(child)}


def unwrapped_state(state, parts, prefix=''):
    """``state`` with ``<prefix><part>.module.`` -> ``<prefix><part>.`` for
    each wrapped ``part`` (``prefix='module.'`` for an EMA copy)."""
    if not parts:
        return state
    pattern = re.compile(r'^(%s(?:%s))\.module\.' % (
        re.escape(prefix), '|'.join(re.escape(p) for p in parts)))
    return type(state)((pattern.sub(r'\1.', k), v) for k, v in state.items())


def relayout(state, target_keys):
    """``state``'s keys renamed to ``target_keys`` where they agree up to
    wrapper parts; other keys unchanged (the loader reports them)."""
    target = {}
    for key in target_keys:
        target.setdefault(unwrap_key(key), key)
    return type(state)((target.get(unwrap_key(k), k), v)
                       for k, v in state.items())


@HOOKS.register_module()
class CheckpointLayoutHook(Hook):
    """Load any checkpoint (1 or N processes) into the running layout.

    ``state_dict`` is mapped onto the model's keys, ``ema_state_dict`` onto
    an EMA copy's (``module.`` + model keys, plus ``steps``).
    """

    priority = 'VERY_HIGH'

    def after_load_checkpoint(self, runner, checkpoint):
        keys = list(bare_model(runner).state_dict())
        if isinstance(checkpoint.get('state_dict'), dict):
            checkpoint['state_dict'] = relayout(checkpoint['state_dict'],
                                                keys)
        if isinstance(checkpoint.get('ema_state_dict'), dict):
            checkpoint['ema_state_dict'] = relayout(
                checkpoint['ema_state_dict'],
                ['module.' + k for k in keys] + ['steps'])
