"""The README's main job (tools/demo.py): its evaluation path with the
shipped checkpoints reproduces the published numbers
(``docs/photos_small_table.csv``)."""
import csv
import json
import shutil

import cv2
import pytest
from skimage import data

from tests.conftest import REPO
from tests.test_shipped_checkpoints import ROWS
from tests.tools.test_benchmark_table import load_tool

PHOTOS = REPO / 'data' / 'photos'
PUBLISHED = REPO / 'docs' / 'photos_small_table.csv'


def _table(path):
    with open(path, newline='') as f:
        return {(r['method'], r['metric']): r for r in csv.DictReader(f)}


def _held_out_crops(n=12):
    """The 12 crops the published table was made on: evenly spread over the
    sorted 48 held-out crops (today's ``val_crop`` + ``test_crop``: the
    test split was carved out of the val split after the table was made)."""
    crops = [p for d in ('val_crop', 'test_crop')
             for p in (PHOTOS / d).glob('*.png')]
    crops.sort(key=lambda p: p.name)
    return [crops[round(i * (len(crops) - 1) / (n - 1))] for i in range(n)]


@pytest.mark.skipif(not (PHOTOS / 'val_crop').is_dir(),
                    reason='photo set not built (tools/prepare_photos.py)')
def test_reproduces_published_liif_x4(mm, tmp_path):
    """LIIF and Bicubic at x4 on the published table's 12 crops, through the
    demo, to 1e-3 of ``docs/photos_small_table.csv`` (about 15 s on CPU)."""
    crops = _held_out_crops()
    assert len(crops) == 12 and len({c.name for c in crops}) == 12
    photos = tmp_path / 'photos'
    (photos / 'val_crop').mkdir(parents=True)
    (photos / 'manifest.csv').write_text('name\n')  # no fetching
    for c in crops:
        shutil.copyfile(c, photos / 'val_crop' / c.name)
    rows_file = tmp_path / 'rows.json'
    rows_file.write_text(json.dumps([r for r in ROWS if r['name'] == 'LIIF']))
    out = load_tool('demo').main([
        '--data', str(photos), '--work-dir', str(tmp_path / 'w'),
        '--rows', str(rows_file), '--scales', '4', '--device', 'cpu',
        '--split', 'val', '--max-images', '0', '--crop', '0'])
    ours, published = _table(f'{out}/table.csv'), _table(PUBLISHED)
    for name in ('Bicubic', 'LIIF'):
        for metric in ('PSNR', 'SSIM', 'LPIPS'):
            got = float(ours[name, metric]['x4'])
            want = float(published[name, metric]['x4'])
            assert got == pytest.approx(want, abs=1e-3), (name, metric)


# The shipped checkpoints on one fixed crop (scikit-image's coffee, 96 px),
# x4, recorded from the shipped files: a changed checkpoint, decoder or
# metric moves them.
PINNED = {
    'Bicubic': (34.2930, 0.1233),
    'LIIF': (33.4935, 0.1867),
    'LIIF-GAN': (33.0432, 0.2011),
    'SRResNet-GAN(x4)': (34.4424, 0.0612),
}


PINNED_PAPER = {
    'LIIF': (35.6065, 0.0686),
    'LIIF-GAN': (33.5431, 0.0248),
    'LIIF-GAN-S': (33.3542, 0.0201),
    'LIIF-GAN-SF': (33.9453, 0.0169),
}
PAPER_ROWS = json.loads(
    (REPO / 'checkpoints' / 'photos-paper' / 'rows.json').read_text())


def _x4_on_coffee(rows, tmp_path):
    """x4 PSNR/LPIPS of ``rows`` on the fixed crop, through the demo."""
    photos = tmp_path / 'photos'
    (photos / 'val_crop').mkdir(parents=True)
    (photos / 'manifest.csv').write_text('name\n')  # no fetching
    cv2.imwrite(str(photos / 'val_crop' / 'coffee.png'),
                data.coffee()[:96, :96, ::-1])
    rows_file = tmp_path / 'rows.json'
    rows_file.write_text(json.dumps(rows))
    out = load_tool('demo').main([
        '--data', str(photos), '--work-dir', str(tmp_path / 'w'),
        '--rows', str(rows_file), '--scales', '4', '--device', 'cpu',
        '--split', 'val', '--max-images', '0', '--crop', '0'])
    assert cv2.imread(str(tmp_path / 'w' / 'table' / 'crops.png')).size > 0
    table = _table(f'{out}/table.csv')
    return {name: (float(table[name, 'PSNR']['x4']),
                   float(table[name, 'LPIPS']['x4']))
            for name in {r['name'] for r in rows} | {'Bicubic'}}


def _assert_pinned(got, pinned):
    for name, (psnr, lpips) in pinned.items():
        assert got[name][0] == pytest.approx(psnr, abs=1e-3), name
        assert got[name][1] == pytest.approx(lpips, abs=1e-3), name


def test_evaluates_shipped_models_on_one_image(mm, tmp_path):
    rows = [r for r in ROWS if r['name'] in PINNED]
    _assert_pinned(_x4_on_coffee(rows, tmp_path), PINNED)


def test_evaluates_paper_size_models_on_one_image(mm, tmp_path):
    """The official LIIF (converted at set-up) and the published paper-size
    fine-tunes (checkpoints/photos-paper/), pinned from those files."""
    got = _x4_on_coffee(PAPER_ROWS, tmp_path)
    _assert_pinned(got, PINNED_PAPER)
