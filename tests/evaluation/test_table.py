"""Table formats, marks and the paper's reference numbers."""
import os

import pytest

from liifgan_mm.evaluation import table as T
from liifgan_mm.evaluation.continuous_protocol import PAPER_SCALES
from liifgan_mm.evaluation.paper_reference import PAPER_CSV, paper_records
from tests.conftest import REPO

# the project's shared/ beside the checkout (as in CI), when present
SHARED = str(REPO.parent / 'shared' / 'reference')
REFERENCE_FILES = dict(div2k='paper_table1_div2k.csv',
                       celebahq='paper_celebahq.csv')


def _row(name, psnr, lpips, gan=False, scales=(2, 4.5)):
    vals = dict(PSNR=dict(zip(scales, psnr)), SSIM=dict(zip(scales, psnr)),
                LPIPS=dict(zip(scales, lpips)))
    return T.TableRow(name, {m: {float(s): v for s, v in d.items()}
                             for m, d in vals.items()}, gan)


@pytest.mark.parametrize('protocol', ['div2k', 'celebahq'])
def test_paper_tables(protocol):
    recs = paper_records(protocol)
    assert len(recs) == 24  # 8 methods x 3 metrics
    rows, scales = T.read_csv(PAPER_CSV[protocol])
    assert scales == [float(s) for s in PAPER_SCALES]
    assert [r.method for r in rows][-1] == 'LIIF-GAN'
    assert rows[1].get('PSNR', 2) is None  # EDSR(x4) at x2: N/A
    assert {r.method for r in rows if r.is_gan} == {
        'ESRGAN(x4)', 'Real-ESRGAN(x4)', 'LIIF-GAN-S', 'LIIF-GAN-SF',
        'LIIF-GAN'}
    path = os.path.join(SHARED, REFERENCE_FILES[protocol])
    if os.path.exists(path):  # the copy in the package is verbatim
        assert open(path).read().strip() == PAPER_CSV[protocol].strip()


def test_csv_layout_is_the_reference_layout():
    rows, scales = T.read_csv(PAPER_CSV['div2k'])
    ours = [T.TableRow(r.method, r.values, r.is_gan) for r in rows]
    text = T.to_csv(ours, scales)
    header = PAPER_CSV['div2k'].splitlines()[0]
    assert text.splitlines()[0] == header
    assert text.splitlines()[4] == 'EDSR(x4),PSNR,,,29.2875,26.2120,' \
        '25.5856,25.2278,24.9007,24.5659,24.2661'
    # paper rows (source='paper') never go to our CSV
    assert T.to_csv(rows, scales).strip() == header


def test_best_marks_ties_na_and_gan():
    rows = [_row('Bicubic', [30, 25], [0.3, 0.5]),
            _row('EDSR(x4)', [None, 26.00001], [None, 0.4]),
            _row('LIIF', [32, 26.00004], [0.2, 0.4]),
            _row('LIIF-GAN', [31, 24], [0.1, 0.3], gan=True),
            _row('ESRGAN(x4)', [None, 25], [None, 0.3], gan=True)]
    marks = T.best_marks(rows, [2.0, 4.5])
    assert marks[('LIIF', 'PSNR', 2.0)] == {'best'}
    assert marks[('LIIF-GAN', 'PSNR', 2.0)] == {'best_gan'}
    # equal at 4 decimals: both bold
    assert 'best' in marks[('EDSR(x4)', 'PSNR', 4.5)]
    assert 'best' in marks[('LIIF', 'PSNR', 4.5)]
    assert marks[('LIIF-GAN', 'LPIPS', 2.0)] == {'best', 'best_gan'}
    assert marks[('ESRGAN(x4)', 'LPIPS', 4.5)] == {'best', 'best_gan'}
    assert ('ESRGAN(x4)', 'PSNR', 2.0) not in marks


def test_markdown_and_latex():
    rows = [_row('LIIF', [32, 26], [0.2, 0.4]),
            _row('LIIF-GAN', [31, 24], [0.1, 0.3], gan=True)]
    ref, _ = T.read_csv(PAPER_CSV['div2k'])
    md = T.to_markdown(rows, [2.0, 4.5], ref, title='DIV2K')
    lines = md.splitlines()
    assert lines[2] == '| Method | Metric | x2 | x4.5 |'
    assert '| LIIF | PSNR↑ | **32.0000** | **26.0000** |' in lines
    assert '| LIIF-GAN | LPIPS↓ | **0.1000**† | **0.3000**† |' in lines
    assert '| LIIF [paper] | PSNR↑ | 34.6661 | 28.3275 |' in lines
    assert lines.index('| LIIF [paper] | PSNR↑ | 34.6661 | 28.3275 |') \
        < lines.index('| LIIF-GAN | PSNR↑ | 31.0000† | 24.0000† |')
    assert 'Bicubic [paper]' not in md  # only rows we evaluated
    tex = T.to_latex(rows, [2.0, 4.5], ref, caption='DIV2K_valid')
    assert r'\textbf{\textcolor{red}{0.1000}}' in tex
    assert r'\textit{LIIF [paper]} & PSNR$\uparrow$ & 34.6661' in tex
    assert r'\caption{DIV2K\_valid}' in tex
    assert tex.count(r'\\') == 12 + 1  # 4 rows x 3 metrics + header
