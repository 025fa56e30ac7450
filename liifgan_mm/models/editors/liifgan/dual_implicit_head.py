"""The dual implicit head of LIIF-GAN (Kang & Ahn, BMVC 2022, Sec. 3.3)."""
import copy

import torch
from mmengine.model import BaseModule

from mmagic.registry import MODELS
from .implicit_query import query, unfold_features


@MODELS.register_module()
class DualImplicitHead(BaseModule):
    """Two LIIF decoders over two encoder features; output = D1 + D2.

    Decoder 1 reads ``feat1`` (LIIF-GAN: a mid-layer feature) and is meant to
    be trained by L1 only; decoder 2 reads ``feat2`` (the last-layer feature)
    and predicts a residual added to decoder 1's output. With ``dual=False``
    there is one decoder (LIIF-GAN-S, or plain LIIF).

    Args:
        in_channels (int): channels of the encoder features.
        decoder (dict): MLP config, ``in_dim`` is filled in. Default: LIIF's
            ``MLPRefiner`` 5 linear layers, 256 hidden, ReLU, RGB out.
        dual (bool): build decoder 2. Default: True.
        local_ensemble, feat_unfold, cell_decode (bool): LIIF's switches.
        eval_bsize (int, optional): queries per chunk in test mode; bounds
            memory by the chunk, not the output size. None: one chunk.
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
                 init_cfg=None):
        super().__init__(init_cfg=init_cfg)
        self.dual = dual
        self.local_ensemble = local_ensemble
        self.feat_unfold = feat_unfold
        self.cell_decode = cell_decode
        self.eval_bsize = eval_bsize
        decoder = copy.deepcopy(decoder)
        decoder['in_dim'] = in_channels * (9 if feat_unfold else 1) + 2 + (
            2 if cell_decode else 0)
        self.decoder1 = MODELS.build(decoder)
        self.decoder2 = MODELS.build(decoder) if dual else None

    def _query(self, feat, coord, cell, decoder):
        return query(feat, coord, cell, decoder, self.local_ensemble,
                     self.cell_decode)

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
        f1 = unfold_features(feat1, self.feat_unfold)
        f2 = unfold_features(feat2, self.feat_unfold) if self.dual else None
        step = coord.shape[1] if not test_mode or not self.eval_bsize \
            else self.eval_bsize
        out1, out2 = [], []
        for s in range(0, coord.shape[1], step):
            c, q = coord[:, s:s + step], cell[:, s:s + step]
            out1.append(self._query(f1, c, q, self.decoder1))
            if self.dual:
                out2.append(self._query(f2, c, q, self.decoder2))
        out1 = torch.cat(out1, dim=1) if len(out1) > 1 else out1[0]
        if not self.dual:
            return out1, None
        return out1, torch.cat(out2, dim=1) if len(out2) > 1 else out2[0]
