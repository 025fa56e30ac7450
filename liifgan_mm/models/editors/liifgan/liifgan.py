"""LIIF-GAN restorer: a sibling of mmagic's SRGAN for implicit decoders."""
import math

import torch

from mmagic.models.editors.srgan import SRGAN
from mmagic.registry import MODELS
from mmagic.structures import DataSample
from liifgan_mm.models.losses.latent_grid_loss import latent_grid_l1
from liifgan_mm.utils.output_size import output_size


@MODELS.register_module()
class LIIFGAN(SRGAN):
    """LIIF-GAN (Kang & Ahn, BMVC 2022): LIIF + GAN + perceptual loss.

    Training uses SRGAN's ``train_step`` (generator step, then
    ``disc_repeat`` discriminator steps, ``disc_steps``/``disc_init_steps``)
    on RGS patches (:class:`RandomGroupSampling`). The generator output is one
    tensor ``[B, K, 3, p, p]`` so SRGAN's machinery (``.detach()``, optim
    wrappers) applies unchanged:

    - two decoders (K=2): ``[:, 0]`` is decoder 1 alone, ``[:, 1]`` is
      ``D1.detach() + D2``. L1 goes to ``[:, 0]`` (eq. 4); GAN and perceptual
      losses to ``[:, 1]`` (eq. 5), so their gradients never reach decoder 1.
    - one decoder (K=1, LIIF-GAN-S): every loss on the same output (eq. 2).

    ``train_cfg.pixel_loss_on='output'`` puts L1 on ``D1.detach() + D2``
    instead (decoder 2's L1 warm-up before the GAN stage: decoder 1 gets
    no gradient); default ``'decoder1'``. ``train_cfg.output_pixel_weight``
    (default 0, the paper) adds that L1 on ``D1.detach() + D2`` times the
    weight beside decoder 1's own (``loss_pix_output``; not the paper's
    eq. 5: an option tried against decoder 2's latent-grid pattern,
    docs/cpu_recipe.md). ``train_cfg.latent_grid_weight`` (default 0,
    the paper) adds an L1 on the part of ``D1.detach() + D2``'s error that
    repeats on the latent grid (``loss_latent_grid``,
    :func:`~liifgan_mm.models.losses.latent_grid_loss.latent_grid_l1`; not
    the paper's either): ``forward_tensor`` keeps the training patch's
    query coordinates and input size for it.

    Perceptual loss gets images in ``[0, 1]`` (the data preprocessor's
    normalisation is undone; use ``norm_img=False`` in its config).

    Test time returns ``D1 + alpha * D2`` as ``[B, 3, H, W]`` (``alpha``,
    the fidelity knob, is ``model.generator.head.alpha``, default 1; 0 gives
    decoder 1 alone): query points come from
    ``coord``/``cell`` in the data sample when the pipeline made them
    (mmagic's ``GenerateCoordinateAndCell``); otherwise the head decodes the
    whole grid of the target size (the GT's, or ``scale`` / ``target_size``
    in the metainfo) without building coordinate tensors.
    """

    def _to_unit(self, x):
        """Undo the preprocessor's ``(x - mean) / std`` and map to [0, 1]."""
        dp = self.data_preprocessor
        mean = dp.mean.view(1, -1, 1, 1).to(x)
        std = dp.std.view(1, -1, 1, 1).to(x)
        return (x * std + mean) / 255.

    def _query_points(self, inputs, data_samples):
        """``[B, N, 2]`` coordinates and cells from the data samples (RGS
        or ``GenerateCoordinateAndCell``), and the output ``(H, W)``."""
        meta = data_samples.metainfo
        coord = torch.stack(meta['coord']).to(inputs)
        cell = torch.stack(meta['cell']).to(inputs)
        if 'gt_img' in data_samples and data_samples.gt_img.shape[-1] != 3:
            size = tuple(data_samples.gt_img.shape[-2:])
        else:  # a whole grid's cell is (2/H, 2/W): any aspect
            size = tuple(round(2 / c) for c in cell[0, 0].tolist())
            if size[0] * size[1] != coord.shape[1]:
                # isotropic scale, as mmagic's LIIF assumes
                ih, iw = inputs.shape[-2:]
                s = math.sqrt(coord.shape[1] / (ih * iw))
                size = (round(ih * s), round(iw * s))
        return coord, cell, size

    @staticmethod
    def _target_size(inputs, data_samples):
        """Output ``(H, W)``: the GT's, else ``target_size`` (``(H, W)``)
        or ``scale`` (``s`` or ``(sh, sw)``) from the metainfo, validated
        (:func:`liifgan_mm.utils.output_size.output_size`)."""
        meta = data_samples.metainfo
        if 'gt_img' in data_samples:
            return tuple(data_samples.gt_img.shape[-2:])
        if 'target_size' in meta:
            return output_size(None, size=tuple(meta['target_size'][0])[:2])
        if 'scale' in meta:
            return output_size(inputs.shape[-2:], scale=meta['scale'][0])
        raise ValueError('LIIFGAN: cannot tell the output size: give the '
                         'data sample a gt_img, or target_size or scale in '
                         'its metainfo (or coord/cell).')

    def forward_tensor(self, inputs, data_samples=None, training=False):
        """Decode at the data samples' query points.

        Args:
            inputs (Tensor): ``[B, 3, h, w]`` normalised input.
            data_samples (DataSample): stacked samples (query points).
            training (bool): training layout (see class docstring).

        Returns:
            Tensor: training: ``[B, K, 3, p, p]``; otherwise the prediction
            ``[B, 3, H, W]`` (normalised like the inputs).
        """
        if 'coord' not in data_samples.metainfo:
            if training:
                raise ValueError('LIIFGAN trains on query points: put '
                                 'RandomGroupSampling in the train pipeline')
            # whole output grid from its size: no H*W query tensors
            size = self._target_size(inputs, data_samples)
            return self.generator(inputs, size=size)
        coord, cell, size = self._query_points(inputs, data_samples)
        d1, d2 = self.generator(inputs, coord, cell, test_mode=not training)
        b = inputs.shape[0]
        if not training:
            out = self.generator.head.combine(d1, d2)
            return out.view(b, *size, 3).permute(0, 3, 1, 2).contiguous()
        self._train_queries = (coord, tuple(inputs.shape[-2:]))
        p = math.isqrt(coord.shape[1])
        if p * p != coord.shape[1]:
            raise ValueError('LIIFGAN trains on square RGS patches; got '
                             f'{coord.shape[1]} queries per sample')

        def to_img(x):
            return x.view(b, p, p, 3).permute(0, 3, 1, 2)

        if d2 is None:
            return to_img(d1).unsqueeze(1)
        return torch.stack([to_img(d1), to_img(d1.detach() + d2)], dim=1)

    def forward_inference(self, inputs, data_samples=None, **kwargs):
        """``[B, 3, H, W]`` predictions as ``DataSample(pred_img=...)``."""
        feats = self.forward_tensor(inputs, data_samples, training=False)
        feats = self.data_preprocessor.destruct(feats, data_samples)
        return DataSample(pred_img=feats.cpu())

    def g_step(self, batch_outputs, batch_gt_data):
        """Generator losses (eq. 4-6, or eq. 2 with one decoder).

        Args:
            batch_outputs (Tensor): ``[B, K, 3, p, p]`` from forward_tensor.
            batch_gt_data (Tensor): ``[B, 3, p, p]`` GT patch.

        Returns:
            dict: ``loss_pix`` (decoder 1), ``loss_pix_output`` (only with
            ``train_cfg.output_pixel_weight``), ``loss_latent_grid`` (only
            with ``train_cfg.latent_grid_weight``), ``loss_perceptual``,
            ``loss_style``, ``loss_gan`` (decoder 1 + 2, D1 detached).
        """
        d1, fake = batch_outputs[:, 0], batch_outputs[:, -1]
        losses = dict()
        if self.pixel_loss:
            on = (self.train_cfg or {}).get('pixel_loss_on', 'decoder1')
            if on not in ('decoder1', 'output'):
                raise ValueError("train_cfg.pixel_loss_on must be 'decoder1' "
                                 f"or 'output', got {on!r}")
            out = d1 if on == 'decoder1' else fake
            losses['loss_pix'] = self.pixel_loss(out, batch_gt_data)
            weight = (self.train_cfg or {}).get('output_pixel_weight', 0)
            if weight and on == 'decoder1' and batch_outputs.shape[1] > 1:
                losses['loss_pix_output'] = weight * self.pixel_loss(
                    fake, batch_gt_data)
        weight = (self.train_cfg or {}).get('latent_grid_weight', 0)
        if weight:
            coord, lr_size = self._train_queries
            losses['loss_latent_grid'] = weight * latent_grid_l1(
                fake, batch_gt_data, coord, lr_size)
        if self.perceptual_loss:
            percep, style = self.perceptual_loss(
                self._to_unit(fake), self._to_unit(batch_gt_data))
            if percep is not None:
                losses['loss_perceptual'] = percep
            if style is not None:
                losses['loss_style'] = style
        if self.gan_loss and self.discriminator:
            losses['loss_gan'] = self.gan_loss(
                self.discriminator(fake), target_is_real=True, is_disc=False)
        return losses

    def d_step_fake(self, batch_outputs, batch_gt_data):
        """Discriminator on the detached ``D1 + D2`` patch."""
        return super().d_step_fake(batch_outputs[:, -1], batch_gt_data)
