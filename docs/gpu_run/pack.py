"""Pack device checkpoints small: python3 .gpu/pack.py WORK_ROOT OUT."""
import glob
import os
import re
import sys
import tarfile

import torch


def small(path, with_d):
    ck = torch.load(path, map_location='cpu', weights_only=False)
    keep = ('generator.', 'discriminator.') if with_d else ('generator.',)
    sd = {k: (v.half() if v.is_floating_point() else v)
          for k, v in ck['state_dict'].items() if k.startswith(keep)}
    meta = {k: ck.get('meta', {}).get(k) for k in ('iter', 'epoch', 'cfg')}
    return {'meta': meta, 'state_dict': sd}


def its(p):
    m = re.search(r'iter_(\d+)', p)
    return int(m.group(1)) if m else 10**9


def main(root, out):
    os.makedirs(out, exist_ok=True)
    tmp = os.path.join(root, 'packed')
    os.makedirs(tmp, exist_ok=True)
    for run in ('sf', 's', 'gan'):
        wd = os.path.join(root, run)
        last = os.path.join(wd, 'last.pth')
        if os.path.isfile(last):
            torch.save(small(last, True), os.path.join(out, f'{run}_last.pth'))
        mids = sorted(glob.glob(os.path.join(wd, 'iter_*.pth')), key=its)
        if run == 'gan':
            mids = [p for p in (os.path.join(root, 'd1', 'last.pth'),
                                os.path.join(root, 'd2', 'last.pth'))
                    if os.path.isfile(p)] + mids
        keep = mids if len(mids) <= 3 else [
            mids[i] for i in sorted({round(j * (len(mids) - 1) / 2)
                                     for j in range(3)})]
        if keep:
            with tarfile.open(os.path.join(out, f'{run}_mid.tar'), 'w') as tf:
                for p in keep:
                    name = f'{run}_{os.path.basename(os.path.dirname(p))}_' \
                           f'{os.path.basename(p)}'
                    q = os.path.join(tmp, name)
                    torch.save(small(p, False), q)
                    tf.add(q, arcname=name)
    with tarfile.open(os.path.join(out, 'logs.tar.gz'), 'w:gz') as tf:
        for p in glob.glob(os.path.join(root, '*.log')) + glob.glob(
                os.path.join(root, 'bench_*')) + glob.glob(
                os.path.join(root, '*', '*', 'vis_data', 'scalars.json')) + \
                glob.glob(os.path.join(root, '*', '*', '*.log')):
            tf.add(p, arcname=os.path.relpath(p, root))
    for p in sorted(os.listdir(out)):
        print(p, os.path.getsize(os.path.join(out, p)))


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2])
