"""Write configs/liifgan/metafile.yml (mmagic's model-index format) from the
shipped models (rows.json) and their measured table (table.csv).

    python tools/make_metafile.py work_dirs/demo/table/table.csv

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
    p.add_argument('table', help='table.csv of the shipped models')
    p.add_argument('--dataset', default='photos-val-crop384')
    p.add_argument('--out', default=OUT)
    args = p.parse_args(argv)
    with open(args.table, newline='') as f:
        table = list(csv.DictReader(f))
    with open(ROWS) as f:
        shipped = {r['config']: r for r in json.load(f)}
    models = []
    for path in sorted(glob.glob(osp.join(REPO, 'configs/liifgan/**/*.py'),
                                 recursive=True)):
        rel = osp.relpath(path, REPO)
        if '_base_' in rel:
            continue
        entry = {'Name': osp.basename(rel)[:-3], 'Config': rel,
                 'In Collection': COLLECTION['Name']}
        row = shipped.get(rel)
        if row:
            entry['Results'] = results(table, row['name'], args.dataset)
            # shipped in the package: mim download / get_model read it
            entry['Weights'] = 'liifgan_mm://' + row['checkpoint']
        models.append(entry)
    with open(args.out, 'w') as f:
        yaml.safe_dump(dict(Collections=[COLLECTION], Models=models), f,
                       sort_keys=False, width=80)
    print(f'{args.out}: {len(models)} models, {len(shipped)} with weights')


if __name__ == '__main__':
    main()
