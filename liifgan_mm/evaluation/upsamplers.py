"""Upsamplers: bicubic, or an mmagic model built from config + checkpoint.

Every upsampler is a callable ``(lr, size) -> pred``: ``lr`` is an
``[h, w, 3]`` RGB uint8 input, ``size`` the target ``(H, W)``, ``pred`` an
``[H, W, 3]`` RGB float32 image in ``[0, 255]`` (not rounded, as mmagic's
evaluators see predictions). :func:`supports_scale` tells whether a scale
is evaluated at all (fixed-scale models: not below their own scale).

Models run through mmagic's own ``model.test_step`` (data preprocessor,
``forward_inference``, ``destruct``), so normalisation and channel order are
the config's:

- continuous (mmagic ``LIIF``, our ``LIIFGAN``): decoded straight at the
  target size (``coord``/``cell`` for LIIF, ``target_size`` for LIIFGAN;
  for LIIF the output is reshaped here, its ``forward_inference`` assumes
  ``round(h * sqrt(N / hw))`` rows);
- fixed scale (``BaseEditModel``/``ESRGAN``/``RealESRGAN`` x4 ...): the
  paper's protocol, :func:`~.continuous_protocol.fixed_scale_upsample`.
"""
import warnings

import numpy as np
import torch
from mmagic.models.editors import LIIF
from mmagic.registry import MODELS
from mmagic.structures import DataSample
from mmagic.utils import register_all_modules

from liifgan_mm.models.editors.liifgan import LIIFGAN
from liifgan_mm.models.editors.liifgan.from_liif import liifgan_state_of_liif
from liifgan_mm.utils.arguments import config_path, failed_build
from liifgan_mm.utils.checkpoint_loading import load_strict
from liifgan_mm.utils.training_parts import drop_training_parts
from .continuous_protocol import bicubic_resize, fixed_scale_upsample


def supports_scale(kind, model_scale, scale):
    """Is ``scale`` evaluated? Fixed-scale models: only from their own
    scale up (Table 1 has N/A below x4)."""
    return kind != 'fixed' or scale >= model_scale - 1e-9


class BicubicUpsampler:
    """PIL bicubic interpolation (the table's "Bicubic" row)."""

    def __call__(self, lr, size):
        return bicubic_resize(lr, size).astype(np.float32)


class ModelUpsampler:
    """An mmagic SR model as an upsampler.

    Args:
        model (BaseEditModel): built model (eval mode is set here).
        kind (str): ``'continuous'`` or ``'fixed'``.
        model_scale (int, optional): scale of a fixed-scale model.
        device (str): where the model runs.
    """

    def __init__(self, model, kind, model_scale=None, device='cpu'):
        if kind not in ('continuous', 'fixed'):
            raise ValueError(f'kind must be continuous or fixed: {kind}')
        if kind == 'fixed' and not model_scale:
            raise ValueError('a fixed-scale model needs model_scale')
        self.model = model.to(device).eval()
        # GT never goes through the model: evaluation compares it itself
        self.model.data_preprocessor.data_keys = []
        self.kind = kind
        self.model_scale = model_scale

    def __call__(self, lr, size):
        size = tuple(int(s) for s in size)
        if self.kind == 'continuous':
            return self.run(lr, size)
        return fixed_scale_upsample(lr, size, self.run, self.model_scale)

    @torch.no_grad()
    def run(self, lr, size=None):
        """One ``model.test_step``.

        Args:
            lr (np.ndarray): ``[h, w, 3]`` RGB uint8.
            size (tuple[int, int], optional): target ``(H, W)`` of a
                continuous model (fixed-scale models ignore it).

        Returns:
            np.ndarray: ``[H, W, 3]`` RGB float32 in ``[0, 255]``.
        """
        inp = torch.from_numpy(np.ascontiguousarray(lr.transpose(2, 0, 1)))
        meta = dict(img_channel_order='rgb', img_color_type='color')
        if self.kind == 'continuous':
            meta.update(_query_meta(self.model, size))
        data = dict(inputs=[inp.float()],
                    data_samples=[DataSample(metainfo=meta)])
        if isinstance(self.model, LIIF):
            pred = _liif_predict(self.model, data, size)
        else:
            pred = self.model.test_step(data)[0].output.pred_img
        # destruct() hands predictions back in BGR (mmagic's test mode)
        pred = pred.float().cpu().numpy()
        return pred[::-1].transpose(1, 2, 0).astype(np.float32)


def _liif_predict(model, data, size):
    """mmagic ``LIIF.forward_inference`` with the output shape given
    (it guesses ``round(h * sqrt(N / hw))``, wrong for anisotropic or
    unluckily rounded targets). Returns ``[3, H, W]`` (BGR, [0, 255])."""
    data = model.data_preprocessor(data, False)
    feats = model.forward_tensor(data['inputs'], data['data_samples'],
                                 test_mode=True)
    feats = feats.view(1, *size, 3).permute(0, 3, 1, 2).contiguous()
    return model.data_preprocessor.destruct(feats, data['data_samples'])[0]


def _query_meta(model, size):
    """Metainfo telling a continuous model where to decode."""
    if isinstance(model, LIIF):  # mmagic's LIIF wants the coordinate list
        from liifgan_mm.models.editors.liifgan.grid_query import grid_coords
        coord, cell = grid_coords(size)
        return dict(coord=coord, cell=cell.contiguous())
    return dict(target_size=size)


def describe_row(spec, cfg=None):
    """``(kind, model_scale)`` of a row without building its model.

    Returns:
        tuple[str, int | None]: ``('bicubic', None)``,
        ``('continuous', None)`` (mmagic ``LIIF`` or ``LIIFGAN`` and their
        subclasses) or ``('fixed', scale)``.
    """
    if spec.is_bicubic:
        return 'bicubic', None
    register_all_modules()
    cfg = cfg or spec.load_config()
    cls = MODELS.get(cfg.model.type)
    if cls is None:
        raise KeyError(f'{spec.name}: unknown model type {cfg.model.type}')
    if issubclass(cls, (LIIF, LIIFGAN)):
        return 'continuous', None
    scale = cfg.model.generator.get('upscale_factor', cfg.get('scale'))
    if not scale:
        raise ValueError(f'{spec.name}: cannot tell the model scale: set '
                         'model.generator.upscale_factor or scale')
    return 'fixed', int(scale)


def build_model(cfg, checkpoint=None, allow_random=False):
    """Build ``cfg.model`` for inference and load ``checkpoint`` strictly.

    Discriminator and perceptual/GAN losses are not built; the generator's
    ``init_cfg`` is dropped (no download). Loading is
    :func:`~liifgan_mm.utils.checkpoint_loading.load_strict`: every key of the built model
    must match (``module.`` wrapper prefixes understood), training-only
    keys are skipped, anything else raises naming the config. A
    ``LIIFGAN`` model also loads a stock mmagic LIIF checkpoint (its
    ``imnet`` as decoder 1:
    :mod:`~liifgan_mm.models.editors.liifgan.from_liif`).

    Args:
        cfg (Config): the model's config.
        checkpoint (str, optional): weights.
        allow_random (bool): without a checkpoint, keep random weights
            (a warning says so) instead of raising.

    Raises:
        ValueError: no checkpoint and not ``allow_random``; a key the
            model's classes do not take (named, with the closest valid
            one); a checkpoint that does not fit.
    """
    name = getattr(cfg, 'filename', None) or cfg.model.type
    if not checkpoint and not allow_random:
        raise ValueError(f'{name}: no checkpoint given: pass a checkpoint, '
                         'or --random-weights to run random weights '
                         '(meaningless output, for tests)')
    register_all_modules()
    model_cfg = drop_training_parts(cfg.model.copy())
    model_cfg.generator = model_cfg.generator.copy()
    model_cfg.generator.pop('init_cfg', None)
    model_cfg.generator.pop('warm_start', None)
    try:
        model = MODELS.build(model_cfg)
    except TypeError as e:  # a key the class does not take: name it
        found = failed_build(e)
        if found is None:
            raise
        cls, sub, unknown = found
        where = config_path(model_cfg, sub, 'model') or 'model'
        raise ValueError(f'{name}: {where} ({cls.__name__}): {unknown}') \
            from e
    if checkpoint:  # a LIIFGAN model also takes a stock LIIF's keys
        rename = liifgan_state_of_liif if isinstance(model, LIIFGAN) \
            else None
        load_strict(model, checkpoint, name, rename)
    else:
        warnings.warn(f'{name}: no checkpoint given: RANDOM weights '
                      '(fine for tests, meaningless numbers)')
    return model


def build_upsampler(spec, device='cpu', cfg=None, kind=None,
                    model_scale=None, allow_random=False):
    """An upsampler for a :class:`~.row_spec.RowSpec`.

    ``cfg`` (the row's loaded config) and ``kind``/``model_scale`` (its
    :func:`describe_row`) may be given when the caller has them already;
    otherwise they are worked out here. ``allow_random``: see
    :func:`build_model`.
    """
    if spec.is_bicubic:
        return BicubicUpsampler()
    if cfg is None:
        cfg = spec.load_config()
    if kind is None:
        kind, model_scale = describe_row(spec, cfg)
    model = build_model(cfg, spec.checkpoint, allow_random)
    return ModelUpsampler(model, kind, model_scale, device=device)
