"""Console entry points: installed, answer --help without importing torch,
and reach the tools through ``liifgan_mm/.mim/tools``."""
import importlib.metadata
import os
import subprocess
import sys
from pathlib import Path

import pytest

import liifgan_cli

BIN = Path(sys.executable).parent
TOOLS = sorted(liifgan_cli.TOOLS)


def _installed_entry_points():
    return {ep.name: ep.value for ep in
            importlib.metadata.entry_points(group='console_scripts')
            if ep.value.startswith('liifgan_cli:')}


def test_every_entry_point_is_installed_and_has_its_tool():
    eps = _installed_entry_points()
    assert set(eps) == {'liifgan-' + n.replace('_', '-')
                        for n in liifgan_cli.TOOLS}
    tools = Path(liifgan_cli.tools_dir())
    # editable install: .mim/tools links to the repo's tools/
    assert tools == Path(__file__).resolve().parents[2] / 'tools'
    assert (tools.parent / 'liifgan_mm' / '.mim' / 'tools').exists()
    for name, value in eps.items():
        assert (BIN / name).exists(), name
        func = getattr(liifgan_cli, value.split(':')[1])
        assert callable(func)
        key = value.split(':')[1]
        assert any((tools / s).exists() for s in liifgan_cli.TOOLS[key])


@pytest.mark.parametrize('name', TOOLS)
def test_help_imports_nothing_heavy(name):
    code = ('import sys, liifgan_cli\n'
            f'try:\n    liifgan_cli.{name}(["--help"])\n'
            'except SystemExit as e:\n    assert e.code == 0, e.code\n'
            'print(sorted(m for m in ("torch", "mmagic", "mmengine", '
            '"liifgan_mm") if m in sys.modules))')
    out = subprocess.run([sys.executable, '-c', code], capture_output=True,
                         text=True, check=True).stdout
    assert 'usage:' in out
    assert out.strip().splitlines()[-1] == '[]'


def test_console_script_runs():
    out = subprocess.run([str(BIN / 'liifgan-make-subimages'), '--help'],
                         capture_output=True, text=True, check=True).stdout
    assert out.startswith('usage: ')


def test_make_subimages(photo_dir, tmp_path):
    dst = tmp_path / 'sub'
    args = [str(photo_dir), str(dst), '--crop', '96', '--step', '48']
    n = liifgan_cli.make_subimages(args)
    # 144-px photos, 96-px tiles every 48 px: 2 x 2 per photo
    assert n == 4 * len(list(photo_dir.glob('*.png')))
    assert liifgan_cli.make_subimages(args) == n  # idempotent
    import cv2
    tile = cv2.imread(str(sorted(dst.glob('*.png'))[0]))
    assert tile.shape == (96, 96, 3)


@pytest.mark.parametrize('args,message', [
    (['/no/such/dir'], 'src: no such folder'),
    (['.', '--crop', '96', '--step', '120'], '--crop/--step'),
])
def test_make_subimages_bad_input(args, message, capsys):
    with pytest.raises(SystemExit):
        liifgan_cli.make_subimages(args)
    assert message in capsys.readouterr().err


def test_publish_model_missing_file(capsys):
    with pytest.raises(SystemExit):
        liifgan_cli.publish_model(['/no/such.pth', os.devnull])
    assert 'src: no such file' in capsys.readouterr().err
