"""tools/demo.py and tools/make_subimages.py: every bad flag value or
unusable path is one line naming it, exit code 2, before any work."""
import pytest
import torch

from tests.tools.test_benchmark_table import load_tool


@pytest.fixture
def paths(tmp_path):
    (tmp_path / 'afile').write_text('x')
    (tmp_path / 'bad.json').write_text('not json')
    (tmp_path / 'obj.json').write_text('{}')
    (tmp_path / 'empty').mkdir()
    return tmp_path


def _refused(tool, argv, capsys):
    with pytest.raises(SystemExit) as e:
        load_tool(tool).parse_args(argv)
    err = capsys.readouterr().err
    assert e.value.code == 2, err
    assert 'Traceback' not in err
    return err.strip().splitlines()[-1]


@pytest.mark.parametrize('argv,msg', [
    (['--max-images', '-1'], '--max-images must be a whole number >= 0'),
    (['--crop', '-5'], '--crop must be a whole number >= 0'),
    (['--scales', '0'], '--scales must be in (0, 100]'),
    (['--scales', '2', 'nan'], '--scales must be in (0, 100]'),
    (['--scales', 'inf'], '--scales must be in (0, 100]'),
    (['--scales', '200'], '--scales must be in (0, 100]'),
    (['--scales', 'x'], "--scales: invalid float value: 'x'"),
    (['--iters', '0'], '--iters must be a whole number >= 1'),
    (['--rows', '{}/none.json'], '--rows: no such file'),
    (['--rows', '{}/bad.json'], 'bad.json: not readable JSON'),
    (['--rows', '{}/obj.json'], 'obj.json: not a JSON list of rows'),
    (['--data', '{}/afile'], 'afile is not a folder'),
    (['--data', '{}/afile/photos'], 'afile is not a folder'),
    (['--work-dir', '{}/afile'], '--work-dir'),
    (['--work-dir', '{}/afile/w'], 'afile is not a folder'),
    (['--device', 'gpu0'], "--device gpu0: Invalid device string: 'gpu0'"),
] + ([] if torch.cuda.is_available() else [
    (['--device', 'cuda'], '--device cuda: no CUDA device here'),
]))
def test_demo_bad_flags(paths, capsys, argv, msg):
    argv = [a.format(paths) for a in argv]
    line = _refused('demo', argv, capsys)
    assert msg in line, line
    assert argv[0] in line, line  # names the flag


@pytest.mark.parametrize('argv,msg', [
    (['{}/none'], 'src: no such folder'),
    (['{}/afile'], 'src: no such folder'),
    (['{}/empty'], 'src: no PNG images in'),
    (['{}/png', '--crop', '-5'], '--crop/--step'),
    (['{}/png', '--crop', '5', '--step', '0'], '--crop/--step'),
    (['{}/png', '--crop', '5', '--step', '6'], '--crop/--step'),
    (['{}/png', '--crop', 'x'], "--crop: invalid int value: 'x'"),
    (['{}/png', '{}/afile/sub'], 'dst {}/afile/sub: {}/afile is not a '
     'folder'),
    (['{}/png', '{}/png'], 'dst must differ from src'),
])
def test_make_subimages_bad_flags(paths, capsys, argv, msg):
    (paths / 'png').mkdir()
    (paths / 'png' / 'a.png').write_bytes(b'')
    line = _refused('make_subimages', [a.format(paths) for a in argv],
                    capsys)
    assert msg.format(paths, paths) in line, line


@pytest.mark.parametrize('scale', ['0', 'nan', 'inf', '101'])
def test_benchmark_table_bad_scales(tmp_path, capsys, scale):
    """The same scale check as the demo's, which passes them on."""
    line = _refused('benchmark_table', [str(tmp_path), str(tmp_path / 'o'),
                                        '--row', 'Bicubic', '--scales', '2',
                                        scale], capsys)
    assert 'error: --scales must be' in line, line
