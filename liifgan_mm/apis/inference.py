"""LIIF-GAN through mmagic's inferencer, at any scale, size or alpha.

mmagic's ``Image Super-Resolution`` inferencer
(``mmagic.apis.inferencers.Inferencers``) runs a config's
``inference_pipeline``; LIIF-GAN configs have one whose
:class:`~liifgan_mm.datasets.transforms.SetOutputSize` step decides the
output. :func:`inference_config` returns the config with that step (and
the model's alpha / encoder tile) set::

    from mmagic.apis.inferencers import Inferencers
    from liifgan_mm.apis import inference_config

    cfg = inference_config(CONFIG, scale=(3.2, 4.7), alpha=0.5,
                           precision='bf16')  # precision: optional
    sr = Inferencers('Image Super-Resolution', config=cfg, ckpt=CKPT,
                     device='cpu')
    sr(img='photo.png', result_out_dir='out/photo_x3.2x4.7.png')
"""
import copy

from mmengine.config import Config

from liifgan_mm.utils.output_size import MAX_PIXELS, scale_pair, size_pair
from liifgan_mm.utils.training_parts import drop_training_parts


def check_knobs(cfg, alpha=None, encoder_tile=None, precision=None):
    """Refuse LIIF-GAN's test-time knobs on a model without them:
    ``alpha`` needs decoder 2 (a two-decoder ``LIIFGAN``), ``encoder_tile``
    and ``precision`` a ``LIIFGAN``. Raises ``ValueError`` naming the
    config."""
    name = getattr(cfg, 'filename', None) or cfg.model.type
    is_liifgan = cfg.model.type == 'LIIFGAN'
    head = cfg.model.get('generator', {}).get('head', {})
    if alpha is not None and not (is_liifgan and head.get('dual', True)):
        raise ValueError(f'alpha: {name} is not a two-decoder LIIF-GAN '
                         'model (no D2 to weigh)')
    if encoder_tile is not None and not is_liifgan:
        raise ValueError(f'encoder_tile: {name} is not a LIIF-GAN model')
    if precision is not None and not is_liifgan:
        raise ValueError(f'precision: {name} is not a LIIF-GAN model (its '
                         'decoder has no low-precision mode)')


def set_output_size(pipeline, scale=None, size=None, max_pixels=MAX_PIXELS):
    """A copy of ``pipeline`` whose ``SetOutputSize`` step has exactly the
    given ``scale`` (``s`` or ``(sh, sw)``) or ``size`` (``(H, W)`` or
    ``'HxW'``), validated; one is inserted before ``PackInputs`` (with
    ``meta_keys=['target_size']``) when missing."""
    if (scale is None) == (size is None):
        raise ValueError('give exactly one of scale (s or (sh, sw)) and '
                         'size ((H, W))')
    step = dict(type='SetOutputSize', max_pixels=max_pixels,
                scale=None if scale is None else scale_pair(scale),
                size=None if size is None else size_pair(size))
    out = [copy.deepcopy(dict(t)) for t in pipeline]
    at = [i for i, t in enumerate(out) if t['type'] == 'SetOutputSize']
    if at:
        out[at[0]] = step
        return out
    pack = [i for i, t in enumerate(out) if t['type'] == 'PackInputs']
    if not pack:
        raise ValueError('inference pipeline has no PackInputs step')
    keys = list(out[pack[0]].get('meta_keys', []))
    out[pack[0]]['meta_keys'] = keys + ['target_size'] * (
        'target_size' not in keys)
    out.insert(pack[0], step)
    return out


def inference_config(config, scale=None, size=None, alpha=None,
                     encoder_tile=None, precision=None,
                     max_pixels=MAX_PIXELS, cfg_options=None):
    """The config for mmagic's inferencer at one output size.

    Args:
        config (str | Config): a LIIF-GAN (or LIIF-GAN-based) config.
        scale (float | tuple[float, float], optional): ``s`` or
            ``(sh, sw)``.
        size (tuple[int, int] | str, optional): the exact output ``(H, W)``.
        alpha (float, optional): ``model.generator.head.alpha`` (``D1 +
            alpha * D2``).
        encoder_tile (int, optional): ``model.generator.encoder_tile``.
        precision (str, optional): ``model.generator.head.precision``:
            ``'fp32'`` (exact) or ``'bf16'`` (faster decoding where the
            device has bf16; elsewhere fp32 and one line on stderr).
        max_pixels (int): refuse larger outputs.
        cfg_options (dict, optional): more overrides.

    Returns:
        Config: a copy; the input config is not changed. Training-only
        parts (discriminator, perceptual and GAN losses) are dropped, so
        nothing is built (or downloaded) that inference does not use.
    """
    cfg = (copy.deepcopy(config) if isinstance(config, Config) else
           Config.fromfile(config))
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    pipeline = cfg.get('inference_pipeline')
    if not pipeline:
        raise ValueError('config has no inference_pipeline: inherit '
                         'configs/liifgan/_base_/liif-edsr_div2k-continuous-'
                         'test.py or add one')
    check_knobs(cfg, alpha, encoder_tile, precision)
    drop_training_parts(cfg.model)
    cfg.inference_pipeline = set_output_size(pipeline, scale, size,
                                             max_pixels)
    gen, head = {}, {}
    if alpha is not None:
        head['alpha'] = alpha
    if precision is not None:
        head['precision'] = precision
    if head:
        gen['head'] = head
    if encoder_tile is not None:
        gen['encoder_tile'] = encoder_tile
    if gen:
        cfg.merge_from_dict(dict(model=dict(generator=gen)))
    return cfg
