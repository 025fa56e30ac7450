"""The dual implicit head of LIIF-GAN (Kang & Ahn, BMVC 2022, Sec. 3.3)."""
import copy

import torch
from mmengine.model import BaseModule

from mmagic.registry import MODELS
from .fast_query import fast_query, project, split_decoder, supports_fast
from .grid_query import blocks, grid_coords, predict_grid
from .implicit_query import query, unfold_features
from .precision import (DTYPES, LowPrecisionDecoder, LowPrecisionTail,
                        check_precision, resolve_precision)


@MODELS.register_module()
class DualImplicitHead(BaseModule):
    """Two LIIF decoders over two encoder features; output = D1 + D2.

    Decoder 1 reads ``feat1`` (LIIF-GAN: a mid-layer feature) and is meant to
    be trained by L1 only; decoder 2 reads ``feat2`` (the last-layer feature)
    and predicts a residual added to decoder 1's output. With ``dual=False``
    there is one decoder (LIIF-GAN-S, or plain LIIF).

    Decoding is exact either way; the fast path (``fast=True``, for
    ``MLPRefiner``-like decoders) runs the decoder's first layer once per
    latent as a convolution (:mod:`.fast_query`) instead of once per query
    and ensemble corner on the unfolded map, and :meth:`predict` decodes a
    whole output grid from its size (:mod:`.grid_query`).

    Args:
        in_channels (int): channels of the encoder features.
        decoder (dict): MLP config, ``in_dim`` is filled in. Default: LIIF's
            ``MLPRefiner`` 5 linear layers, 256 hidden, ReLU, RGB out.
        dual (bool): build decoder 2. Default: True.
        local_ensemble, feat_unfold, cell_decode (bool): LIIF's switches.
        eval_bsize (int, optional): queries per image per chunk in test mode
            (``forward(test_mode=True)`` and :meth:`predict`); bounds memory
            by the chunk, not the output size. None: one chunk. The fast
            path ran fastest with ~1k on a 2-core CPU, tens of thousands
            on a GPU (``tools/benchmark_decoding.py``).
        fast (bool): use the fast path when the decoder allows it (else the
            plain LIIF query, e.g. to cross-check). Default: True.
        tile (int, optional): :meth:`predict` decodes the LR feature map in
            tiles of ``tile x tile`` latents (fast path only; same results),
            bounding the projected maps' memory. None: untiled.
        alpha (float): fidelity knob in ``[0, 1]``, test time only: the
            output is ``D1 + alpha * D2`` (0: decoder 1 alone, the L1
            decoder; 1: the trained model's output). Training ignores it.
            Default: 1.
        precision (str): test-time decoding precision: ``'fp32'`` (exact,
            the default) or ``'bf16'``: the decoder layers after the first
            in bfloat16, coordinates, cells, first layer, ensemble weights
            and output in fp32 (:mod:`.precision`; about 2x faster on CPUs
            with ``avx512_bf16``, output within ~1e-2 of fp32 in [0, 1]
            pixel units, see ``docs/bf16.md``). Training ignores it (use
            ``BF16OptimWrapper`` there).
        precision_fallback (bool): where the device has no native bf16,
            decode in fp32 and say so in one line (True, default) or raise
            (False).
    """

    def __init__(self,
                 in_channels=64,
                 decoder=dict(
                     type='MLPRefiner',
                     out_dim=3,
                     hidden_list=[256, 256, 256, 256]),
                 dual=True,
                 local_ensemble=True,
                 feat_unfold=True,
                 cell_decode=True,
                 eval_bsize=None,
                 fast=True,
                 tile=None,
                 alpha=1.0,
                 precision='fp32',
                 precision_fallback=True,
                 init_cfg=None):
        super().__init__(init_cfg=init_cfg)
        self.in_channels = in_channels
        self.dual = dual
        self.local_ensemble = local_ensemble
        self.feat_unfold = feat_unfold
        self.cell_decode = cell_decode
        self.eval_bsize = eval_bsize
        self.tile = tile
        self.alpha = alpha
        self.precision = precision
        self.precision_fallback = precision_fallback
        decoder = copy.deepcopy(decoder)
        decoder['in_dim'] = in_channels * (9 if feat_unfold else 1) + 2 + (
            2 if cell_decode else 0)
        self.decoder1 = MODELS.build(decoder)
        self.decoder2 = MODELS.build(decoder) if dual else None
        self.fast = fast and supports_fast(self.decoder1)

    @property
    def alpha(self):
        """Test-time weight of decoder 2's residual, in ``[0, 1]``."""
        return self._alpha

    @alpha.setter
    def alpha(self, value):
        try:
            value = float(value)
        except (TypeError, ValueError):
            value = float('nan')
        if not 0 <= value <= 1:  # also refuses NaN
            raise ValueError(f'DualImplicitHead: alpha must be in [0, 1] '
                             f'(0: decoder 1 alone, 1: D1 + D2), got {value}')
        self._alpha = value

    @property
    def precision(self):
        """Test-time decoding precision, ``'fp32'`` or ``'bf16'``."""
        return self._precision

    @precision.setter
    def precision(self, value):
        self._precision = check_precision(value)

    def _low_dtype(self, device):
        """The dtype of the decoder tails at test time on ``device``
        (None: exact fp32), after the capability check."""
        if self.precision == 'fp32' or torch.is_grad_enabled():
            return None
        got = resolve_precision(self.precision, torch.device(device).type,
                                strict=not self.precision_fallback)
        return None if got == 'fp32' else DTYPES[got]

    def combine(self, d1, d2):
        """Test-time output ``D1 + alpha * D2`` (``D1`` when ``d2`` is None
        or alpha is 0); any matching shapes, e.g. ``[B, N, 3]``."""
        if d2 is None or self.alpha == 0:
            return d1
        return d1 + d2 if self.alpha == 1 else d1 + self.alpha * d2

    def _branches(self, feat1, feat2, test=False):
        """``[(feature, decoder)]`` of the active decoders (at test time
        decoder 2 is skipped when ``alpha`` is 0)."""
        out = [(feat1, self.decoder1)]
        if self.dual and not (test and self.alpha == 0):
            out.append((feat2, self.decoder2))
        return out

    def _weights(self, branches):
        """Factor per branch's output at test time: ``[1, alpha]``."""
        return [1.0, self.alpha][:len(branches)]

    def _split(self, decoder, low=None):
        """:func:`split_decoder`, its tail in ``low`` dtype if given."""
        split = split_decoder(decoder, self.in_channels, self.feat_unfold)
        if low is not None:
            split['tail'] = LowPrecisionTail(split['tail'], low)
        return split

    def _plain_decoder(self, decoder, low=None):
        """The decoder the plain query calls (wrapped for ``low``)."""
        if low is None:
            return decoder
        return LowPrecisionDecoder(decoder, low, supports_fast(decoder))

    def forward(self, feat1, feat2, coord, cell, test_mode=False):
        """Decode both branches at the query points.

        Args:
            feat1 (Tensor): ``[B, C, h, w]`` decoder-1 feature.
            feat2 (Tensor): ``[B, C, h, w]`` decoder-2 feature (ignored when
                ``dual=False``).
            coord (Tensor): ``[B, N, 2]`` query coordinates.
            cell (Tensor): ``[B, N, 2]`` query cells.
            test_mode (bool): chunk the queries by ``eval_bsize``.

        Returns:
            tuple[Tensor, Tensor | None]: ``[B, N, 3]`` decoder-1 output and
            decoder-2 residual (None when ``dual=False``).
        """
        n = coord.shape[1]
        step = n if not test_mode or not self.eval_bsize else self.eval_bsize
        low = self._low_dtype(coord.device) if test_mode else None
        outs = []
        for feat, decoder in self._branches(feat1, feat2):
            if self.fast:  # project once per image, not per chunk
                split = self._split(decoder, low)
                fn, src, arg = fast_query, project(feat, split), split
            else:  # unfold once per image, not per chunk
                fn, arg = query, self._plain_decoder(decoder, low)
                src = unfold_features(feat, self.feat_unfold)
            parts = [
                fn(src, coord[:, s:s + step], cell[:, s:s + step], arg,
                   self.local_ensemble, self.cell_decode)
                for s in range(0, n, step)
            ]
            outs.append(parts[0] if len(parts) == 1 else torch.cat(parts, 1))
        return outs[0], (outs[1] if self.dual else None)

    @torch.no_grad()
    def predict(self, feat1, feat2, size, rows=None):
        """Test-time output on the whole ``H x W`` grid, from its size.

        Same as ``forward`` at ``make_coord(size)`` with cell ``2 / size``,
        combined (``D1 + alpha * D2``, :meth:`combine`), without building
        those ``H*W`` query tensors;
        memory is bounded by ``eval_bsize`` (and ``tile``), not by ``H*W``
        (except for the output itself).

        Args:
            feat1, feat2 (Tensor): ``[B, C, h, w]`` features (see forward),
                or lazy features (:mod:`.tiled_encoder`, fast path only).
            size (tuple[int, int]): output ``(H, W)``.
            rows (range, optional): only these output rows (a strip).

        Returns:
            Tensor: ``[B, 3, H, W]`` (``[B, 3, len(rows), W]`` with rows).
        """
        size = tuple(int(s) for s in size)
        rows = range(size[0]) if rows is None else rows
        branches = self._branches(feat1, feat2, test=True)
        low = self._low_dtype(feat1.device)
        if self.fast:
            return predict_grid([f for f, _ in branches],
                                [self._split(d, low) for _, d in branches],
                                size, self.local_ensemble, self.cell_decode,
                                self.eval_bsize, self.tile, rows,
                                self._weights(branches))
        return self._predict_plain(branches, size, rows, low)

    def _predict_plain(self, branches, size, rows, low=None):
        """:meth:`predict` by the plain query, coordinates made per chunk."""
        b = branches[0][0].shape[0]
        unfolded = [(unfold_features(f, self.feat_unfold),
                     self._plain_decoder(d, low)) for f, d in branches]
        dev = unfolded[0][0].device
        out = unfolded[0][0].new_empty(b, 3, len(rows), size[1])
        for r0, r1, c0, c1 in blocks(rows, range(size[1]), self.eval_bsize):
            coord, cell = (t.expand(b, -1, -1) for t in grid_coords(
                size, range(r0, r1), range(c0, c1), dev))
            pred = sum(k * query(f, coord, cell, d, self.local_ensemble,
                                 self.cell_decode)
                       for k, (f, d) in zip(self._weights(unfolded),
                                            unfolded))
            out[:, :, r0 - rows.start:r1 - rows.start, c0:c1] = pred.view(
                b, r1 - r0, c1 - c0, 3).permute(0, 3, 1, 2)
        return out
