"""tools/latent_grid.py: the latent-grid pattern per model and scale."""
import csv
import json

import pytest

from tests.conftest import REPO
from tests.tools.test_benchmark_table import load_tool

LIIF = dict(name='LIIF',
            config=str(REPO / 'configs/liifgan/liif_edsr-c64b16_official-'
                       'div2k.py'),
            checkpoint=str(REPO / 'checkpoints/official/liif_edsr-c64b16_'
                           'official-div2k.pth'))


def test_table_for_bicubic_and_the_official_liif(photo_dir, tmp_path,
                                                 capsys):
    """Neither bicubic nor the official LIIF (L1 only) draws a pattern on
    the latent grid: both measure (nearly) 0 on a real photo."""
    tool = load_tool('latent_grid')
    rows = tmp_path / 'rows.json'
    rows.write_text(json.dumps([LIIF]))
    out = tmp_path / 'grid.csv'
    tool.main([str(photo_dir / 'coffee.png'), '--rows', str(rows),
               '--scales', '2', '4', '--csv', str(out)])
    printed = capsys.readouterr().out
    assert '| model | x2 | x4 |' in printed and '1 images' in printed
    with open(out) as f:
        table = list(csv.reader(f))
    assert table[0] == ['model', 'x2', 'x4']
    assert [r[0] for r in table[1:]] == ['Bicubic', 'LIIF']
    assert all(0 <= float(v) < 0.5 for r in table[1:] for v in r[1:])


@pytest.mark.parametrize('argv,msg', [
    (['--scales', '4.5'], '--scales must be integers from 2 to 64'),
    (['--scales', '1'], '--scales must be integers from 2 to 64'),
    (['--crop', '-1'], '--crop must be a whole number >= 0'),
    (['--max-images', '0'], '--max-images must be a whole number >= 1'),
    (['--rows', 'no_such.json'], '--rows no_such.json: no such file'),
    (['--device', 'cud'], '--device cud: '),
])
def test_bad_flags_one_line(argv, msg, capsys):
    tool = load_tool('latent_grid')
    with pytest.raises(SystemExit) as e:
        tool.parse_args(['x.png'] + argv)
    assert e.value.code == 2 and msg in capsys.readouterr().err


def test_existing_csv_and_missing_input_refused(tmp_path, capsys):
    tool = load_tool('latent_grid')
    old = tmp_path / 'old.csv'
    old.write_text('mine')
    with pytest.raises(SystemExit) as e:
        tool.parse_args(['x.png', '--csv', str(old)])
    assert e.value.code == 2 and 'exists' in capsys.readouterr().err
    assert old.read_text() == 'mine'
    with pytest.raises(SystemExit) as e:
        tool.main([str(tmp_path / 'none.png')])
    assert e.value.code == 2 and 'none.png' in capsys.readouterr().err
