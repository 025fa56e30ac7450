"""tools/upsample.py: files/folders/globs to exact sizes, bad input."""
import subprocess
import sys

import cv2
import numpy as np
import pytest

from tests.conftest import REPO
from tests.tools.test_benchmark_table import load_tool

CFG = 'configs/liifgan/small/liifgan_edsr-c32b8_1xb8-750it_photos.py'
CKPT = 'checkpoints/photos-small/liifgan.pth'
MODEL = ['--config', str(REPO / CFG), '--checkpoint', str(REPO / CKPT),
         '--device', 'cpu']


@pytest.fixture(scope='module')
def tool():
    return load_tool('upsample')


@pytest.fixture
def small(photo_dir, tmp_path):
    """Two 30x41 crops in a folder, one more in another folder."""
    src = tmp_path / 'in'
    (src / 'sub').mkdir(parents=True)
    for name, dst in (('coffee', src), ('rocket', src),
                      ('chelsea', src / 'sub')):
        img = cv2.imread(str(photo_dir / f'{name}.png'))[:30, :41]
        cv2.imwrite(str(dst / f'{name}.png'), img)
    return src


def _run(tool, argv, capsys):
    """(exit code, stderr)."""
    try:
        code = tool.main(argv)
    except SystemExit as e:
        code = e.code
    return code, capsys.readouterr().err


@pytest.mark.parametrize('form,tag,shape', [
    (['--scale', '2.5'], 'x2.5', (75, 102)),
    (['--scale-hw', '3.2', '4.7'], 'x3.2x4.7', (96, 193)),
    (['--size', '81x37'], '81x37', (37, 81)),  # width x height
])
def test_exact_sizes_files_folders_globs(tool, small, tmp_path, capsys,
                                         form, tag, shape):
    out = tmp_path / 'out'
    code, err = _run(tool, [str(small), str(small / 'sub' / '*.png'),
                            '-o', str(out), *form, *MODEL], capsys)
    assert code == 0, err
    assert '3 of 3 images' in err
    names = sorted(p.name for p in out.iterdir())
    assert names == [f'{n}_{tag}.png' for n in ('chelsea', 'coffee',
                                                 'rocket')]
    for p in out.iterdir():
        assert cv2.imread(str(p)).shape == (*shape, 3)


def test_alpha_and_encoder_tile_flags(tool, small, tmp_path, capsys):
    img = str(small / 'coffee.png')

    def run(name, *flags):
        path = tmp_path / f'{name}.png'
        code, err = _run(tool, [img, '-o', str(path), '--scale-hw', '2',
                                '3', *MODEL, *flags], capsys)
        assert code == 0, err
        return cv2.imread(str(path)).astype(int)

    default, one = run('default'), run('a1', '--alpha', '1')
    zero, half = run('a0', '--alpha', '0'), run('a05', '--alpha', '0.5')
    assert default.shape == (60, 123, 3)
    assert np.array_equal(default, one)
    assert np.abs(default - zero).max() > 3  # D2 matters
    # D1 + D2/2 lies between D1 and D1 + D2 (PNG rounding: 1 level)
    assert np.all(np.minimum(zero, one) - 1 <= half)
    assert np.all(half <= np.maximum(zero, one) + 1)
    untiled = run('untiled', '--encoder-tile', '0')
    tiled = run('tiled', '--encoder-tile', '4')
    assert np.abs(tiled - untiled).max() <= 1  # 1e-5 before PNG rounding
    assert np.abs(default - untiled).max() <= 1


def test_precision_flag(tool, small, tmp_path, capsys):
    """--precision bf16 decodes close to fp32 (trained small model)."""
    from liifgan_mm.models.editors.liifgan.precision import bf16_supported
    img = str(small / 'coffee.png')
    outs = {}
    for prec in ('fp32', 'bf16'):
        path = tmp_path / f'{prec}.png'
        code, err = _run(tool, [img, '-o', str(path), '--scale', '3',
                                *MODEL, '--precision', prec], capsys)
        assert code == 0, err
        outs[prec] = cv2.imread(str(path)).astype(int)
    diff = np.abs(outs['fp32'] - outs['bf16'])
    assert diff.max() <= 3  # gray levels, after PNG rounding
    if bf16_supported('cpu'):
        assert diff.mean() < 0.2 and diff.max() > 0  # bf16 did run


@pytest.mark.parametrize('argv,msg', [
    (['--scale', '0'], 'positive finite'),
    (['--scale', '-2'], 'positive finite'),
    (['--scale', 'nan'], 'positive finite'),
    (['--scale-hw', '2', 'inf'], 'positive finite'),
    (['--size', '0x40'], 'positive finite'),
    (['--size', '12.5x40'], 'whole number'),
    (['--size', '40'], 'WxH (width x height'),
    (['--scale', '1000'], 'over the limit'),
    (['--scale', '4', '--max-pixels', '1000'], 'over the limit'),
    (['--scale', '2', '--alpha', '1.5'], '--alpha'),
    (['--scale', '2', '--encoder-tile', '-1'], '--encoder-tile'),
])
def test_bad_sizes_refused_before_work(tool, small, tmp_path, capsys, argv,
                                       msg):
    out = tmp_path / 'out'
    code, err = _run(tool, [str(small), '-o', str(out), *argv, *MODEL],
                     capsys)
    assert code == 2 and msg in err
    assert not out.exists()


@pytest.mark.parametrize('argv,msg', [
    (['--checkpoint', CKPT], '--checkpoint needs --config'),
    (['--config', CFG], '--random-weights'),
    (['--alpha', '0.5'], 'need a LIIF-GAN --config'),
    (['--precision', 'bf16'], 'need a LIIF-GAN --config'),
    (['--config', CFG, '--checkpoint', CKPT, '--strict-precision'],
     '--strict-precision goes with --precision bf16'),
    (['--config', 'configs/liifgan/small/liif_edsr-c32b8_1xb8-2250it_'
      'photos.py', '--checkpoint', 'checkpoints/photos-small/liif.pth',
      '--alpha', '0.5'], 'not a two-decoder LIIF-GAN'),
])
def test_bad_flags_refused(tool, small, tmp_path, capsys, argv, msg):
    code, err = _run(tool, [str(small), '-o', str(tmp_path / 'o'),
                            '--scale', '2', *argv], capsys)
    assert code == 2 and msg in err


def test_missing_inputs_and_name_clashes_refused(tool, small, tmp_path,
                                                 capsys):
    out = str(tmp_path / 'out')
    code, err = _run(tool, [str(small / 'nope.png'), '-o', out, '--scale',
                            '2'], capsys)
    assert code == 2 and 'nope.png' in err
    code, err = _run(tool, [str(small / '*.jpg'), '-o', out, '--scale',
                            '2'], capsys)
    assert code == 2 and 'glob' in err
    other = tmp_path / 'other'
    other.mkdir()
    cv2.imwrite(str(other / 'coffee.jpg'), np.zeros((8, 8, 3), np.uint8))
    code, err = _run(tool, [str(small), str(other), '-o', out, '--scale',
                            '2'], capsys)
    assert code == 2 and 'coffee.jpg would both write' in err
    code, err = _run(tool, [str(small), '-o', out + '.png', '--scale', '2'],
                     capsys)
    assert code == 2 and 'exactly one input' in err


def test_unreadable_images_reported_and_skipped(tool, small, tmp_path,
                                                capsys):
    (small / 'broken.png').write_bytes(b'not an image')
    (small / 'empty.jpg').write_bytes(b'')
    out = tmp_path / 'out'
    code, err = _run(tool, [str(small), '-o', str(out), '--scale', '2'],
                     capsys)  # bicubic
    assert code == 1
    assert 'skipped' in err and 'broken.png' in err and 'empty.jpg' in err
    assert '2 of 4 images' in err
    assert sorted(p.name for p in out.iterdir()) == ['coffee_x2.png',
                                                     'rocket_x2.png']


def test_help_is_light():
    """``--help`` answers without importing torch or mmagic."""
    code = ('import runpy, sys; sys.argv = ["upsample.py", "--help"]\n'
            'try:\n    runpy.run_path("tools/upsample.py", '
            'run_name="__main__")\nexcept SystemExit:\n    pass\n'
            'print("HEAVY", "torch" in sys.modules, "mmagic" in sys.modules)')
    res = subprocess.run([sys.executable, '-c', code], cwd=REPO,
                         capture_output=True, text=True, check=True)
    assert '--scale-hw' in res.stdout
    assert 'HEAVY False False' in res.stdout


def test_encoder_tiled_by_default(tool, small, tmp_path, capsys,
                                  monkeypatch):
    """LIIF-GAN configs get DEFAULT_TILE unless the config or the flag set
    one (0: untiled)."""
    from liifgan_mm.models.editors.liifgan import LIIFGANEDSRNet
    tiles = []
    orig = LIIFGANEDSRNet.predict_tiled

    def spy(self, x, size, tile=None, rows=None):
        tiles.append(self.encoder_tile)
        return orig(self, x, size, tile, rows)

    monkeypatch.setattr(LIIFGANEDSRNet, 'predict_tiled', spy)
    monkeypatch.setattr(tool, 'DEFAULT_TILE', 8)
    img = str(small / 'coffee.png')
    for flags, want in (([], [8]), (['--encoder-tile', '5'], [5]),
                        (['--encoder-tile', '0'], [])):
        tiles.clear()
        code, err = _run(tool, [img, '-o', str(tmp_path / 'o.png'),
                                '--scale', '2', '--overwrite', *MODEL,
                                *flags], capsys)
        assert code == 0, err
        assert tiles == want
