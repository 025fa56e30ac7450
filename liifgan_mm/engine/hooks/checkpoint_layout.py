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
  loaded checkpoint's keys, wrapped or not, onto the running model's layout,
  then refuses (one line) a checkpoint whose ``generator.*`` keys or shapes
  differ from the model's, or whose recorded variant (``mid_block``, ...)
  does: mmengine loads non-strictly, so ``mim test`` would otherwise report
  the numbers of a half-random model.
"""
import re

from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from mmagic.registry import HOOKS
from liifgan_mm.utils.checkpoint_loading import unwrap_key
from liifgan_mm.utils.variant import (META_KEY,
                                                       model_variant,
                                                       variant_mismatch)
from .work_dir_guard import Refused

_FIRST = 3  # keys named in a refusal


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
        model = bare_model(runner)
        keys = list(model.state_dict())
        if isinstance(checkpoint.get('state_dict'), dict):
            checkpoint['state_dict'] = relayout(checkpoint['state_dict'],
                                                keys)
            check_fits(model, checkpoint, _source(runner),
                       getattr(runner.cfg, 'filename', None) or 'the config')
        if isinstance(checkpoint.get('ema_state_dict'), dict):
            checkpoint['ema_state_dict'] = relayout(
                checkpoint['ema_state_dict'],
                ['module.' + k for k in keys] + ['steps'])


def _source(runner):
    """The file being loaded, as far as the runner says."""
    return str(getattr(runner, '_load_from', None) or 'the checkpoint')


def _names(keys):
    more = f' (+{len(keys) - _FIRST} more)' if len(keys) > _FIRST else ''
    return ', '.join(keys[:_FIRST]) + more


def check_fits(model, checkpoint, source, config):
    """Refuse ``checkpoint`` unless its ``generator.*`` weights are exactly
    the model's (keys and shapes; a generator-only published file is fine)
    and its recorded variant agrees."""
    msg = variant_mismatch(checkpoint.get('meta', {}).get(META_KEY),
                           model_variant(model), source, config)
    if msg:
        raise Refused(msg)
    mine = {k: v for k, v in model.state_dict().items()
            if k.startswith('generator.')}
    if not mine:
        return
    theirs = {re.sub(r'^module\.', '', k): v
              for k, v in checkpoint['state_dict'].items()}
    theirs = {k: v for k, v in theirs.items() if k.startswith('generator.')}
    missing = [k for k in mine if k not in theirs]
    unexpected = [k for k in theirs if k not in mine]
    shapes = [k for k in mine if k in theirs and hasattr(theirs[k], 'shape')
              and tuple(theirs[k].shape) != tuple(mine[k].shape)]
    problems = [f'{len(ks)} {what}: {_names(ks)}' for what, ks in (
        ('missing', missing), ('unexpected', unexpected),
        ('of another shape', shapes)) if ks]
    if problems:
        raise Refused(f'{source} does not fit {config} (generator weights '
                      f'{"; ".join(problems)}): refusing a partial load')
