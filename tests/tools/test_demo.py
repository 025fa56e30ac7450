"""The README's main job (tools/demo.py): its evaluation path on one image
and one scale, with the shipped checkpoints."""
import csv
import json
import shutil

import cv2
from skimage import data

from tests.tools.test_benchmark_table import load_tool
from tests.test_shipped_checkpoints import ROWS, SHIPPED


def test_evaluates_shipped_models_on_one_image(mm, tmp_path):
    photos = tmp_path / 'photos'
    (photos / 'val_crop').mkdir(parents=True)
    (photos / 'manifest.csv').write_text('name\n')  # no fetching
    cv2.imwrite(str(photos / 'val_crop' / 'coffee.png'),
                data.coffee()[:96, :96, ::-1])
    rows = [r for r in ROWS if r['name'] in ('LIIF', 'LIIF-GAN',
                                             'SRResNet-GAN(x4)')]
    rows_file = tmp_path / 'rows.json'
    rows_file.write_text(json.dumps(rows))
    out = load_tool('demo').main([
        '--data', str(photos), '--work-dir', str(tmp_path / 'w'),
        '--rows', str(rows_file), '--scales', '4', '--device', 'cpu'])
    with open(f'{out}/table.csv', newline='') as f:
        table = {(r['method'], r['metric']): r for r in csv.DictReader(f)}
    for name in ('Bicubic', 'LIIF', 'LIIF-GAN', 'SRResNet-GAN(x4)'):
        assert float(table[name, 'PSNR']['x4']) > 20, name
        assert 0 < float(table[name, 'LPIPS']['x4']) < 1, name
    assert (tmp_path / 'w' / 'table' / 'crops.png').exists()
    shutil.rmtree(tmp_path / 'w')
    assert SHIPPED.is_dir()
