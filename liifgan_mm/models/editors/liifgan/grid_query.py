"""Test-time decoding of a whole output grid, straight from its size.

The queries of an ``H x W`` output are ``make_coord((H, W))``'s pixel
centres with cell ``(2/H, 2/W)``. That grid is separable: a query's row only
decides its latent row and ``rel_coord[0]``, its column the latent column and
``rel_coord[1]``. So nothing of size ``H*W`` is built: per axis we keep the
``K``-corner latent indices and relative coordinates (``[K, H]``, ``[K, W]``)
and decode blocks of output rows x columns of at most ``chunk`` queries per
image, writing each into the preallocated ``[B, 3, H, W]`` output.

With ``tile``, the LR latent grid is cut into tiles of ``tile x tile``
latents; each tile's projected map (:func:`~.fast_query.project`) is built
from the feature map with the 1-latent halo the 3x3 unfold needs, and only
the output pixels whose first ensemble corner lies in the tile are decoded
from it (their other corners may reach one latent further, which the tile's
map includes). Results equal untiled decoding. Besides the features and
the output, memory (projected maps, activations) is bounded by the tile and
the chunk, independent of the input and output size.
"""
import torch
from mmagic.utils import make_coord

from .fast_query import Workspace, latent_tables, nearest_latent, project, \
    run_tail, tail_out_features
from .implicit_query import corner_shifts, ensemble_weights


def output_cell(size, like):
    """``[2]`` query cell ``(2/H, 2/W)``, as the pipelines make it."""
    return torch.tensor([2 / size[0], 2 / size[1]]).to(like)


def grid_coords(size, rows=None, cols=None, device=None):
    """Queries of output pixels ``rows x cols`` of the ``H x W`` grid.

    Args:
        size (tuple[int, int]): output ``(H, W)``.
        rows, cols (range, optional): a block of the grid; default: all.
        device (torch.device, optional): where to put them (CPU default).

    Returns:
        tuple[Tensor, Tensor]: ``[n, 2]`` coordinates, row-major (the
        values of ``make_coord(size)``'s rows), and their cells
        (:func:`output_cell`, expanded).
    """
    rows = range(size[0]) if rows is None else rows
    cols = range(size[1]) if cols is None else cols
    ys = make_coord((size[0], ))[rows.start:rows.stop, 0].to(device)
    xs = make_coord((size[1], ))[cols.start:cols.stop, 0].to(device)
    coord = torch.stack(torch.meshgrid(ys, xs, indexing='ij'), -1)
    coord = coord.view(-1, 2)
    return coord, output_cell(size, coord).expand_as(coord)


def blocks(rows, cols, chunk):
    """``(r0, r1, c0, c1)`` blocks tiling ``rows x cols`` (``range``s) with
    at most ``chunk`` cells each: whole rows, or row pieces when a row is
    longer than ``chunk``."""
    width = len(cols) if not chunk else min(len(cols), chunk)
    step = len(rows) if not chunk else max(1, chunk // width)
    for r in range(rows.start, rows.stop, step):
        for c in range(cols.start, cols.stop, width):
            yield r, min(r + step, rows.stop), c, min(c + width, cols.stop)


def axis_queries(n_out, n_lat, shifts, dim, dtype, device):
    """Per-corner nearest latent and relative coordinate along one axis.

    Args:
        n_out (int): output pixels along the axis (``H`` or ``W``).
        n_lat (int): latents along the axis (``h`` or ``w``).
        shifts (list[float]): the corners' shifts along the axis (from
            :func:`~.implicit_query.corner_shifts`).
        dim (int): 0 for rows (y), 1 for columns (x).
        dtype (torch.dtype): the feature's dtype.

    Returns:
        tuple[Tensor, Tensor]: ``[K, n_out]`` latent index (long) and
        relative coordinate in latent units.
    """
    seq = make_coord((n_out, ))[:, 0].to(device)  # same values as 2-D
    pts = seq.new_zeros(len(shifts), n_out, 2)
    for k, s in enumerate(shifts):
        pts[k, :, dim] = (seq + s).clamp_(-1 + 1e-6, 1 - 1e-6)
    size = (n_lat, 1) if dim == 0 else (1, n_lat)
    idx = nearest_latent(pts, *size, dtype)[dim]
    lat = latent_tables(*size, seq)[dim]
    return idx, (seq - lat[idx]) * n_lat


def bands(idx, n_lat, tile):
    """Output ranges and the latent span each one reads.

    Args:
        idx (Tensor): ``[K, n_out]`` latent indices along one axis
            (non-decreasing along ``n_out``; corner 0 is the lowest).
        n_lat (int): latents along the axis.
        tile (int, optional): latents per tile; None: one band.
            ``n_out`` may be a strip of the output (then only the latents
            it reads are spanned).

    Returns:
        list[tuple[range, int, int]]: output range, first and last latent
        it reads (inclusive).
    """
    n_out = idx.shape[1]
    if n_out == 0:
        return []
    if not tile or tile >= n_lat:  # (all latents for a whole grid)
        return [(range(n_out), int(idx.min()), int(idx.max()))]
    starts = torch.arange(0, n_lat, tile, device=idx.device)
    edges = torch.searchsorted(idx[0].contiguous(), starts).tolist()
    edges.append(n_out)
    out = []
    for s, e in zip(edges[:-1], edges[1:]):
        if e > s:
            span = idx[:, s:e]
            out.append((range(s, e), int(span.min()), int(span.max())))
    return out


def _gather_decode(proj, iy, ix, ay, bx, tail, wts, work):
    """One decoder on one block of ``R x Cn`` output pixels of every image.

    Args:
        proj (Tensor): ``[B, th, tw, O]`` tile's projected map (bias and the
            cell term folded in).
        iy (Tensor): ``[R, Ky]`` tile-relative latent rows; ix: ``[Cn, Kx]``.
        ay (Tensor): ``[R, Ky, O]`` row part ``W_y * rel_y``; bx: ``[Cn, Kx,
            O]`` column part.
        tail (list): decoder layers after the first.
        wts (Tensor): ``[R, Cn, Ky*Kx]`` ensemble weights.
        work (Workspace): scratch buffers.

    Returns:
        Tensor: ``[B, R, Cn, 3]``.
    """
    b, th, tw, o = proj.shape
    r, ky = iy.shape
    cn, kx = ix.shape
    idx = iy[:, None, :, None] * tw + ix[None, :, None, :]
    base = torch.arange(b, device=idx.device).view(b, 1, 1, 1, 1) * (th * tw)
    x = work.get('x', b * r * cn * ky * kx, o, proj)
    torch.index_select(proj.view(-1, o), 0, (base + idx).reshape(-1), out=x)
    x6 = x.view(b, r, cn, ky, kx, o)
    x6 += ay.view(1, r, 1, ky, 1, o)
    x6 += bx.view(1, 1, cn, 1, kx, o)
    pred = run_tail(x, tail, work).view(b, r, cn, ky * kx, -1)
    return (pred * wts.unsqueeze(-1)).sum(dim=3)


def _decode_block(projs, terms, tails, iy, ix, rel_y, rel_x, work,
                  weights=None):
    """All decoders, summed, on one block; ``[B, 3, R, Cn]``.

    ``projs``: tile maps; ``terms``: ``(W_y, W_x)`` ``[O]`` per decoder;
    ``iy``/``rel_y``: ``[R, Ky]``; ``ix``/``rel_x``: ``[Cn, Kx]``;
    ``weights``: a factor per decoder (None or 1: added as is).
    """
    dt = projs[0].dtype
    shape = (iy.shape[0], ix.shape[0], iy.shape[1], ix.shape[1])
    wts = ensemble_weights(rel_y[:, None, :, None].expand(shape).flatten(2),
                           rel_x[None, :, None, :].expand(shape).flatten(2))
    rel_y, rel_x, wts = rel_y.to(dt), rel_x.to(dt), wts.to(dt)
    weights = weights or [None] * len(projs)
    acc = 0
    for proj, (wy, wx), tail, k in zip(projs, terms, tails, weights):
        part = _gather_decode(proj, iy, ix, rel_y[..., None] * wy,
                              rel_x[..., None] * wx, tail, wts, work)
        acc = acc + (part if k is None or k == 1 else part * k)
    return acc.permute(0, 3, 1, 2)


def _first_layer_terms(split, size, h, w, cell_decode, dtype):
    """Bias with the (constant) cell term folded in, and ``W_y``, ``W_x``
    (``[O]`` each) of the first layer's relative-coordinate columns."""
    bias, rel_w = split['bias'], split['rel_weight']
    if cell_decode:  # the plain path's rel_cell = cell * (h, w)
        cell = output_cell(size, bias)
        bias = bias + rel_w[:, 2:] @ torch.stack([cell[0] * h, cell[1] * w])
    return bias, (rel_w[:, 0].to(dtype), rel_w[:, 1].to(dtype))


@torch.no_grad()
def predict_grid(feats, splits, size, local_ensemble=True, cell_decode=True,
                 chunk=None, tile=None, rows=None, weights=None):
    """Sum of the decoders' outputs on the full ``H x W`` output grid.

    Same numbers as :func:`~.implicit_query.query` at ``make_coord(size)``
    with cell ``2/size`` (summed over decoders), up to float rounding.

    Args:
        feats (list[Tensor]): ``[B, C, h, w]`` feature per decoder, or
            objects that behave like one for ``shape``/``device``/
            ``dtype`` and ``f[:, :, ys, xs]`` slicing (e.g. the tiled
            encoder's lazy features, :mod:`.tiled_encoder`).
        splits (list[dict]): :func:`~.fast_query.split_decoder` per decoder.
        size (tuple[int, int]): output ``(H, W)``.
        local_ensemble, cell_decode (bool): LIIF's switches.
        chunk (int, optional): queries per image per block; None: one block
            per tile.
        tile (int, optional): latents per LR tile side; None: untiled.
        rows (range, optional): decode only these output rows (a strip of
            the ``H x W`` grid, e.g. to stream a huge output). Default: all.
        weights (list[float], optional): factor per decoder's output
            (``[1, alpha]``: ``D1 + alpha * D2``). Default: all 1.

    Returns:
        Tensor: ``[B, 3, H, W]`` (``[B, 3, len(rows), W]`` with ``rows``).
    """
    (b, _, h, w), dev, dt = feats[0].shape, feats[0].device, feats[0].dtype
    shifts = corner_shifts(h, w, local_ensemble)
    sy = sorted({s for s, _ in shifts})
    sx = sorted({s for _, s in shifts})
    iy, rel_y = axis_queries(size[0], h, sy, 0, dt, dev)  # [Ky, H]
    ix, rel_x = axis_queries(size[1], w, sx, 1, dt, dev)  # [Kx, W]
    if rows is not None:
        iy, rel_y = iy[:, rows.start:rows.stop], rel_y[:, rows.start:rows.stop]
    biases, terms = zip(*[
        _first_layer_terms(s, size, h, w, cell_decode, dt) for s in splits])
    tails = [s['tail'] for s in splits]
    halo = splits[0]['conv_weight'].shape[-1] // 2
    out_dim = tail_out_features(tails[0])
    out = torch.empty(b, out_dim, iy.shape[1], size[1], device=dev, dtype=dt)
    work = Workspace()
    for band_r, lo, hi in bands(iy, h, tile):
        for band_c, clo, chi in bands(ix, w, tile):
            y0, x0 = max(lo - halo, 0), max(clo - halo, 0)
            projs = [  # the tile's latents plus the 3x3 conv's halo
                project(f[:, :, y0:hi + halo + 1, x0:chi + halo + 1], s, bias)
                for f, s, bias in zip(feats, splits, biases)
            ]
            for r0, r1, c0, c1 in blocks(band_r, band_c, chunk):
                out[:, :, r0:r1, c0:c1] = _decode_block(
                    projs, terms, tails, iy[:, r0:r1].t() - y0,
                    ix[:, c0:c1].t() - x0, rel_y[:, r0:r1].t(),
                    rel_x[:, c0:c1].t(), work, weights)
    return out
