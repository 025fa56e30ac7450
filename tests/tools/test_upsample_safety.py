"""tools/upsample.py, nothing lost: inputs and existing outputs never
overwritten, atomic writes, bad paths/keys/headers in one line before any
work (the fixtures are test_upsample.py's)."""
import subprocess
import sys

import cv2
import numpy as np
import pytest

from tests.conftest import REPO
from tests.tools.test_upsample import (MODEL, _run, small,  # noqa: F401
                                       tool)


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
