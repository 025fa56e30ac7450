"""Write the benchmark's files: table.{csv,md,tex} and the PNG figures,
each through a temporary file and a rename (complete or absent)."""
import os
import os.path as osp

from liifgan_mm.utils.atomic_write import write_atomic
from . import table as T
from .paper_reference import PAPER_CSV, PAPER_SOURCE
from .plots import crop_grid, plot_vs_scale

CURVES = ('PSNR', 'LPIPS')


def load_reference(ref, protocol):
    """Reference rows: ``'paper'`` (the paper's table for ``protocol``) or
    the path of a CSV in the same layout (labelled by its file name).

    Returns:
        tuple[list[TableRow], str]: rows and where they come from.
    """
    if ref == 'paper':
        rows, _ = T.read_csv(PAPER_CSV[protocol], source='paper')
        return rows, PAPER_SOURCE[protocol]
    with open(ref) as f:
        label = osp.splitext(osp.basename(ref))[0]
        rows, _ = T.read_csv(f.read(), source=label)
    return rows, ref


def write_report(results, out_dir, scales, reference=None, latex=False,
                 gt_crops=None, title=None, note=None):
    """Write everything next to each other in ``out_dir``.

    Args:
        results (list[RowResult]): ``Benchmark.run`` output.
        out_dir (str): destination folder.
        scales (Sequence[float]): table columns.
        reference (tuple[list[TableRow], str], optional): from
            :func:`load_reference`.
        latex (bool): also write ``table.tex``.
        gt_crops (dict, optional): ``{scale: png}``, the grid's GT row.
        title (str, optional): heading of ``table.md``.
        note (str, optional): extra line under the table (protocol...).

    Returns:
        dict[str, str]: written paths by kind (``csv``, ``md``, ``tex``,
        ``psnr_png``, ``lpips_png``, ``crops_png``).
    """
    os.makedirs(out_dir, exist_ok=True)
    rows = T.from_results(results)
    ref_rows, ref_source = reference or (None, None)
    if ref_source:
        note = '\n'.join(filter(None, [note, f'Reference: {ref_source}.']))
    paths = dict(csv=osp.join(out_dir, 'table.csv'),
                 md=osp.join(out_dir, 'table.md'))
    # each file complete or absent (rewritten on every run, by design)
    write_atomic(paths['csv'], T.to_csv(rows, scales))
    write_atomic(paths['md'],
                 T.to_markdown(rows, scales, ref_rows, title, note))
    if latex:
        paths['tex'] = osp.join(out_dir, 'table.tex')
        write_atomic(paths['tex'],
                     T.to_latex(rows, scales, ref_rows, caption=title))
    for metric in CURVES:
        paths[f'{metric.lower()}_png'] = plot_vs_scale(
            rows, scales, metric,
            osp.join(out_dir, f'{metric.lower()}_vs_scale.png'), ref_rows,
            title=title)
    crop_rows = [(r.name, r.crops) for r in results]
    if gt_crops:
        crop_rows.append(('GT', gt_crops))
    paths['crops_png'] = crop_grid(crop_rows, scales,
                                   osp.join(out_dir, 'crops.png'))
    return paths
