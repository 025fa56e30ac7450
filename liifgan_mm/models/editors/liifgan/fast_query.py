"""Exact fast LIIF query: the decoder's first layer moved onto the LR grid.

LIIF decodes ``[q_feat (9C), rel_coord (2), rel_cell (2)]`` with an MLP whose
first layer is ``W1 = [W_feat | W_rel]``. ``q_feat`` is the 3x3 unfold of
the feature map at the query's nearest latent, and ``F.unfold`` orders its
channels ``c * 9 + 3 * ky + kx``, so ``W_feat . unfold(feat)`` is exactly a
3x3 convolution of ``feat`` with ``W_feat.view(O, C, 3, 3)`` (1x1 without
unfold). :func:`project` runs it (bias ``b1`` folded in) once per image; a
query then gathers one row of that ``[B, h, w, O]`` map per ensemble corner,
adds ``W_rel . [rel_coord, rel_cell]`` and runs the remaining layers. The
9C-wide product and the unfolded map leave the per-query path.

Nearest latents are found by ``grid_sample(mode='nearest')`` of a 2-channel
map holding each latent's (row, col), at the same shifted, clamped
coordinates as :func:`~.implicit_query.query`, so they are the plain path's
by construction on any device (a float map: exact for h, w < 2**24 in fp32).
"""
import torch
import torch.nn as nn
import torch.nn.functional as F
from mmagic.utils import make_coord

from .implicit_query import corner_shifts, ensemble_weights, sample_dtype
from .precision import LowPrecisionTail


def supports_fast(decoder):
    """Whether ``decoder`` is an MLP :func:`split_decoder` understands: a
    ``layers`` ``nn.Sequential`` of ``Linear`` and ``ReLU`` (``MLPRefiner``),
    starting and ending with a ``Linear``."""
    layers = getattr(decoder, 'layers', None)
    if not isinstance(layers, nn.Sequential) or len(layers) == 0:
        return False
    if not (isinstance(layers[0], nn.Linear)
            and isinstance(layers[-1], nn.Linear)):
        return False
    return all(isinstance(m, (nn.Linear, nn.ReLU)) for m in layers)


def split_decoder(decoder, feat_channels, feat_unfold=True):
    """Views of an ``MLPRefiner``'s weights for the fast path.

    Args:
        decoder (nn.Module): see :func:`supports_fast`; its first layer's
            input is ``[q_feat (C'), rel_coord (2), rel_cell (2 or 0)]``.
        feat_channels (int): ``C``, channels of the feature map.
        feat_unfold (bool): ``C' = 9C`` (3x3 kernel) or ``C' = C`` (1x1).

    Returns:
        dict: ``conv_weight`` ``[O, C, k, k]``, ``rel_weight`` ``[O, 2|4]``,
        ``bias`` ``[O]`` (first layer), ``tail`` (the remaining modules).
        Built from the parameters by differentiable ops, so gradients reach
        the decoder.
    """
    first = decoder.layers[0]
    k = 3 if feat_unfold else 1
    cin = feat_channels * k * k
    w = first.weight
    return dict(
        conv_weight=w[:, :cin].reshape(w.shape[0], feat_channels, k, k),
        rel_weight=w[:, cin:],
        bias=first.bias,
        tail=list(decoder.layers[1:]))


def project(feat, split, bias=None):
    """First layer's feature part on every latent: a conv of ``feat``.

    Args:
        feat (Tensor): ``[B, C, h, w]`` feature (zero padded, as the unfold).
        split (dict): from :func:`split_decoder`.
        bias (Tensor, optional): ``[O]`` bias to fold in, default ``b1``.

    Returns:
        Tensor: ``[B, h, w, O]`` channels-last contiguous.
    """
    wt = split['conv_weight']
    bias = split['bias'] if bias is None else bias
    # LIIF's first layer is a matmul: give the conv the matmul's fp32
    # precision (cuDNN allows TF32 convs by default, cuBLAS matmuls not)
    cudnn, tf32 = torch.backends.cudnn, torch.backends.cudnn.allow_tf32
    cudnn.allow_tf32 = torch.backends.cuda.matmul.allow_tf32
    try:
        out = F.conv2d(feat, wt.to(feat.dtype), bias.to(feat.dtype),
                       padding=wt.shape[-1] // 2)
    finally:
        cudnn.allow_tf32 = tf32
    return out.permute(0, 2, 3, 1).contiguous()


class Workspace:
    """Scratch matrices reused across chunks (inference only).

    Fresh multi-MB tensors per chunk cost page faults and cold caches; a
    chunk's activations written into the same buffers stay warm.
    """

    def __init__(self):
        self.bufs = {}

    def get(self, key, rows, cols, like):
        """``[rows, cols]`` view of buffer ``(key, cols)`` (grown on
        demand)."""
        buf = self.bufs.get((key, cols))
        if buf is None or buf.shape[0] < rows:
            buf = like.new_empty(rows, cols)
            self.bufs[(key, cols)] = buf
        return buf[:rows]


def run_tail(x, tail, work=None):
    """The decoder's layers after the first one, ReLU first.

    Args:
        x (Tensor): ``[M, O]`` first-layer pre-activation, a fresh tensor:
            ReLUs run in place (autograd allows it: no linear layer saves
            its output for backward).
        tail (list[nn.Module] | LowPrecisionTail): ``[ReLU, Linear, ReLU,
            ..., Linear]``, or those layers in bf16 (inference only; the
            result is cast back to ``x``'s dtype).
        work (Workspace, optional): write the layers into its buffers
            (autograd must be off); default: new tensors.

    Returns:
        Tensor: ``[M, out_dim]``.
    """
    if isinstance(tail, LowPrecisionTail):
        return tail(x, work)
    n_linear = 0
    for m in tail:
        if isinstance(m, nn.ReLU):
            x = F.relu(x, inplace=True)
        elif work is None:
            x = F.linear(x, m.weight, m.bias)
        else:  # alternate two buffers: out never aliases x
            n_linear += 1
            out = work.get(n_linear % 2, x.shape[0], m.weight.shape[0], x)
            x = torch.addmm(m.bias, x, m.weight.t(), out=out)
    return x


def tail_out_features(tail):
    """Output width of a tail (a layer list or a LowPrecisionTail)."""
    if isinstance(tail, LowPrecisionTail):
        return tail.out_features
    return tail[-1].out_features


def latent_tables(h, w, like):
    """Latent centres: ``[h]`` row and ``[w]`` column coordinates, the
    values ``grid_sample`` of mmagic's ``make_coord`` map returns."""
    grid = make_coord((h, w), flatten=False).to(like)
    return grid[:, 0, 0], grid[0, :, 1]


def nearest_latent(pts, h, w, dtype):
    """Nearest latent of each point, as ``grid_sample(mode='nearest',
    align_corners=False)`` picks it.

    Args:
        pts (Tensor): ``[..., 2]`` shifted, clamped ``(y, x)`` points.
        h, w (int): latent grid size.
        dtype (torch.dtype): the feature's dtype (the plain path samples in
            it; fp32 for bf16/fp16 features, :func:`sample_dtype`).

    Returns:
        tuple[Tensor, Tensor]: ``[...]`` row and column indices (long).
    """
    dtype = sample_dtype(dtype)
    rows = torch.arange(h, device=pts.device, dtype=dtype)
    cols = torch.arange(w, device=pts.device, dtype=dtype)
    index_map = torch.stack(torch.broadcast_tensors(
        rows[:, None], cols[None, :])).unsqueeze(0)  # [1, 2, h, w]
    grid = pts.reshape(1, 1, -1, 2).flip(-1).to(dtype)
    idx = F.grid_sample(index_map, grid, mode='nearest',
                        align_corners=False)[0, :, 0].long()
    return idx[0].view(pts.shape[:-1]), idx[1].view(pts.shape[:-1])


def corner_points(coord, h, w, local_ensemble=True):
    """Shifted, clamped points of each ensemble corner (plain path's ops).

    Args:
        coord (Tensor): ``[..., 2]`` query ``(y, x)``.

    Returns:
        Tensor: ``[K, ..., 2]``, ``K`` = 4 corners (or 1).
    """
    out = []
    for sy, sx in corner_shifts(h, w, local_ensemble):
        c = coord.clone()
        c[..., 0] += sy
        c[..., 1] += sx
        out.append(c.clamp_(-1 + 1e-6, 1 - 1e-6))
    return torch.stack(out)


def fast_query(proj, coord, cell, split, local_ensemble=True,
               cell_decode=True):
    """Same result as :func:`~.implicit_query.query` from a projected map.

    Differentiable (training may use it). Memory: ``K * N`` rows of width
    ``O`` per layer, chunk ``coord`` to bound it.

    Args:
        proj (Tensor): ``[B, h, w, O]`` from :func:`project`.
        coord (Tensor): ``[B, N, 2]`` query ``(y, x)`` in ``[-1, 1]``.
        cell (Tensor): ``[B, N, 2]`` query cell ``(h, w)``.
        split (dict): from :func:`split_decoder` (same decoder as ``proj``).
        local_ensemble, cell_decode (bool): LIIF's switches.

    Returns:
        Tensor: ``[B, N, 3]`` (the decoder's output width).
    """
    b, h, w, o = proj.shape
    n = coord.shape[1]
    pts = corner_points(coord, h, w, local_ensemble)  # [K, B, N, 2]
    iy, ix = nearest_latent(pts, h, w, proj.dtype)
    lat_y, lat_x = latent_tables(h, w, coord)
    # [B, N, K] relative coordinates (plain path: (coord - q_coord) * size)
    rel_y = ((coord[..., 0] - lat_y[iy]) * h).permute(1, 2, 0)
    rel_x = ((coord[..., 1] - lat_x[ix]) * w).permute(1, 2, 0)
    rel = [rel_y, rel_x]
    if cell_decode:
        rel += [(cell[..., 0] * h)[..., None].expand_as(rel_y),
                (cell[..., 1] * w)[..., None].expand_as(rel_y)]
    rel = torch.stack(rel, dim=-1).reshape(-1, len(rel))
    base = torch.arange(b, device=coord.device).view(1, b, 1) * (h * w)
    idx = (base + iy * w + ix).permute(1, 2, 0).reshape(-1)  # [B*N*K]
    x = proj.reshape(-1, o).index_select(0, idx)
    x = torch.addmm(x, rel.to(x.dtype), split['rel_weight'].t().to(x.dtype))
    pred = run_tail(x, split['tail']).view(b, n, pts.shape[0], -1)
    wts = ensemble_weights(rel_y, rel_x)  # fp32, as the blend (autocast)
    dt = torch.promote_types(pred.dtype, wts.dtype)
    return (pred.to(dt) * wts.unsqueeze(-1).to(dt)).sum(dim=2)
