"""tools/prepare_photos.py on a small fake package tree (no download):
de-duplication, split, manifest, rejected files, idempotency, containers."""
import csv
import io
import json
import struct
import zlib

import cv2
import numpy as np
import pytest
from skimage import data

from liifgan_mm.datasets.photo_set import (Photo, assign_splits, load_rgb,
                                           pixel_sha256, split_of)
from tests.tools.test_benchmark_table import load_tool

PHOTOS = ('astronaut', 'coffee', 'chelsea', 'rocket', 'motorcycle')


def _png(path, rgb):
    path.parent.mkdir(parents=True, exist_ok=True)
    assert cv2.imwrite(str(path), rgb[..., ::-1])


def _rcc(path, member, blob):
    """A minimal Qt resource file (format 3) holding one zlib'd file."""
    names, tree, entries = b'', b'', []
    parts = member.split('/')
    for part in parts:
        entries.append(len(names))
        names += struct.pack('>HI', len(part), 0) + part.encode('utf-16-be')
    n = len(parts) + 1  # root + one node per path part
    for i in range(n):
        noff = 0 if i == 0 else entries[i - 1]
        if i < n - 1:  # folder with one child: node i + 1
            tree += struct.pack('>IHII', noff, 2, 1, i + 1) + b'\0' * 8
        else:
            tree += struct.pack('>IHHHI', noff, 1, 0, 0, 0) + b'\0' * 8
    comp = struct.pack('>I', len(blob)) + zlib.compress(blob)
    dat = struct.pack('>I', len(comp)) + comp
    head = 20
    body = tree + dat + names
    hdr = b'qres' + struct.pack('>IIII', 3, head, head + len(tree),
                                head + len(tree) + len(dat))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(hdr + body)


@pytest.fixture(scope='module')
def tree(tmp_path_factory):
    """Two fake packages: photos, a resized and a cropped copy, greyscale,
    tiny and broken files, a photo inside a Qt resource bundle."""
    root = tmp_path_factory.mktemp('tree')
    a, b = root / 'pkg-a', root / 'pkg-b'
    imgs = {n: (data.stereo_motorcycle()[0] if n == 'motorcycle'
                else getattr(data, n)()[..., :3]) for n in PHOTOS}
    for n in PHOTOS[:3]:
        _png(a / 'photos' / f'{n}.png', imgs[n])
    _png(b / 'img' / 'rocket.png', imgs['rocket'])
    big = cv2.resize(imgs['astronaut'], (700, 700),
                     interpolation=cv2.INTER_CUBIC)
    _png(b / 'img' / 'astronaut_big.png', big)  # same photo, bigger
    _png(b / 'img' / 'coffee_crop.png', imgs['coffee'][40:360, 60:560])
    _png(b / 'img' / 'grey.png', np.repeat(data.camera()[..., None], 3, 2))
    cv2.imwrite(str(b / 'img' / 'grey_l.png'), data.camera())
    _png(b / 'img' / 'tiny.png', imgs['coffee'][:100, :120])
    (b / 'img' / 'broken.jpg').write_bytes(b'\xff\xd8\xff not a jpeg')
    ok, enc = cv2.imencode('.png', imgs['motorcycle'][..., ::-1])
    _rcc(b / 'res' / 'bundle.rcc', 'res/moto.png', enc.tobytes())
    sources = [
        dict(kind='deb', package='pkg-a', version='1.0', licence='GPL-2+',
             photos=[f'photos/{n}.png' for n in PHOTOS[:3]]),
        dict(kind='wheel', package='pkg-b', version='2.0', licence='MIT',
             photos=['img/rocket.png', 'img/astronaut_big.png',
                     'img/coffee_crop.png', 'img/grey.png', 'img/grey_l.png',
                     'img/tiny.png', 'img/broken.jpg', 'img/missing.png',
                     'res/bundle.rcc::res/moto.png'])
    ]
    src = root / 'sources.json'
    src.write_text(json.dumps(sources))
    return root, src, imgs


def _run(tree, out, *extra):
    root, src, _ = tree
    return load_tool('prepare_photos').main(
        [str(out), '--tree', str(root), '--sources', str(src), '--min-val',
         '2', '--val-crop', '128', '--sub-crop', '256', '--no-progress',
         *extra])


def _csv(path):
    with open(path, newline='') as f:
        return list(csv.DictReader(f))


def test_builds_set_with_manifest_and_reasons(tree, tmp_path):
    out = tmp_path / 'photos'
    summary = _run(tree, out)
    rows = _csv(out / 'manifest.csv')
    assert list(rows[0]) == ['name', 'package', 'version', 'path', 'licence',
                             'width', 'height', 'sha256', 'split']
    kept = {r['path'] for r in rows}
    # one per photo: the bigger astronaut, coffee (its crop dropped), ...
    assert kept == {'img/astronaut_big.png', 'photos/coffee.png',
                    'photos/chelsea.png', 'img/rocket.png',
                    'res/bundle.rcc::res/moto.png'}
    assert summary['train'] + summary['val'] + summary['test'] == 5
    assert summary['val'] + summary['test'] >= 2  # --min-val held out
    why = {r['path']: r['reason'] for r in _csv(out / 'rejected.csv')}
    assert why['photos/astronaut.png'].startswith('near duplicate of pkg-b/')
    assert why['img/coffee_crop.png'] == 'near duplicate of pkg-a/photos/coffee.png'
    assert why['img/grey.png'].startswith('greyscale')
    assert why['img/grey_l.png'].startswith('greyscale')
    assert why['img/tiny.png'].startswith('too small')
    assert why['img/broken.jpg'].startswith('unreadable')
    assert why['img/missing.png'].startswith('not in the package')
    for r in rows:
        img = cv2.imread(str(out / r['split'] / f"{r['name']}.png"))[..., ::-1]
        assert img.shape[:2] == (int(r['height']), int(r['width']))
        assert pixel_sha256(img) == r['sha256']
        assert r['licence'] == ('GPL-2+' if r['package'] == 'pkg-a' else 'MIT')
        assert r['version'] == ('1.0' if r['package'] == 'pkg-a' else '2.0')
        if r['split'] in ('val', 'test'):
            crop = cv2.imread(str(out / f"{r['split']}_crop" /
                                  f"{r['name']}.png"))
            assert crop.shape[:2] == (128, 128)
    tiles = list((out / 'train_sub').glob('*.png'))
    assert tiles and all(
        max(cv2.imread(str(t)).shape[:2]) <= 256 for t in tiles)


def test_rerun_is_idempotent(tree, tmp_path):
    out = tmp_path / 'photos'
    _run(tree, out)
    files = sorted(out.rglob('*.png'))
    stamp = {f: f.stat().st_mtime_ns for f in files}
    manifest = (out / 'manifest.csv').read_text()
    (out / 'train' / 'stale.png').write_bytes(b'x')
    _run(tree, out)
    assert sorted(out.rglob('*.png')) == files  # stale file removed
    assert {f: f.stat().st_mtime_ns for f in files} == stamp
    assert (out / 'manifest.csv').read_text() == manifest


def test_long_side_limit(tree, tmp_path):
    out = tmp_path / 'photos'
    _run(tree, out, '--max-side', '300')
    rows = _csv(out / 'manifest.csv')
    assert max(max(int(r['width']), int(r['height'])) for r in rows) == 300


def test_missing_package_is_named(tree, tmp_path):
    root, src, _ = tree
    sources = json.loads(src.read_text()) + [dict(
        kind='deb', package='no-such-pkg', version='1', photos=['a.jpg'])]
    src2 = tmp_path / 'sources.json'
    src2.write_text(json.dumps(sources))
    tool = load_tool('prepare_photos')
    args = [str(tmp_path / 'o'), '--tree', str(root), '--sources', str(src2),
            '--min-val', '2', '--no-progress', '--sub-crop', '0']
    with pytest.raises(SystemExit, match="package 'no-such-pkg'"):
        tool.main(args)
    assert tool.main(args + ['--skip-missing'])['train'] >= 1


def test_split_is_stable_and_loaders_take_bytes(tree):
    keys = [f'pkg/{i}.jpg' for i in range(400)]
    scored = {k: split_of(k, 0.15, 0.075) for k in keys}
    for u, split in scored.values():  # the thresholds, test inside val
        assert split == ('test' if u < 0.075 else
                         'val' if u < 0.15 else 'train')
    counts = {s: sum(v[1] == s for v in scored.values())
              for s in ('train', 'val', 'test')}
    assert 20 < counts['test'] < 45 and 20 < counts['val'] < 45
    # adding photos never moves another one (no promotion needed here)
    photos = [Photo(package='pkg', version='1', path=k[4:], licence='',
                    root=None) for k in keys]
    assign_splits(photos[:200], 0.15, min_val=5, test_fraction=0.075)
    first = {p.key: p.split for p in photos[:200]}
    assign_splits(photos, 0.15, min_val=5, test_fraction=0.075)
    assert first == {p.key: p.split for p in photos[:200]}
    assert first == {k: scored[k][1] for k in first}
    _, _, imgs = tree
    ok, enc = cv2.imencode('.jpg', imgs['coffee'][..., ::-1])
    rgb = load_rgb(enc.tobytes())
    assert rgb.shape == imgs['coffee'].shape
    assert load_rgb(io.BytesIO(enc.tobytes()).getvalue()).dtype == np.uint8


@pytest.mark.parametrize('extra,msg', [
    (['--val-fraction', '2'], '--val-fraction must be in [0, 1)'),
    (['--val-fraction', '-0.1'], '--val-fraction must be in [0, 1)'),
    (['--sub-crop', '-1'], '--sub-crop must be >= 0'),
    (['--val-crop', '0'], '--val-crop must be >= 1'),
    (['--min-side', '900', '--max-side', '300'], 'is over --max-side'),
])
def test_bad_flags_one_line(tree, tmp_path, capsys, extra, msg):
    out = tmp_path / 'o'
    with pytest.raises(SystemExit) as e:
        _run(tree, out, *extra)
    err = capsys.readouterr().err
    assert e.value.code == 2 and msg in err and 'Traceback' not in err
    assert not out.exists()


def test_file_as_output_and_empty_split_refused(tree, tmp_path, capsys):
    afile = tmp_path / 'afile'
    afile.write_text('mine')
    with pytest.raises(SystemExit) as e:
        _run(tree, afile)
    assert e.value.code == 2 and 'not a folder' in capsys.readouterr().err
    assert afile.read_text() == 'mine'
    # more val photos than there are: one line, not a traceback
    with pytest.raises(SystemExit, match='need more than min_val=1000'):
        _run(tree, tmp_path / 'o', '--min-val', '1000')
