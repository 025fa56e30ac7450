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


def _digest(folder):
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


def test_inputs_never_overwritten(tool, small, tmp_path, capsys):
    """``-o`` naming an input, or a folder where an output is an input
    (``a.png`` next to ``a_x2.png``): refused before any work, naming both,
    even with --overwrite."""
    (small / 'coffee_x2.png').write_bytes((small / 'coffee.png').read_bytes())
    before = _digest(small)
    img = str(small / 'coffee.png')
    for argv in ([img, '-o', img], [img, '-o', img, '--overwrite'],
                 [str(small), '-o', str(small)],
                 [str(small), '-o', str(small), '--overwrite']):
        code, err = _run(tool, [*argv, '--scale', '2'], capsys)
        assert code == 2, err
        assert 'is the input' in err and 'coffee' in err
        assert 'Traceback' not in err
    assert _digest(small) == before


def test_existing_outputs_kept_unless_overwrite(tool, small, tmp_path,
                                                capsys):
    out = tmp_path / 'out'
    out.mkdir()
    (out / 'coffee_x2.png').write_bytes(b'mine')
    code, err = _run(tool, [str(small), '-o', str(out), '--scale', '2'],
                     capsys)
    assert code == 2 and 'coffee_x2.png' in err and '--overwrite' in err
    assert sorted(p.name for p in out.iterdir()) == ['coffee_x2.png']
    assert (out / 'coffee_x2.png').read_bytes() == b'mine'
    code, err = _run(tool, [str(small), '-o', str(out), '--scale', '2',
                            '--overwrite'], capsys)
    assert code == 0, err
    assert cv2.imread(str(out / 'coffee_x2.png')).shape == (60, 82, 3)
    assert not [p for p in out.iterdir() if p.name.endswith('.tmp')]


def test_output_file_in_cwd_and_stdout(tool, small, tmp_path, capsys,
                                       monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, err = _run(tool, [str(small / 'coffee.png'), '-o', 'out.png',
                            '--scale', '2'], capsys)
    assert code == 0, err
    assert cv2.imread(str(tmp_path / 'out.png')).shape == (60, 82, 3)
    code, err = _run(tool, [str(small / 'coffee.png'), '-o', '-',
                            '--scale', '2'], capsys)
    assert code == 2 and 'stdout' in err
    assert not (tmp_path / '-').exists()


def test_concurrent_writer_not_replaced(tool, small, tmp_path, capsys,
                                        monkeypatch):
    """A file another run creates while this one works is not replaced:
    that image fails (exit 1), the other run's file stays."""
    from liifgan_mm.evaluation import image_io
    out = tmp_path / 'out'
    out.mkdir()
    real = image_io.save_png

    def racing(path, img, overwrite=True):
        if path.endswith('coffee_x2.png'):
            with open(path, 'wb') as f:
                f.write(b'other run')
        return real(path, img, overwrite)

    monkeypatch.setattr(image_io, 'save_png', racing)
    code, err = _run(tool, [str(small), '-o', str(out), '--scale', '2'],
                     capsys)
    assert code == 1 and 'coffee_x2.png exists' in err
    assert (out / 'coffee_x2.png').read_bytes() == b'other run'
    assert sorted(p.name for p in out.iterdir()) == ['coffee_x2.png',
                                                     'rocket_x2.png']


def test_write_is_atomic(tmp_path, monkeypatch):
    """A failed write (full disk) leaves neither the final name nor a
    temporary file."""
    import os
    from liifgan_mm.evaluation import image_io

    def full(fd):
        raise OSError(28, 'No space left on device')

    monkeypatch.setattr(os, 'fsync', full)
    with pytest.raises(OSError, match='No space'):
        image_io.save_png(str(tmp_path / 'a.png'), np.zeros((4, 4, 3)))
    assert list(tmp_path.iterdir()) == []


def test_bad_paths_one_line(tool, small, tmp_path, capsys):
    img = str(small / 'coffee.png')
    afile = tmp_path / 'afile'
    afile.write_text('x')
    cases = [
        ([img, '-o', str(afile / 'out')], 'not a folder'),
        ([img, '-o', str(tmp_path / 'o'), '--device', 'cuda', *MODEL[:4]],
         '--device cuda'),
        ([img, '-o', str(tmp_path / 'o'), '--device', 'gpu0', *MODEL[:4]],
         '--device gpu0'),
        ([img, '-o', str(tmp_path / 'o'), *MODEL, '--cfg-options',
          'model.generator.nosuchkey=1'], 'nosuchkey'),
    ]
    for argv, msg in cases:
        code, err = _run(tool, [*argv, '--scale', '2'], capsys)
        assert code == 2 and msg in err, err
        assert 'Traceback' not in err


@pytest.mark.parametrize('option,msg', [
    ('model.generator.encodr_tile=64', 'model.generator (LIIFGANEDSRNet): '
     'unknown argument encodr_tile (did you mean encoder_tile?)'),
    ('model.generator.head.alpah=0.5', 'model.generator.head '
     '(DualImplicitHead): unknown argument alpah (did you mean alpha?)'),
    ('model.genrator.x=1', 'model (LIIFGAN): unknown argument genrator '
     '(did you mean generator?)'),
])
def test_unknown_model_key_named_with_closest(tool, small, tmp_path, capsys,
                                              option, msg):
    """A typo'd model key: one line naming it, where it is and the
    closest valid key, exit code 2, not Python's TypeError."""
    code, err = _run(tool, [str(small / 'coffee.png'), '-o',
                            str(tmp_path / 'o'), *MODEL, '--scale', '2',
                            '--cfg-options', option], capsys)
    assert code == 2 and msg in err, err
    assert 'Traceback' not in err and 'TypeError' not in err
    assert not (tmp_path / 'o').exists()


def test_input_header_checked_before_decoding(tool, tmp_path, capsys,
                                              monkeypatch):
    """A small PNG declaring 20000x20000 is refused from its header (never
    decoded); HDR inputs are refused with the reason."""
    import struct
    import zlib
    from liifgan_mm.evaluation import image_io

    def chunk(kind, data):
        return (struct.pack('>I', len(data)) + kind + data +
                struct.pack('>I', zlib.crc32(kind + data) & 0xffffffff))

    bomb = tmp_path / 'bomb.png'
    bomb.write_bytes(b'\x89PNG\r\n\x1a\n' + chunk(
        b'IHDR', struct.pack('>IIBBBBB', 20000, 20000, 8, 2, 0, 0, 0)) +
        chunk(b'IDAT', zlib.compress(b'')) + chunk(b'IEND', b''))
    decoded = []
    monkeypatch.setattr(image_io.mmcv, 'imread',
                        lambda *a, **k: decoded.append(a))
    code, err = _run(tool, [str(bomb), '-o', str(tmp_path / 'o'),
                            '--scale', '2'], capsys)
    assert code == 2 and 'bomb.png: 20000x20000' in err and 'limit' in err
    assert decoded == []
    hdr = tmp_path / 'sky.hdr'
    hdr.write_bytes(b'#?RADIANCE\n')
    code, err = _run(tool, [str(hdr), '-o', str(tmp_path / 'o'),
                            '--scale', '2'], capsys)
    assert code == 2 and 'sky.hdr: high dynamic range' in err, err


def test_folder_inputs_every_extension_files_only(tmp_path):
    from liifgan_mm.evaluation.image_io import collect_inputs
    img = np.zeros((4, 4, 3), np.uint8)
    for name in ('a.webp', 'b.Jpg', 'c.PNG', 'd.tif'):
        cv2.imwrite(str(tmp_path / name.lower()), img)
        (tmp_path / name.lower()).rename(tmp_path / name)
    (tmp_path / 'x.png').mkdir()
    (tmp_path / 'notes.txt').write_text('x')
    found = [p.rsplit('/', 1)[1] for p in collect_inputs([str(tmp_path)])]
    assert found == ['a.webp', 'b.Jpg', 'c.PNG', 'd.tif']
    with pytest.raises(FileNotFoundError, match='not a regular file'):
        collect_inputs(['/dev/stdin'])


@pytest.mark.parametrize('flags', [['--scale', '0'], ['--scale-hw', '2', '-1'],
                                   ['--size', '0x40'], ['--size', '40']])
def test_bad_size_flags_refused_before_heavy_imports(flags, tmp_path):
    """Answered at once: neither torch nor liifgan_mm is imported."""
    argv = [str(tmp_path), '-o', 'o', *flags]
    code = ('import sys, liifgan_cli\n'
            'try:\n'
            f'    liifgan_cli.upsample({argv!r})\n'
            'except SystemExit as e:\n'
            '    assert e.code == 2, e.code\n'
            'print(sorted(m for m in ("torch", "mmagic", "mmengine", '
            '"liifgan_mm") if m in sys.modules))')
    res = subprocess.run([sys.executable, '-c', code], capture_output=True,
                         text=True, timeout=60, cwd=REPO)
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip().splitlines()[-1] == '[]', res.stdout
    assert 'positive finite' in res.stderr or 'WxH' in res.stderr
