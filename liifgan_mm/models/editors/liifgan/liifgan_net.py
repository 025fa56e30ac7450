"""LIIF-GAN generator: mmagic's EDSR encoder with a mid-layer tap."""
import copy
import os.path as osp
import warnings

import torch
from mmengine.model import BaseModule

from mmagic.registry import MODELS


@MODELS.register_module()
class LIIFGANEDSRNet(BaseModule):
    """EDSR encoder + :class:`DualImplicitHead`.

    The encoder is mmagic's ``EDSRNet`` (its ``conv_first``, residual ``body``
    and ``conv_after_body`` are kept, exactly as mmagic's ``LIIFEDSRNet``
    does; the upsampler is dropped). Two features are tapped:

    - mid: the output of residual block ``mid_block`` (1-based) of the body;
    - last: ``conv_after_body(body(x)) + x``, LIIF's feature.

    Variants (paper Sec. 3.3 and 4.4):

    ========================  ===============  =============
    variant                   ``mid_block``    ``head.dual``
    ========================  ===============  =============
    LIIF-GAN                  e.g. 8 of 16     True
    LIIF-GAN-SF               None (last)      True
    LIIF-GAN-S                None             False
    ========================  ===============  =============

    What the GAN/perceptual gradient reaches: ``LIIFGAN`` detaches decoder
    1's output before adding decoder 2's, so those losses never update
    decoder 1's weights; through decoder 2's path they do reach every encoder
    layer, including ``conv_first`` and the blocks up to the mid tap that
    feed decoder 1 (the paper's design: only the first decoder is protected,
    and LIIF-GAN-SF relies on a shared encoder). ``block_encoder_grad=True``
    (an extension, not in the paper) also stops them at the mid tap: the
    layers up to it then learn from L1 only, those after it from the
    GAN/perceptual losses only; outputs are unchanged.

    Args:
        encoder (dict): ``EDSRNet`` config (``mid_channels``, ``num_blocks``).
        head (dict): ``DualImplicitHead`` config; ``in_channels`` is filled.
        mid_block (int, optional): block whose output feeds decoder 1; None
            feeds it the last-layer feature.
        block_encoder_grad (bool): stop decoder 2's gradients at the mid
            tap (needs ``mid_block``). Default: False (the paper).
        warm_start (dict, optional): ``checkpoint`` (a trained LIIF: this
            package's LIIF baseline or a stock mmagic ``LIIFEDSRNet``) and
            ``zero_residual`` (default True): loaded into the encoder and
            decoder 1 by ``init_weights`` (so at the start of training, not
            when testing), decoder 2's last layer zeroed; optional
            ``decoder2``: a LIIF checkpoint whose decoder starts decoder 2;
            the log lists the keys mapped, new and unused
            (:mod:`.warm_start`).
        frozen_blocks (int): training: keep ``conv_first`` and the first
            ``frozen_blocks`` residual blocks fixed (no gradient, no update);
            the whole body's count also fixes ``conv_after_body`` (the
            whole encoder). A fine-tuning choice, not the paper's (which
            trains the encoder): with ``frozen_blocks=mid_block`` decoder
            1's feature stays that of the warm start. Default: 0.
        encoder_tile (int, optional): test time, whole-grid decoding
            (``forward(size=...)``): encode and decode the input in tiles
            of ``encoder_tile`` latents a side, each encoded with a halo of
            the encoder's receptive radius (:mod:`.tiled_encoder`; the
            same features as the whole image), so peak memory is set by the
            tile, not the input. Decoding uses tiles of at most this size
            too (``head.tile`` when smaller). None: untiled encoder.
    """

    def __init__(self, encoder, head, mid_block=None,
                 block_encoder_grad=False, warm_start=None,
                 frozen_blocks=0, encoder_tile=None, init_cfg=None):
        super().__init__(init_cfg=init_cfg)
        if block_encoder_grad and mid_block is None:
            raise ValueError('block_encoder_grad needs a mid_block: with '
                             'both decoders on the last feature there is '
                             'no encoder part for L1 alone')
        self.block_encoder_grad = block_encoder_grad
        self.warm_start = warm_start
        if encoder_tile is not None and int(encoder_tile) < 1:
            raise ValueError('encoder_tile must be a positive number of '
                             f'latents or None, got {encoder_tile}')
        self.encoder_tile = encoder_tile
        encoder = MODELS.build(encoder)
        num_blocks = len(encoder.body)
        if mid_block is not None and not 1 <= mid_block <= num_blocks:
            raise ValueError(f'mid_block must be in [1, {num_blocks}] or '
                             f'None, got {mid_block}')
        self.mid_block = mid_block
        self.conv_first = encoder.conv_first
        self.body = encoder.body
        self.conv_after_body = encoder.conv_after_body
        if not 0 <= frozen_blocks <= num_blocks:
            raise ValueError(f'frozen_blocks must be in [0, {num_blocks}], '
                             f'got {frozen_blocks}')
        self.frozen_blocks = frozen_blocks
        frozen = [self.conv_first] if frozen_blocks else []
        frozen += list(self.body[:frozen_blocks])
        if frozen_blocks == num_blocks:
            frozen.append(self.conv_after_body)
        for module in frozen:
            module.requires_grad_(False)
        head = copy.deepcopy(head)
        head['in_channels'] = encoder.conv_first.out_channels
        self.head = MODELS.build(head)

    def init_weights(self):
        super().init_weights()
        if self.warm_start:
            from .warm_start import warm_start
            cfg = dict(self.warm_start)
            ckpt = cfg.get('checkpoint')
            if isinstance(ckpt, str) and '://' not in ckpt \
                    and not osp.isfile(ckpt):
                raise FileNotFoundError(
                    f'warm start: {ckpt} does not exist. It is the trained '
                    'LIIF this model starts from, the config key '
                    'model.generator.warm_start.checkpoint: train that LIIF '
                    'first or point the key at one (--cfg-options '
                    'model.generator.warm_start.checkpoint=PATH), or train '
                    'from scratch (--cfg-options '
                    'model.generator.warm_start=None)')
            self.warm_start_report = warm_start(self, cfg.pop('checkpoint'),
                                                **cfg)

    def gen_features(self, x):
        """Encode.

        Args:
            x (Tensor): ``[B, 3, h, w]`` normalised input.

        Returns:
            tuple[Tensor, Tensor]: ``[B, C, h, w]`` decoder-1 feature (mid or
            last) and ``[B, C, h, w]`` last-layer feature.
        """
        x = self.conv_first(x)
        feat, mid = x, None
        for i, block in enumerate(self.body, 1):
            feat = block(feat)
            if i == self.mid_block:
                mid = feat
                if self.block_encoder_grad:  # decoder 2's path stops here
                    feat, x = feat.detach(), x.detach()
        last = self.conv_after_body(feat) + x
        return (last if mid is None else mid), last

    def forward(self, x, coord=None, cell=None, test_mode=False, size=None):
        """Decode at query points, or on a whole output grid.

        Args:
            x (Tensor): ``[B, 3, h, w]`` normalised input.
            coord (Tensor): ``[B, N, 2]`` coordinates; cell: ``[B, N, 2]``.
            test_mode (bool): chunked querying (``head.eval_bsize``).
            size (tuple[int, int], optional): test time: decode the whole
                ``(H, W)`` output (``head.predict``) instead of ``coord``.

        Returns:
            tuple[Tensor, Tensor | None]: ``[B, N, 3]`` decoder-1 output and
            decoder-2 residual (None for a single decoder); with ``size``:
            ``[B, 3, H, W]`` output (``D1 + alpha * D2``).
        """
        if size is not None and self.encoder_tile:
            if self.head.fast:
                return self.predict_tiled(x, size)
            warnings.warn('encoder_tile needs the fast head (head.fast=True '
                          'and an MLPRefiner decoder): encoding untiled')
        feat1, feat2 = self.gen_features(x)
        if size is not None:
            return self.head.predict(feat1, feat2, size)
        return self.head(feat1, feat2, coord, cell, test_mode=test_mode)

    @property
    def receptive_radius(self):
        """Latents the encoder's output sees on each side (34 for EDSR
        with 16 blocks)."""
        from .tiled_encoder import receptive_radius
        return receptive_radius(self.conv_first, self.body,
                                self.conv_after_body)

    @torch.no_grad()
    def predict_tiled(self, x, size, tile=None, rows=None):
        """Whole-grid output with the encoder tiled (see ``encoder_tile``).

        Args:
            x (Tensor): ``[B, 3, h, w]`` normalised input.
            size (tuple[int, int]): output ``(H, W)``.
            tile (int, optional): latents per tile side; default
                ``encoder_tile``.
            rows (range, optional): only these output rows.

        Returns:
            Tensor: ``[B, 3, H, W]``, the untiled output up to float
            rounding.
        """
        from .tiled_encoder import TiledFeatures
        tile = int(tile or self.encoder_tile)
        src = TiledFeatures(self.gen_features, x,
                            self.conv_first.out_channels,
                            self.receptive_radius)
        head_tile = self.head.tile
        self.head.tile = min(tile, head_tile or tile)
        try:
            return self.head.predict(*src.views, size, rows=rows)
        finally:
            self.head.tile = head_tile
