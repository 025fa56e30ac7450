"""LIIF's implicit query: feature unfold, local ensemble, cell decoding.

Same coordinate conventions and numerics as mmagic's ``LIIFNet.query_rgb``
(coordinates are ``(y, x)`` pixel centres in ``[-1, 1]``, ``make_coord``
layout; cells are the query pixel's ``(h, w)`` in the same units), written as
free functions so one head can run several decoders over one unfolded
feature map and chunk the queries without re-unfolding per chunk.
"""
import torch
import torch.nn.functional as F
from mmagic.utils import make_coord


def unfold_features(feat, feat_unfold=True):
    """3x3 feature unfold of LIIF.

    Args:
        feat (Tensor): ``[B, C, h, w]`` encoder feature.
        feat_unfold (bool): concatenate each cell's 3x3 neighbourhood.

    Returns:
        Tensor: ``[B, 9C, h, w]`` (or ``feat`` itself when disabled).
    """
    if not feat_unfold:
        return feat
    b, c, h, w = feat.shape
    return F.unfold(feat, 3, padding=1).view(b, c * 9, h, w)


def sample_dtype(dtype):
    """The dtype latents are looked up in: the feature's when it is fp32 or
    fp64, else fp32 (bf16/fp16 coordinates cannot tell latents apart on
    large maps: under bf16 autocast the features are bf16, the
    coordinates must not be)."""
    return dtype if dtype in (torch.float32, torch.float64) else torch.float32


def ensemble_offsets(local_ensemble=True):
    """Corner shifts ``[(vx, vy)]`` (mmagic's names: ``vx`` moves coordinate 0,
    the row) of the 4 local-ensemble corners, or one, and the eps shift."""
    if local_ensemble:
        return [(vx, vy) for vx in (-1, 1) for vy in (-1, 1)], 1e-6
    return [(0, 0)], 0


def corner_shifts(h, w, local_ensemble=True):
    """``[(sy, sx)]`` shift of each ensemble corner on an ``h x w`` latent
    grid: mmagic's ``v * (1 / size) + eps`` (half a latent cell, plus eps),
    the scalars every query path adds before clamping."""
    offsets, eps = ensemble_offsets(local_ensemble)
    rx, ry = 1 / h, 1 / w  # half a latent cell in [-1, 1] units
    return [(vx * rx + eps, vy * ry + eps) for vx, vy in offsets]


def ensemble_weights(rel_y, rel_x, dim=-1):
    """Local-ensemble weights from the corners' relative coordinates.

    Args:
        rel_y, rel_x (Tensor): relative coordinates (in latent units), the
            ``K`` corners along ``dim``.
        dim (int): the corner dimension.

    Returns:
        Tensor: same shape: corner ``k`` weighted by the area of the
        diagonal corner ``K - 1 - k`` over the total (1 when ``K == 1``).
    """
    area = torch.abs(rel_y * rel_x) + 1e-9
    return area.flip(dim) / area.sum(dim, keepdim=True)


def query(feat, coord, cell, decoder, local_ensemble=True, cell_decode=True):
    """Decode RGB at real-valued coordinates from an (unfolded) feature map.

    Args:
        feat (Tensor): ``[B, C', h, w]`` feature, already unfolded.
        coord (Tensor): ``[B, N, 2]`` query ``(y, x)`` in ``[-1, 1]``.
        cell (Tensor): ``[B, N, 2]`` query cell ``(h, w)`` in the same units.
        decoder (nn.Module): MLP mapping ``[..., C' + 4]`` to ``[..., 3]``
            (``C' + 2`` without cell decoding).
        local_ensemble (bool): blend the 4 nearest latent codes by area.
        cell_decode (bool): append the cell to the decoder input.

    Returns:
        Tensor: ``[B, N, 3]`` decoded values.
    """
    h, w = feat.shape[-2:]
    feat_coord = make_coord((h, w), flatten=False).to(coord) \
        .permute(2, 0, 1).unsqueeze(0).expand(feat.shape[0], 2, h, w)
    preds, rel_ys, rel_xs = [], [], []
    sdt = sample_dtype(feat.dtype)
    feat = feat.to(sdt)
    for sy, sx in corner_shifts(h, w, local_ensemble):
        coord_ = coord.clone()
        coord_[:, :, 0] += sy
        coord_[:, :, 1] += sx
        coord_.clamp_(-1 + 1e-6, 1 - 1e-6)
        grid = coord_.flip(-1).unsqueeze(1).to(sdt)
        q_feat = F.grid_sample(
            feat, grid, mode='nearest',
            align_corners=False)[:, :, 0, :].permute(0, 2, 1)
        q_coord = F.grid_sample(
            feat_coord.to(grid.dtype), grid, mode='nearest',
            align_corners=False)[:, :, 0, :].permute(0, 2, 1)
        rel_coord = coord - q_coord
        rel_coord[:, :, 0] *= h
        rel_coord[:, :, 1] *= w
        inp = [q_feat, rel_coord]
        if cell_decode:
            rel_cell = cell.clone()
            rel_cell[:, :, 0] *= h
            rel_cell[:, :, 1] *= w
            inp.append(rel_cell)
        preds.append(decoder(torch.cat(inp, dim=-1)))
        rel_ys.append(rel_coord[:, :, 0])
        rel_xs.append(rel_coord[:, :, 1])
    # corners stacked on dim 0, summed over it: mmagic's ops and order
    wts = ensemble_weights(torch.stack(rel_ys), torch.stack(rel_xs), dim=0)
    out = 0
    for pred, wt in zip(preds, wts):
        out = out + pred * wt.unsqueeze(-1)
    return out
