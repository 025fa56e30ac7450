"""GAN training step in fp32 vs bf16 autocast, side by side.

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

Example (the paper-size photo recipe, batch 8, 2 threads)::

    python tools/benchmark_train_step.py --batch 8 --steps 3 --json
    python tools/benchmark_train_step.py --batch 8 --curve 30 --images \\
        data/photos/train_sub --json
"""
import argparse
import copy
import json
import os
import sys
import time
from pathlib import Path

import torch

REPO = Path(__file__).resolve().parents[1]
CONFIG = REPO / 'configs' / 'liifgan' / \
    'liifgan-sf_edsr-c64b16_1xb16-10k_photos.py'


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--config', default=str(CONFIG))
    p.add_argument('--batch', type=int, default=8)
    p.add_argument('--steps', type=int, default=3, help='timed steps')
    p.add_argument('--curve', type=int, default=0, metavar='N',
                   help='also train N steps per precision, compare losses')
    p.add_argument('--images', help='folder of training images')
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--json', action='store_true')
    return p.parse_args(argv)


def setup(threads):
    import logging

    from mmengine.logging import MMLogger
    torch.set_num_threads(threads)
    os.environ.setdefault('LIIFGAN_OFFLINE', '1')
    for h in MMLogger.get_current_instance().handlers:  # stdout: JSON only
        if type(h) is logging.StreamHandler:
            h.setStream(sys.stderr)
    from mmagic.utils import register_all_modules
    register_all_modules()
    import liifgan_mm  # noqa: F401


def load_images(folder, seed):
    """RGB uint8 arrays of ``folder``'s images, or one synthetic image."""
    import numpy as np
    if not folder:
        rng = np.random.default_rng(seed)
        noise = rng.integers(0, 256, (64, 64, 3), dtype=np.uint8)
        from PIL import Image  # smooth-ish, not white noise
        return [np.asarray(Image.fromarray(noise).resize((256, 256),
                                                         Image.BICUBIC))]
    from liifgan_mm.evaluation.benchmark import list_images
    from liifgan_mm.evaluation.image_io import load_image
    return [load_image(p) for p in list_images(folder)]


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
    model, optim = run
    t = time.perf_counter()
    logs = model.train_step(copy.deepcopy(batch), optim)
    return time.perf_counter() - t, {k: float(v) for k, v in logs.items()}


def main(argv=None):
    args = parse_args(argv)
    setup(args.threads)
    from mmengine.config import Config
    cfg = Config.fromfile(args.config)
    cfg.model.generator.warm_start = None
    runs = build(cfg, args.seed)
    images = load_images(args.images, args.seed)
    n = max(args.steps + 1, args.curve)
    batches = make_batches(cfg, images, args.batch, n, args.seed)
    res = dict(config=Path(args.config).name, batch=args.batch,
               threads=args.threads, torch=torch.__version__,
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
    if args.json:
        print(json.dumps(res, indent=1))
    else:
        for k, v in res.items():
            if not isinstance(v, list):
                print(f'{k:>16}: {v}')


if __name__ == '__main__':
    main()
