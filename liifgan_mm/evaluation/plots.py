"""Figures next to the table: metric-vs-scale curves and the crop grid.

Drawn on bare :class:`matplotlib.figure.Figure` objects (no pyplot state,
no backend switch), written as PNG.
"""
import os.path as osp

import mmcv
import numpy as np
from matplotlib.figure import Figure

from liifgan_mm.utils.atomic_write import save_figure

from .continuous_protocol import scale_name
from .image_metrics import HIGHER_IS_BETTER


def plot_vs_scale(rows, scales, metric, path, reference=None, title=None):
    """One line per row (N/A scales left out); reference rows dashed, in
    the colour of our row of the same name.

    Args:
        rows (list[TableRow]): our rows.
        scales (Sequence[float]): x axis.
        metric (str): ``'PSNR'``, ``'SSIM'`` or ``'LPIPS'``.
        path (str): PNG to write.
        reference (list[TableRow], optional): e.g. the paper's rows.
    """
    fig = Figure(figsize=(6.4, 4.2), dpi=120)
    ax = fig.subplots()
    colours = {}
    for row in rows:
        pts = [(s, row.get(metric, s)) for s in scales
               if row.get(metric, s) is not None]
        if not pts:
            continue
        line, = ax.plot(*zip(*pts), marker='o', ms=3, label=row.method)
        colours[row.method] = line.get_color()
    for row in reference or []:
        if row.method not in colours:
            continue
        pts = [(s, row.get(metric, s)) for s in scales
               if row.get(metric, s) is not None]
        if pts:
            ax.plot(*zip(*pts), ls='--', lw=1, color=colours[row.method],
                    label=f'{row.method} [{row.source}]')
    arrow = 'higher' if HIGHER_IS_BETTER[metric] else 'lower'
    ax.set_xlabel('scale')
    ax.set_ylabel(f'{metric} ({arrow} is better)')
    ax.set_xticks(list(scales))
    ax.set_xticklabels([scale_name(s) for s in scales])
    ax.grid(alpha=.3)
    if title:
        ax.set_title(title)
    ax.legend(fontsize=7, ncol=2)
    fig.tight_layout()
    return save_figure(fig, path)  # complete or absent


def crop_grid(crop_rows, scales, path, tile=None):
    """Rows = methods, columns = scales, every cell the same region.

    Args:
        crop_rows (list[tuple[str, dict]]): ``(label, {scale: png})``; a
            missing scale is drawn as an N/A cell.
        scales (Sequence[float]): columns.
        path (str): PNG to write.
        tile (int, optional): display size of a cell; default: the largest
            crop, within [96, 256]. Smaller crops are enlarged by nearest
            neighbour (pixels stay visible), larger ones shrunk by area.
    """
    crops = {(i, s): mmcv.imread(png, channel_order='rgb')
             for i, (_, row) in enumerate(crop_rows)
             for s, png in row.items() if png and osp.exists(png)}
    if tile is None:
        side = max([c.shape[0] for c in crops.values()] or [128])
        tile = min(max(side, 96), 256)
    n_r, n_c = len(crop_rows), len(scales)
    fig = Figure(dpi=100, figsize=(1.2 + n_c * tile / 100,
                                   0.4 + n_r * tile / 100))
    axes = fig.subplots(n_r, n_c, squeeze=False)
    for i, (label, _) in enumerate(crop_rows):
        for j, s in enumerate(scales):
            ax = axes[i, j]
            ax.set_xticks([])
            ax.set_yticks([])
            img = crops.get((i, s))
            if img is not None:
                mode = 'nearest' if img.shape[0] <= tile else 'area'
                ax.imshow(mmcv.imresize(img, (tile, tile),
                                        interpolation=mode))
            else:
                ax.imshow(np.full((tile, tile, 3), 230, np.uint8))
                ax.text(tile / 2, tile / 2, 'N/A', ha='center', va='center')
            if i == 0:
                ax.set_title(scale_name(s), fontsize=9)
            if j == 0:
                ax.set_ylabel(label, fontsize=8)
    fig.tight_layout(pad=0.3)
    return save_figure(fig, path)  # complete or absent
