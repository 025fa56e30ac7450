"""Warm start of a LIIF-GAN generator from a trained LIIF.

Accepted checkpoints (mmengine ``.pth`` with ``state_dict``, or a bare state
dict; ``generator.`` and DDP's ``module.`` prefixes are understood):

- this package's LIIF baseline (``LIIFGANEDSRNet`` with one decoder): keys
  ``conv_first``, ``body``, ``conv_after_body``, ``head.decoder1`` map 1:1;
- a stock mmagic ``LIIFEDSRNet`` (it keeps its EDSR encoder's parts as
  ``conv_first``, ``body``, ``conv_after_body``): those map 1:1, ``imnet.*``
  -> ``head.decoder1.*``;
- the official LIIF file (yinboc/liif, ``{'model': {'sd': ...}}``), read
  through :mod:`liifgan_mm.weights.official_liif` into the stock layout.
  Its normalisation is ``(x - 0.5) / 0.5``: configs warm-started from it set
  ``data_preprocessor`` mean = std = 127.5.

Every encoder key of the generator must come from the checkpoint: a source
whose encoder does not map completely (another architecture, a depth
mismatch) stops with the first unmapped keys, never a half-random encoder.

Decoder 2's last layer is zero-initialised (``zero_residual``), so that with
decoder 1 on the same feature as the source (LIIF-GAN-S, -SF) training starts
exactly at LIIF's output. LIIF-GAN's decoder 1 reads a mid-layer feature, so
there it starts from LIIF's weights but not LIIF's output and re-learns under
L1.
"""
import re

import torch
from mmengine.logging import MMLogger

from liifgan_mm.utils.checkpoint_loading import state_dict_of, unwrap_key
from liifgan_mm.utils.training_parts import NOT_GENERATOR
from liifgan_mm.weights.official_liif import convert_state_dict, is_official

# (source pattern, target template), tried in order; first match wins
_RULES = (
    (r'^imnet\.(.*)$', r'head.decoder1.\1'),
    (r'^(conv_first|body|conv_after_body|head\.decoder[12])\.(.*)$',
     r'\1.\2'),
)


def generator_state(ckpt):
    """The generator's state dict from a checkpoint object or path."""
    if isinstance(ckpt, str):
        ckpt = torch.load(ckpt, map_location='cpu', weights_only=True)
    if is_official(ckpt):
        return convert_state_dict(ckpt)
    out = {}
    for k, v in state_dict_of(ckpt).items():
        k = unwrap_key(k)  # DDP's module. parts, as the tools load
        if k.startswith('generator.'):
            out[k[len('generator.'):]] = v
        elif k.split('.', 1)[0] not in NOT_GENERATOR:
            out[k] = v  # a bare generator state dict
    return out


def map_keys(src_keys):
    """``{target_key: source_key}`` and the source keys left unused."""
    mapping, unused = {}, []
    for k in src_keys:
        for pat, tmpl in _RULES:
            m = re.match(pat, k)
            if m:
                if tmpl is None:
                    unused.append(k)
                else:
                    mapping[m.expand(tmpl)] = k
                break
        else:
            unused.append(k)
    return mapping, unused


@torch.no_grad()
def warm_start(generator, checkpoint, zero_residual=True, decoder2=None,
               logger=None):
    """Load a LIIF checkpoint into ``generator`` (``LIIFGANEDSRNet``).

    Args:
        generator (nn.Module): the LIIF-GAN generator.
        checkpoint (str | dict): path or loaded checkpoint.
        zero_residual (bool): zero decoder 2's last layer.
        decoder2 (str | dict, optional): a LIIF checkpoint whose decoder
            (``imnet`` / ``head.decoder1``) starts decoder 2 (e.g. the
            official LIIF's, trained on the last-layer feature decoder 2
            reads), instead of ``checkpoint``'s decoder 2 or a random one.

    Returns:
        dict: ``mapped`` (target keys loaded), ``new`` (target keys left as
        initialised), ``unused`` (source keys not loaded), ``zeroed``.

    Raises:
        ValueError: a shape mismatch (naming the key), or nothing mapped.
    """
    logger = logger or MMLogger.get_current_instance()
    src = generator_state(checkpoint)
    mapping, unused = map_keys(src)
    own = generator.state_dict()
    mapped = []
    for tgt, s in sorted(mapping.items()):
        if tgt not in own:
            unused.append(s)
            continue
        if own[tgt].shape != src[s].shape:
            raise ValueError(
                f'warm start: {s} {tuple(src[s].shape)} does not fit '
                f'{tgt} {tuple(own[tgt].shape)}: another model size?')
        own[tgt].copy_(src[s])
        mapped.append(tgt)
    if not mapped:
        raise ValueError('warm start: no key of the checkpoint maps to the '
                         'generator (expected a LIIF / LIIFEDSRNet one)')
    encoder = [k for k in own
               if k.startswith(('conv_first.', 'body.', 'conv_after_body.'))]
    missing = [k for k in encoder if k not in mapped]
    if missing:
        raise ValueError(
            f'warm start: {len(missing)} of {len(encoder)} encoder keys are '
            f'not in the checkpoint (first: {", ".join(missing[:3])}): '
            'another architecture or depth?')
    dec1 = [k for k in own
            if k.startswith('head.decoder1.') and k not in mapped]
    if dec1:  # decoder 1 must start from the source's, as the encoder
        raise ValueError(
            f'warm start: {len(dec1)} decoder 1 keys are not in the '
            f'checkpoint (first: {", ".join(dec1[:3])}): expected a LIIF / '
            'LIIFEDSRNet checkpoint')
    if decoder2 is not None:  # replaces a decoder 2 the checkpoint had
        done = _decoder2_from(generator, decoder2, own)
        mapped += [k for k in done if k not in mapped]
    zeroed = []
    if zero_residual and getattr(generator.head, 'decoder2', None):
        last = [m for m in generator.head.decoder2.modules()
                if isinstance(m, torch.nn.Linear)][-1]
        last.weight.zero_()
        last.bias.zero_()
        zeroed = [n for n, p in generator.head.decoder2.named_parameters()
                  if p is last.weight or p is last.bias]
    new = sorted(set(own) - set(mapped))
    report = dict(mapped=mapped, new=new, unused=sorted(unused),
                  zeroed=[f'head.decoder2.{n}' for n in zeroed])
    logger.info(
        f'warm start from {checkpoint if isinstance(checkpoint, str) else "a state dict"}: '
        f'{len(mapped)} keys mapped ({_prefixes(mapped)}); new: '
        f'{_prefixes(new) or "none"}; unused: {_prefixes(unused) or "none"}'
        + (f'; zeroed: {", ".join(report["zeroed"])}' if zeroed else ''))
    return report


def _decoder2_from(generator, checkpoint, own):
    """Copy a LIIF checkpoint's decoder into ``head.decoder2``."""
    if getattr(generator.head, 'decoder2', None) is None:
        raise ValueError('warm start: decoder2 given, but the head has one '
                         'decoder')
    src = generator_state(checkpoint)
    mapping, _ = map_keys(src)
    keys = [k for k in own if k.startswith('head.decoder2.')]
    done = []
    for tgt in keys:
        s = mapping.get(tgt.replace('decoder2', 'decoder1', 1))
        if s is None or src[s].shape != own[tgt].shape:
            raise ValueError(
                f'warm start: decoder2 source has no decoder matching {tgt} '
                f'{tuple(own[tgt].shape)}')
        own[tgt].copy_(src[s])
        done.append(tgt)
    return done


def _prefixes(keys):
    """Key groups for a one-line report (``body.0-7``, ``head.decoder1``)."""
    groups = {}
    for k in keys:
        parts = k.split('.')
        g = parts[0] if parts[0] != 'head' else '.'.join(parts[:2])
        if parts[0] == 'body' and parts[1].isdigit():
            groups.setdefault('body', set()).add(int(parts[1]))
            continue
        groups.setdefault(g, set())
    return ', '.join(
        f'{g}.{min(v)}-{max(v)}' if v else g for g, v in sorted(groups.items()))
