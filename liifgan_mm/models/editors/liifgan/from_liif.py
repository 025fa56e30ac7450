"""A stock mmagic LIIF model run by this package's generator.

mmagic's ``LIIF`` with a ``LIIFEDSRNet`` generator is the same network as a
one-decoder ``LIIFGANEDSRNet`` (the LIIF-GAN-S form: ``mid_block=None``,
``head.dual=False``): the same EDSR encoder parts, its ``imnet`` as decoder
1. Run that way it gets this package's decoding paths, and with them
``head.precision='bf16'``, which mmagic's own model does not have. In fp32
the two agree to float rounding (``tests/weights/test_official_liif.py``:
≤ 1e-5 with the official weights).

- :func:`liifgan_config_of_liif`: the ``LIIFGAN`` model config of a stock
  ``LIIF`` model config;
- :func:`liifgan_state_of_liif`: a stock LIIF checkpoint's state dict in
  that model's keys (``generator.imnet.*`` -> ``generator.head.decoder1.*``,
  the warm start's key map; other keys unchanged).
"""
import copy

from .warm_start import map_keys

_GEN = 'generator.'


def is_stock_liif(model_cfg):
    """Is ``model_cfg`` mmagic's ``LIIF`` with a ``LIIFEDSRNet``?"""
    gen = model_cfg.get('generator') or {}
    return (model_cfg.get('type') == 'LIIF'
            and gen.get('type') == 'LIIFEDSRNet')


def liifgan_config_of_liif(model_cfg, precision=None):
    """The ``LIIFGAN`` model config (one-decoder ``LIIFGANEDSRNet``) that
    computes what the stock ``LIIF`` ``model_cfg`` computes.

    Args:
        model_cfg (dict): ``cfg.model`` of a stock mmagic LIIF config.
        precision (str, optional): ``head.precision`` (``'fp32'``,
            ``'bf16'``); None: the head's default (fp32).

    Returns:
        dict: a plain model config (encoder, decoder, ensemble/unfold/cell
        flags, ``eval_bsize``, data preprocessor and pixel loss kept).

    Raises:
        ValueError: not a stock ``LIIF``/``LIIFEDSRNet`` config.
    """
    cfg = copy.deepcopy(dict(model_cfg))
    if not is_stock_liif(cfg):
        raise ValueError('expected mmagic LIIF with a LIIFEDSRNet generator,'
                         f' got {cfg.get("type")} / '
                         f'{(cfg.get("generator") or {}).get("type")}')
    gen = dict(cfg.pop('generator'))
    decoder = dict(gen['imnet'])
    decoder.pop('in_dim', None)  # the head works it out
    head = dict(type='DualImplicitHead', decoder=decoder, dual=False,
                local_ensemble=gen.get('local_ensemble', True),
                feat_unfold=gen.get('feat_unfold', True),
                cell_decode=gen.get('cell_decode', True),
                eval_bsize=gen.get('eval_bsize'))
    if precision is not None:
        head['precision'] = precision
    cfg.update(type='LIIFGAN', generator=dict(
        type='LIIFGANEDSRNet', encoder=gen['encoder'], mid_block=None,
        head=head))
    return cfg


def liifgan_state_of_liif(state):
    """A model state dict with a stock ``LIIFEDSRNet``'s generator keys
    renamed for ``LIIFGANEDSRNet`` (only ``imnet.*`` changes); a state
    without ``generator.imnet.*`` keys comes back as it is."""
    if not any(k.startswith(_GEN + 'imnet.') for k in state):
        return state
    gen = [k[len(_GEN):] for k in state if k.startswith(_GEN)]
    mapping, _ = map_keys(gen)
    new_name = {_GEN + src: _GEN + tgt for tgt, src in mapping.items()}
    return {new_name.get(k, k): v for k, v in state.items()}
