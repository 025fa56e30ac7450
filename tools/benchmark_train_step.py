"""Training-step times: fp32 vs bf16 autocast, and LIIF-GAN vs stock LIIF.

Builds a LIIF-GAN config's model twice from the same initial weights (warm
start off): once with the config's optimizer wrappers (fp32), once with
:class:`~liifgan_mm.engine.optim.BF16OptimWrapper` for each (bf16 autocast
of the generator, discriminator and perceptual loss). Batches come from the
config's own train pipeline (``LoadImageFromFile`` dropped) on ``--images``
(a folder; default: one synthetic image), made once and fed to both.

Reported (``--json``: one JSON object):

- ``step_fp32_s``, ``step_bf16_s``: min over interleaved timed steps
  (after one warm-up each), ``speedup``: their ratio;
- with ``--curve N``: both models trained ``N`` steps on the same batches,
  ``curve_fp32``/``curve_bf16`` (each loss per step) and, per loss, the
  mean of ``|bf16 - fp32| / |fp32|`` over the steps.

``--vs-stock`` instead times LIIF-GAN (its DIV2K config) against stock
LIIF (mmagic's config) at the same batch (``--batch``, default 16 there),
48^2 inputs, each config's own pipeline on a synthetic image:
``train_step_ratio`` (LIIF-GAN / stock) and ``train_step_ratio_plain``
(LIIF-GAN with the plain, non-fast head).

Example (the paper-size photo recipe, batch 8, 2 threads)::

    python tools/benchmark_train_step.py --batch 8 --steps 3 --json
    python tools/benchmark_train_step.py --batch 8 --curve 30 --images \\
        data/photos/train_sub --json
    python tools/benchmark_train_step.py --vs-stock --batch 16 --json
"""
import argparse
import copy
import json
import os
import os.path as osp
import sys
from pathlib import Path

import torch

REPO = Path(__file__).resolve().parents[1]
CONFIG = REPO / 'configs' / 'liifgan' / \
    'liifgan-sf_edsr-c64b16_1xb16-10k_photos.py'


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--config', help=f'default {CONFIG.name} (with '
                   '--vs-stock: liifgan_edsr-c64b16_1xb128-125k_div2k.py)')
    p.add_argument('--batch', type=int, help='default 8 (16 with '
                   '--vs-stock)')
    p.add_argument('--steps', type=int, default=3, help='timed steps')
    p.add_argument('--curve', type=int, default=0, metavar='N',
                   help='also train N steps per precision, compare losses')
    p.add_argument('--images', help='folder of training images')
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--vs-stock', action='store_true',
                   help='LIIF-GAN vs stock LIIF step time instead')
    p.add_argument('--device', default='cpu')
    p.add_argument('--cpu-time', action='store_true', help='time by this '
                   "process's CPU time, not wall time (robust on a loaded "
                   'machine; meaningful with --threads 1)')
    p.add_argument('--json', action='store_true')
    args = p.parse_args(argv)
    from liifgan_mm.utils import cli_checks
    try:
        cli_checks.device(args.device)
        cli_checks.whole_numbers(args, dict(batch=1, steps=1, curve=0,
                                            threads=1))
    except ValueError as e:
        p.error(str(e))
    if args.config and not osp.isfile(args.config):
        p.error(f'--config {args.config}: no such file')
    if args.images and not osp.isdir(args.images):
        p.error(f'--images {args.images}: no such folder')
    args.batch = args.batch or (16 if args.vs_stock else 8)
    args.config = args.config or str(
        REPO / 'configs' / 'liifgan' / 'liifgan_edsr-c64b16_1xb128-125k_div2k.py'
        if args.vs_stock else CONFIG)
    return args


def setup(threads, cpu_time=False):
    from liifgan_mm.utils.benchmark_setup import quiet_benchmark_setup
    quiet_benchmark_setup(threads, cpu_time)


def load_images(folder, seed):
    """RGB uint8 arrays of ``folder``'s images, or one synthetic image."""
    import numpy as np
    if not folder:
        rng = np.random.default_rng(seed)
        noise = rng.integers(0, 256, (64, 64, 3), dtype=np.uint8)
        from PIL import Image  # smooth-ish, not white noise
        return [np.asarray(Image.fromarray(noise).resize((256, 256),
                                                         Image.BICUBIC))]
    from liifgan_mm.evaluation.image_io import list_images, load_image
    return [load_image(os.path.join(folder, n)) for n in list_images(folder)]


def make_batches(cfg, images, batch, n, seed):
    """``n`` collated batches from the config's train pipeline."""
    import random

    import numpy as np
    from mmengine.dataset import Compose, pseudo_collate
    random.seed(seed)
    np.random.seed(seed)
    steps = [t for t in cfg.train_pipeline if t['type'] != 'LoadImageFromFile']
    pipeline = Compose(steps)
    out = []
    for i in range(n):
        items = []
        for j in range(batch):
            img = images[(i * batch + j) % len(images)]
            items.append(pipeline(dict(gt=img.copy(), gt_path=f'{j}.png')))
        out.append(pseudo_collate(items))
    return out


def build(cfg, seed):
    """``{'fp32': (model, optim), 'bf16': (model, optim)}``, same init."""
    from mmengine.optim import build_optim_wrapper

    from mmagic.registry import MODELS
    torch.manual_seed(seed)
    model = MODELS.build(cfg.model).train()
    runs = {}
    for prec in ('fp32', 'bf16'):
        m = copy.deepcopy(model)
        ocfg = copy.deepcopy(cfg.optim_wrapper)
        if prec == 'bf16':
            for key in ('generator', 'discriminator'):
                if key in ocfg:
                    ocfg[key]['type'] = 'BF16OptimWrapper'
        runs[prec] = (m, build_optim_wrapper(m, ocfg))
    return runs


def step(run, batch):
    from liifgan_mm.utils.benchmark_setup import timed
    model, optim = run
    data = copy.deepcopy(batch)
    t, logs = timed(lambda: model.train_step(data, optim), 'cpu')
    return t, {k: float(v) for k, v in logs.items()}


def stock_ratio(args):
    """LIIF-GAN vs stock LIIF training steps from their configs."""
    import numpy as np
    from mmengine.config import Config
    from mmengine.dataset import Compose, pseudo_collate
    from mmengine.optim import build_optim_wrapper

    import mmagic
    from mmagic.registry import MODELS

    from liifgan_mm.utils.benchmark_setup import timed
    stock_cfg = Path(mmagic.__file__).parent / '.mim' / 'configs' / 'liif' / \
        'liif-edsr-norm_c64b16_1xb16-1000k_div2k.py'
    ours_cfg = args.config
    rng = np.random.default_rng(0)
    img = rng.integers(0, 256, (256, 256, 3), dtype=np.uint8)
    runs = {}
    for name, path in (('stock', stock_cfg), ('liifgan', ours_cfg)):
        cfg = Config.fromfile(str(path))
        torch.manual_seed(0)
        model = MODELS.build(cfg.model).to(args.device).train()
        optim = build_optim_wrapper(model, cfg.optim_wrapper)
        pipeline = Compose(cfg.train_pipeline[1:])  # no LoadImageFromFile
        batch = pseudo_collate([
            pipeline(dict(gt=img.copy(), gt_path='synthetic.png'))
            for _ in range(args.batch)
        ])
        runs[name] = (model, optim, batch)
    head = runs['liifgan'][0].generator.head
    times = dict(stock=[], liifgan=[], liifgan_plain=[])
    for step in range(args.steps + 1):  # step 0: warm-up
        for key in times:
            model, optim, batch = runs[key.split('_')[0]]
            head.fast = key == 'liifgan'
            data = copy.deepcopy(batch)
            t, _ = timed(lambda: model.train_step(data, optim), args.device)
            if step:
                times[key].append(t)
    head.fast = True
    best = {k: min(v) for k, v in times.items()}
    return dict(
        train_batch=args.batch,
        train_step_stock_s=best['stock'],
        train_step_liifgan_s=best['liifgan'],
        train_step_liifgan_plain_s=best['liifgan_plain'],
        train_step_ratio=best['liifgan'] / best['stock'],
        train_step_ratio_plain=best['liifgan_plain'] / best['stock'])


def report(res, as_json):
    if as_json:
        print(json.dumps(res, indent=1))
        return
    for k, v in res.items():
        if not isinstance(v, list):
            print(f'{k:>16}: {v}')


def main(argv=None):
    args = parse_args(argv)
    setup(args.threads, args.cpu_time)
    if args.vs_stock:
        return report(dict(stock_ratio(args), threads=args.threads,
                           loadavg=os.getloadavg()[0]), args.json)
    from mmengine.config import Config
    cfg = Config.fromfile(args.config)
    cfg.model.generator.warm_start = None
    runs = build(cfg, args.seed)
    images = load_images(args.images, args.seed)
    n = max(args.steps + 1, args.curve)
    batches = make_batches(cfg, images, args.batch, n, args.seed)
    res = dict(config=Path(args.config).name, batch=args.batch,
               threads=args.threads, cpu_time=args.cpu_time,
               torch=torch.__version__,
               loadavg_start=os.getloadavg()[0])
    times = dict(fp32=[], bf16=[])
    for i in range(args.steps + 1):  # step 0: warm-up; interleaved
        for prec, run in runs.items():
            t, _ = step(run, batches[i])
            if i:
                times[prec].append(t)
    res.update(step_fp32_s=min(times['fp32']), step_bf16_s=min(times['bf16']),
               steps_fp32_s=times['fp32'], steps_bf16_s=times['bf16'])
    res['speedup'] = res['step_fp32_s'] / res['step_bf16_s']
    if args.curve:
        runs = build(cfg, args.seed)  # fresh, same init
        curves = {}
        for prec, run in runs.items():
            curves[prec] = [step(run, b)[1] for b in batches[:args.curve]]
        res.update(curve_steps=args.curve, curve_fp32=curves['fp32'],
                   curve_bf16=curves['bf16'], curve_rel_diff={
                       k: sum(abs(b[k] - a[k]) / max(abs(a[k]), 1e-12)
                              for a, b in zip(curves['fp32'],
                                              curves['bf16'])) / args.curve
                       for k in curves['fp32'][0]})
    res['loadavg_end'] = os.getloadavg()[0]  # other processes' CPU load
    report(res, args.json)


if __name__ == '__main__':
    main()
