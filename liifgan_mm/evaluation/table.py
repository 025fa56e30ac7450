"""The comparison table as CSV, Markdown and LaTeX, marked as the paper's.

A table row (:class:`TableRow`) is one method with ``{metric: {scale:
value or None}}``. Marks, computed over *our* rows only, on the values as
printed (4 decimals):

- best of each column (max PSNR/SSIM, min LPIPS): bold;
- best of each column among GAN rows (the paper's red): ``†`` in Markdown,
  ``\\textcolor{red}`` in LaTeX.

Reference rows (``source='paper'``) follow our row of the same name,
labelled ``<name> [paper]``, unmarked. ``table.csv`` has exactly the
reference CSVs' columns (``method,metric,x2,...,x7``; empty = N/A).
"""
import csv
import io
from dataclasses import dataclass, field

from .continuous_protocol import scale_name
from .image_metrics import HIGHER_IS_BETTER, METRICS
from .row_spec import PAPER_GAN_ROWS

ARROW = {True: '↑', False: '↓'}


@dataclass
class TableRow:
    """One method's numbers: ``values[metric][scale]`` (None = N/A)."""
    method: str
    values: dict = field(default_factory=dict)
    is_gan: bool = False
    source: str = 'ours'

    def get(self, metric, scale):
        return self.values.get(metric, {}).get(float(scale))


def from_results(results):
    """:class:`TableRow` list from ``Benchmark.run`` results."""
    return [TableRow(r.name, {m: {float(s): v for s, v in r.values[m].items()}
                              for m in r.values}, r.is_gan) for r in results]


def fmt(value):
    return '' if value is None else f'{value:.4f}'


def read_csv(text, source='paper', gan_rows=PAPER_GAN_ROWS):
    """Rows and scales of a table in the reference CSV layout.

    Args:
        text (str): CSV text (``method,metric,x2,...``).
        source (str): label of these rows.
        gan_rows (Container[str]): methods that are GAN models.

    Returns:
        tuple[list[TableRow], list[float]]
    """
    reader = csv.DictReader(io.StringIO(text))
    scales = [float(c[1:]) for c in reader.fieldnames[2:]]
    rows = {}
    for rec in reader:
        row = rows.setdefault(rec['method'], TableRow(
            rec['method'], {}, rec['method'] in gan_rows, source))
        row.values[rec['metric']] = {
            s: (float(rec[scale_name(s)]) if rec[scale_name(s)] else None)
            for s in scales}
    return list(rows.values()), scales


def to_csv(rows, scales):
    """CSV text, the reference CSVs' layout, our rows only."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator='\n')
    writer.writerow(['method', 'metric'] + [scale_name(s) for s in scales])
    for row in rows:
        if row.source != 'ours':
            continue
        for m in METRICS:
            writer.writerow([row.method, m] +
                            [fmt(row.get(m, s)) for s in scales])
    return out.getvalue()


def best_marks(rows, scales):
    """``{(method, metric, scale): {'best', 'best_gan'}}`` over our rows."""
    marks = {}
    ours = [r for r in rows if r.source == 'ours']
    for m in METRICS:
        sign = 1 if HIGHER_IS_BETTER[m] else -1
        for s in scales:
            for tag, group in (('best', ours),
                               ('best_gan', [r for r in ours if r.is_gan])):
                vals = {r.method: round(r.get(m, s), 4) for r in group
                        if r.get(m, s) is not None}
                if not vals:
                    continue
                top = max(sign * v for v in vals.values())
                for method, v in vals.items():
                    if sign * v == top:
                        marks.setdefault((method, m, s), set()).add(tag)
    return marks


def _ordered(rows, reference):
    """Our rows, each followed by the reference row of the same name."""
    ref = {r.method: r for r in reference or []}
    for row in rows:
        yield row
        if row.method in ref:
            yield ref[row.method]


def _label(row):
    return row.method if row.source == 'ours' else \
        f'{row.method} [{row.source}]'


# a marked cell's style, applied in this order (bold = best, † or red =
# best GAN), on our rows only
_MD_MARKS = (('best', '**{}**'.format), ('best_gan', '{}†'.format))
_TEX_MARKS = (('best_gan', r'\textcolor{{red}}{{{}}}'.format),
              ('best', r'\textbf{{{}}}'.format))


def _cells(row, metric, scales, marks, styles):
    """``row``'s values of ``metric`` at ``scales`` as text (N/A where it
    has none), styled by the ``marks`` of :func:`best_marks`."""
    cells = []
    for s in scales:
        v = row.get(metric, s)
        text = 'N/A' if v is None else fmt(v)
        tags = marks.get((row.method, metric, s), ())
        if row.source == 'ours':
            for tag, style in styles:
                if tag in tags:
                    text = style(text)
        cells.append(text)
    return cells


def to_markdown(rows, scales, reference=None, title=None, note=None):
    """Markdown table: bold = best, † = best GAN (the paper's red)."""
    marks = best_marks(rows, scales)
    lines = [f'## {title}', ''] if title else []
    lines += ['| Method | Metric | ' + ' | '.join(
        scale_name(s) for s in scales) + ' |',
        '|:--|:--|' + '--:|' * len(scales)]
    for row in _ordered(rows, reference):
        for m in METRICS:
            cells = _cells(row, m, scales, marks, _MD_MARKS)
            lines.append(f'| {_label(row)} | {m}{ARROW[HIGHER_IS_BETTER[m]]}'
                         f' | ' + ' | '.join(cells) + ' |')
    foot = ['**Bold**: best of the column; †: best among GAN models (red '
            'in the paper). N/A: fixed-scale model below its scale.']
    if reference:
        foot.append('Rows marked [paper] are the paper\'s published numbers,'
                    ' copied for comparison, not computed here (never '
                    'marked).')
    foot += note.splitlines() if note else []
    for paragraph in foot:  # each its own Markdown paragraph
        lines += ['', paragraph]
    return '\n'.join(lines) + '\n'


def _tex(text):
    for a, b in (('\\', r'\textbackslash{}'), ('&', r'\&'), ('%', r'\%'),
                 ('_', r'\_'), ('#', r'\#'), ('$', r'\$')):
        text = text.replace(a, b)
    return text


def to_latex(rows, scales, reference=None, caption=None):
    """A booktabs ``table`` (needs ``booktabs`` and ``xcolor``)."""
    marks = best_marks(rows, scales)
    cols = ' & '.join(f'$\\times${s:g}' for s in scales)
    lines = [r'\begin{table}[t]', r'\centering', r'\small',
             r'\begin{tabular}{ll' + 'r' * len(scales) + '}', r'\toprule',
             f'Upscale & & {cols} \\\\', r'\midrule']
    for i, row in enumerate(_ordered(rows, reference)):
        if i and row.source == 'ours':
            lines.append(r'\midrule')
        for j, m in enumerate(METRICS):
            name = _tex(_label(row)) if j == 0 else ''
            if name and row.source != 'ours':
                name = f'\\textit{{{name}}}'
            cells = _cells(row, m, scales, marks, _TEX_MARKS)
            arrow = r'$\uparrow$' if HIGHER_IS_BETTER[m] else r'$\downarrow$'
            lines.append(f'{name} & {m}{arrow} & ' + ' & '.join(cells) +
                         r' \\')
    lines += [r'\bottomrule', r'\end{tabular}']
    if caption:
        lines.append(f'\\caption{{{_tex(caption)}}}')
    lines.append(r'\end{table}')
    return '\n'.join(lines) + '\n'
