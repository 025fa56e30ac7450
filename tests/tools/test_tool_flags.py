"""The benchmark scripts, the web demo and the metafile tool: a bad flag
or a missing file is one line naming it, exit 2, before any work."""
import pytest
import torch

from tests.tools.test_benchmark_table import load_tool

CASES = [
    ('benchmark_decoding', ['--repeat', '0'],
     '--repeat must be a whole number >= 1, got 0'),
    ('benchmark_decoding', ['--threads', '-1'],
     '--threads must be a whole number >= 1'),
    ('benchmark_decoding', ['--device', 'cud'], '--device cud: '),
    ('benchmark_tiling', ['--tile', '0'],
     '--tile must be a whole number >= 1, got 0'),
    ('benchmark_tiling', ['--scale', 'nan'], '--scale must be in (0, 100]'),
    ('benchmark_tiling', ['--scale', 'inf'], '--scale must be in (0, 100]'),
    ('benchmark_train_step', ['--batch', '0'],
     '--batch must be a whole number >= 1, got 0'),
    ('benchmark_train_step', ['--config', 'no_such.py'],
     '--config no_such.py: no such file'),
    ('benchmark_train_step', ['--images', 'no_such_dir'],
     '--images no_such_dir: no such folder'),
    ('web_demo', ['--port', '-5'], '--port must be in [0, 65535], got -5'),
    ('web_demo', ['--port', '70000'], '--port must be in [0, 65535]'),
    ('web_demo', ['--max-pixels', '0'], '--max-pixels must be a whole'),
]
if not torch.cuda.is_available():
    CASES += [(tool, ['--device', 'cuda'], '--device cuda: no CUDA device')
              for tool in ('benchmark_decoding', 'benchmark_tiling',
                           'benchmark_train_step', 'web_demo')]


@pytest.mark.parametrize('tool,argv,msg', CASES)
def test_bad_flag_is_one_line_exit_2(tool, argv, msg, capsys):
    with pytest.raises(SystemExit) as e:
        load_tool(tool).parse_args(argv)
    err = capsys.readouterr().err
    assert e.value.code == 2 and msg in err and 'Traceback' not in err


def test_metafile_missing_inputs_named(tmp_path, capsys):
    tool = load_tool('make_metafile')
    rows = tmp_path / 'rows.json'
    rows.write_text('[]')
    for argv, missing in ((['--set', 'no_rows.json', 't.csv', 'd'],
                           'no_rows.json'),
                          (['--set', str(rows), 'no_table.csv', 'd'],
                           'no_table.csv')):
        with pytest.raises(SystemExit) as e:
            tool.main(argv + ['--out', str(tmp_path / 'meta.yml')])
        err = capsys.readouterr().err
        assert e.value.code == 2 and f'{missing}: no such file' in err
    assert not (tmp_path / 'meta.yml').exists()
