"""One image to any size, as ``liifgan-upsample`` (``tools/upsample.py``)
does it: the same model build, knobs and rounding, so a caller such as
``liifgan-web`` writes the very same pixels for the same settings::

    from liifgan_mm.apis.upsampling import image_upsampler, upsample
    up = image_upsampler(CONFIG, CKPT, alpha=0.5)      # None: bicubic
    png = upsample(up, load_image('photo.png'), scale=3.5)  # uint8 RGB
"""
from liifgan_mm.evaluation.image_io import to_uint8
from liifgan_mm.evaluation.row_spec import RowSpec
from liifgan_mm.evaluation.upsamplers import build_upsampler
from liifgan_mm.models.editors.liifgan.output_size import (MAX_PIXELS,
                                                           output_size)
from .inference import check_knobs

# LIIF-GAN inputs over this many latents a side are encoded in tiles
# (tools/upsample.py's DEFAULT_TILE; an input within one tile: no change)
DEFAULT_ENCODER_TILE = 256


def image_upsampler(config=None, checkpoint=None, alpha=None,
                    encoder_tile=None, device='cpu', allow_random=False,
                    cfg_options=None):
    """An ``(lr, size) -> pred`` upsampler (see
    :mod:`liifgan_mm.evaluation.upsamplers`) for ``liifgan-upsample``'s
    ``--config/--checkpoint/--alpha/--encoder-tile`` (None: bicubic).

    ``encoder_tile``: None keeps the config's, else
    :data:`DEFAULT_ENCODER_TILE` for LIIF-GAN; 0 encodes untiled.

    Raises:
        ValueError: a knob the model does not have (alpha on a one-decoder
            model), a checkpoint that does not fit, no checkpoint.
    """
    if config is None:
        if alpha is not None or encoder_tile:
            raise ValueError('alpha and encoder_tile need a LIIF-GAN config')
        return build_upsampler(RowSpec('Bicubic'), device)
    opts = dict(cfg_options or {})
    if alpha is not None:
        opts['model.generator.head.alpha'] = alpha
    if encoder_tile is not None:
        opts['model.generator.encoder_tile'] = encoder_tile or None
    spec = RowSpec('model', config, checkpoint, cfg_options=opts)
    cfg = spec.load_config()
    check_knobs(cfg, alpha=alpha, encoder_tile=encoder_tile or None)
    if cfg.model.type == 'LIIFGAN' and encoder_tile is None \
            and not cfg.model.generator.get('encoder_tile'):
        cfg.model.generator.encoder_tile = DEFAULT_ENCODER_TILE
    return build_upsampler(spec, device, cfg=cfg, allow_random=allow_random)


def upsample(upsampler, lr, scale=None, size=None, max_pixels=MAX_PIXELS):
    """``lr`` (``[h, w, 3]`` RGB uint8) at ``scale`` (``s`` or ``(sh,
    sw)``) or ``size`` (``(H, W)``) as the uint8 image
    ``liifgan-upsample`` saves. Raises ``ValueError`` for a bad or too
    large size before any work."""
    target = output_size(lr.shape[:2], scale=scale, size=size,
                         max_pixels=max_pixels)
    return to_uint8(upsampler(lr, target))
