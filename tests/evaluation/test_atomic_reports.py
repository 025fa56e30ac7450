"""The table tool's report files and alpha_sweep's CSVs and figures are
written through ``liifgan_mm.utils.atomic_write``: a write that fails half
way leaves the previous file (or none) under the final name, never a
partial one, and no temporary file."""
import os

import pytest
from matplotlib.figure import Figure

from liifgan_mm.evaluation.benchmark import RowResult
from liifgan_mm.evaluation.report import write_report
from tests.tools.test_benchmark_table import load_tool

SCALES = [2.0, 4.0]


def _results():
    return [RowResult('Bicubic', False, 'bicubic', values=dict(
        PSNR={2.0: 30.0, 4.0: 25.0}, SSIM={2.0: .9, 4.0: .7},
        LPIPS={2.0: .1, 4.0: .3}))]


def _listing(folder):
    return {p.name: p.read_bytes() for p in folder.iterdir()}


@pytest.mark.parametrize('victim', ['table.csv', 'table.md',
                                    'psnr_vs_scale.png', 'crops.png'])
def test_report_write_failing_half_way_keeps_the_old_files(
        tmp_path, monkeypatch, victim):
    out = tmp_path / 'out'
    paths = write_report(_results(), str(out), SCALES)
    before = _listing(out)
    assert set(before) >= {'table.csv', 'table.md', 'psnr_vs_scale.png',
                           'lpips_vs_scale.png', 'crops.png'}
    real_fsync = os.fsync

    def fsync(fd):  # the victim's bytes are written, then the disk is full
        if os.readlink(f'/proc/self/fd/{fd}').split('/')[-1].startswith(
                f'.{victim}.'):
            raise OSError(28, 'No space left on device')
        return real_fsync(fd)

    monkeypatch.setattr(os, 'fsync', fsync)
    results = _results()
    results[0].values['PSNR'][2.0] = 31.0  # every file changes
    with pytest.raises(OSError, match='No space left'):
        write_report(results, str(out), SCALES)
    after = _listing(out)
    assert after[victim] == before[victim]  # whole, the previous run's
    assert not [n for n in after if n.endswith('.tmp')]
    assert paths[{'table.csv': 'csv', 'table.md': 'md',
                  'psnr_vs_scale.png': 'psnr_png',
                  'crops.png': 'crops_png'}[victim]].endswith(victim)


def test_alpha_sweep_files_complete_or_absent(tmp_path, monkeypatch):
    tool = load_tool('alpha_sweep')
    per = {0.0: [dict(image='a.png', PSNR=30.0, SSIM=.9, LPIPS=.2)],
           1.0: [dict(image='a.png', PSNR=28.0, SSIM=.8, LPIPS=.1)]}
    means = tool.write_csv(per, str(tmp_path))
    old = (tmp_path / 'alpha_sweep.csv').read_bytes()
    assert old.startswith(b'alpha,PSNR,SSIM,LPIPS')

    def half_then_fail(self, fname, **kwargs):  # the encoder dies
        fname.write(b'\x89PNG half')
        raise RuntimeError('encoder failed')

    monkeypatch.setattr(Figure, 'savefig', half_then_fail)
    with pytest.raises(RuntimeError, match='encoder failed'):
        tool.plot_curve(means, str(tmp_path / 'curve.png'), 'title')
    monkeypatch.undo()
    assert not (tmp_path / 'curve.png').exists()

    monkeypatch.setattr(os, 'fsync', lambda fd: (_ for _ in ()).throw(
        OSError(28, 'No space left on device')))
    with pytest.raises(OSError):
        tool.write_csv({0.5: per[0.0]}, str(tmp_path))
    monkeypatch.undo()
    assert (tmp_path / 'alpha_sweep.csv').read_bytes() == old
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        'alpha_sweep.csv', 'alpha_sweep_images.csv']

    # without --overwrite, a file another run wrote meanwhile is kept
    with pytest.raises(FileExistsError, match='alpha_sweep.csv exists'):
        tool.write_csv(per, str(tmp_path), overwrite=False)
    assert (tmp_path / 'alpha_sweep.csv').read_bytes() == old
