"""Metric-vs-scale curves and the crop grid."""
import cv2
import numpy as np

from liifgan_mm.evaluation.plots import crop_grid, plot_vs_scale
from liifgan_mm.evaluation.table import TableRow


def test_plot_vs_scale(tmp_path):
    rows = [TableRow('LIIF', dict(PSNR={2.0: 30., 4.5: 26.})),
            TableRow('EDSR(x4)', dict(PSNR={2.0: None, 4.5: 25.}))]
    ref = [TableRow('LIIF', dict(PSNR={2.0: 34., 4.5: 28.}), source='paper'),
           TableRow('Other', dict(PSNR={2.0: 1., 4.5: 1.}), source='paper')]
    path = plot_vs_scale(rows, [2.0, 4.5], 'PSNR', str(tmp_path / 'p.png'),
                         ref, title='t')
    assert cv2.imread(path).shape == (504, 768, 3)  # 6.4 x 4.2 in @ 120 dpi


def test_crop_grid_cells(tmp_path, rng):
    pngs = {}
    for s, side in ((2.0, 40), (4.5, 300)):  # small: enlarged, big: shrunk
        pngs[s] = str(tmp_path / f'{s}.png')
        cv2.imwrite(pngs[s], rng.integers(0, 255, (side, side, 3),
                                          dtype=np.uint8))
    path = crop_grid([('A', pngs), ('B', {4.5: pngs[4.5]})], [2.0, 4.5],
                     str(tmp_path / 'grid.png'))
    # 2 x 2 cells of 256 px (largest crop 300, capped) + margins, 100 dpi
    assert cv2.imread(path).shape[:2] == (40 + 2 * 256, 120 + 2 * 256)
