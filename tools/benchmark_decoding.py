"""Implicit decoding: our fast path vs mmagic's LIIF, side by side.

One run builds mmagic's ``LIIFEDSRNet`` (EDSR-baseline encoder, LIIF's
MLP, ``eval_bsize=30000`` as in mmagic's config) and our decoder-1 path
(``LIIFGANEDSRNet``, one decoder) with identical random weights, on the same
device and thread count, and reports (``--json``: one JSON object):

- ``max_abs_diff``: our x4 output vs theirs (same features);
- ``speedup_x4``: their / our decoding time, 128^2 features -> 512^2
  (min over interleaved repeats); ``speedup_x4_end_to_end`` adds the
  encoder time (the same network for both) to each side;
  ``speedup_x4_their_chunk``: ours run with their chunk size too;
- ``speedup_x30``: the same on a strip of ``--x30-band`` rows of a 256^2 ->
  7680^2 output (their coordinates built for the strip only);
- ``peak_rss_mb_x30``: peak RSS of a child process that runs our model on
  a 256^2 input to the whole 7680^2 output (``--x30-rows``: only the first
  rows); ``rss_mb_before_x30`` is its RSS after imports and model build;
- ``decoder_gflops`` (our decoder's matmul/conv FLOPs over its time),
  ``their_decoder_gflops`` likewise, and ``matmul_gflops``: a plain fp32
  ``[4 * chunk, 256] x [256, 256]`` matmul, measured in the same run;
- ``train_step_ratio``: LIIF-GAN (its DIV2K config) / stock LIIF (mmagic's
  config) training-step time at the same batch, 48^2 inputs, each config's
  own pipeline on a synthetic image; ``train_step_ratio_plain``: LIIF-GAN
  with the plain (non-fast) head.

The tiled *encoder* (peak memory and time on large inputs, tiled vs
untiled) has its own script: ``tools/benchmark_tiling.py``.

Example::

    python tools/benchmark_decoding.py --json            # CPU, 2 threads
    python tools/benchmark_decoding.py --device cuda --json
"""
import argparse
import copy
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import torch

REPO = Path(__file__).resolve().parents[1]
ENC = dict(type='EDSRNet', in_channels=3, out_channels=3, mid_channels=64,
           num_blocks=16)
MLP = dict(type='MLPRefiner', out_dim=3, hidden_list=[256, 256, 256, 256])


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--device', default='cpu')
    p.add_argument('--threads', type=int, default=2, help='CPU threads')
    p.add_argument('--repeat', type=int, default=5)
    p.add_argument('--chunk', type=int, help='our eval_bsize (default: '
                   '1024 on CPU, 65536 on GPU)')
    p.add_argument('--their-chunk', type=int, default=30000)
    p.add_argument('--x30-band', type=int, default=8,
                   help='output rows of the x30 speed comparison')
    p.add_argument('--x30-rows', type=int, help='rows decoded in the peak '
                   'RSS run (default: all 7680)')
    p.add_argument('--train-batch', type=int, default=16)
    p.add_argument('--train-steps', type=int, default=4)
    p.add_argument('--skip', nargs='*', default=[],
                   choices=['x4', 'x30', 'rss', 'train'])
    p.add_argument('--json', action='store_true')
    p.add_argument('--child-x30', action='store_true', help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.chunk is None:
        args.chunk = 1024 if args.device == 'cpu' else 65536
    return args


def setup(args):
    import logging

    from mmengine.logging import MMLogger
    torch.set_num_threads(args.threads)
    os.environ.setdefault('LIIFGAN_OFFLINE', '1')
    for h in MMLogger.get_current_instance().handlers:  # stdout: JSON only
        if type(h) is logging.StreamHandler:
            h.setStream(sys.stderr)
    from mmagic.utils import register_all_modules
    register_all_modules()
    import liifgan_mm  # noqa: F401


def timed(fn, device):
    if device != 'cpu':
        torch.cuda.synchronize()
    t = time.perf_counter()
    out = fn()
    if device != 'cpu':
        torch.cuda.synchronize()
    return time.perf_counter() - t, out


def build_pair(args):
    """mmagic's LIIFEDSRNet and our one-decoder net, same weights."""
    from mmagic.registry import MODELS
    torch.manual_seed(0)
    theirs = MODELS.build(dict(type='LIIFEDSRNet', encoder=ENC,
                               imnet=dict(MLP, in_dim=64),
                               eval_bsize=args.their_chunk))
    ours = MODELS.build(dict(
        type='LIIFGANEDSRNet', encoder=ENC, mid_block=None,
        head=dict(type='DualImplicitHead', decoder=MLP, dual=False,
                  eval_bsize=args.chunk)))
    state = {k.replace('imnet.', 'head.decoder1.'): v
             for k, v in theirs.state_dict().items()}
    ours.load_state_dict(state)
    return theirs.to(args.device).eval(), ours.to(args.device).eval()


def strip_coords(size, rows, device):
    """mmagic's coordinates and cells (``[1, n, 2]``) for output rows
    ``rows``."""
    from liifgan_mm.models.editors.liifgan.grid_query import grid_coords
    coord, cell = grid_coords(size, rows, device=device)
    return coord[None], cell[None]


def decoder_flops(net, n_queries, feat_hw, ours):
    """Matmul/conv FLOPs of one decoder: ours = first layer as a conv on
    the latents + the other layers per corner; theirs = all layers per
    corner."""
    layers = [m for m in net.head.decoder1.layers
              if isinstance(m, torch.nn.Linear)]
    first, rest = layers[0], layers[1:]
    tail = sum(m.in_features * m.out_features for m in rest)
    per_corner = tail + (0 if ours else first.in_features *
                         first.out_features)
    conv = feat_hw * (first.in_features - 4) * first.out_features
    return 2 * (4 * n_queries * per_corner + (conv if ours else 0))


def compare(args, theirs, ours, in_size, scale, rows=None):
    """Interleaved decoding runs; returns a dict of times and the diff."""
    dev = args.device
    x = torch.rand(1, 3, in_size, in_size, device=dev)
    size = (in_size * scale, in_size * scale)
    rows = rows or range(size[0])
    coord, cell = strip_coords(size, rows, dev)
    t_t, t_o, t_e, t_s = [], [], [], []
    head = ours.head
    with torch.no_grad():
        for _ in range(args.repeat):
            te, feat = timed(lambda: theirs.gen_feature(x), dev)
            tt, ref = timed(lambda: theirs.batched_predict(feat, coord, cell),
                            dev)
            to, out = timed(lambda: head.predict(feat, None, size, rows), dev)
            head.eval_bsize = args.their_chunk  # ours at their chunk size
            ts, _ = timed(lambda: head.predict(feat, None, size, rows), dev)
            head.eval_bsize = args.chunk
            t_t.append(tt)
            t_o.append(to)
            t_e.append(te)
            t_s.append(ts)
    ref = ref.view(1, len(rows), size[1], 3).permute(0, 3, 1, 2)
    n = coord.shape[1]
    return dict(
        theirs_s=min(t_t), ours_s=min(t_o), encoder_s=min(t_e),
        ours_their_chunk_s=min(t_s),
        max_abs_diff=(ref - out).abs().max().item(),
        ours_gflops=decoder_flops(ours, n, in_size**2, True) / min(t_o) / 1e9,
        theirs_gflops=decoder_flops(ours, n, in_size**2, False) / min(t_t) /
        1e9)


def matmul_gflops(args):
    """A plain fp32 matmul shaped like one of our decoder blocks' layers."""
    m = 4 * args.chunk
    a = torch.randn(m, 256, device=args.device)
    b = torch.randn(256, 256, device=args.device)
    out = torch.empty(m, 256, device=args.device)
    reps = max(1, (2 ** 31) // (2 * m * 256 * 256))
    best = float('inf')
    for _ in range(args.repeat):
        t, _ = timed(lambda: [torch.mm(a, b, out=out) for _ in range(reps)],
                     args.device)
        best = min(best, t)
    return 2 * m * 256 * 256 * reps / best / 1e9


def peak_rss_mb():
    """This process's peak RSS: ``VmHWM`` (Linux; ``ru_maxrss`` would
    include the parent's RSS at fork), else ``ru_maxrss``."""
    try:
        with open('/proc/self/status') as f:
            for line in f:
                if line.startswith('VmHWM:'):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_x30(args):
    """Runs in a fresh process: our net, 256^2 -> 7680^2, peak RSS."""
    _, ours = build_pair(args)
    rss0 = peak_rss_mb()
    size = (7680, 7680)
    rows = range(args.x30_rows or size[0])
    x = torch.rand(1, 3, 256, 256, device=args.device)
    with torch.no_grad():
        t, out = timed(
            lambda: ours.head.predict(*ours.gen_features(x), size, rows),
            args.device)
    res = dict(peak_rss_mb_x30=peak_rss_mb(), rss_mb_before_x30=rss0,
               x30_seconds=t, x30_rows=len(rows),
               x30_output_shape=list(out.shape))
    if args.device != 'cpu':
        res['peak_gpu_mb_x30'] = torch.cuda.max_memory_allocated() / 2**20
    print(json.dumps(res))


def run_child(args):
    cmd = [sys.executable, __file__, '--child-x30', '--device', args.device,
           '--threads', str(args.threads), '--chunk', str(args.chunk)]
    if args.x30_rows:
        cmd += ['--x30-rows', str(args.x30_rows)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True,
                         cwd=REPO).stdout
    return json.loads(out.strip().splitlines()[-1])


def train_step_times(args):
    """LIIF-GAN vs stock LIIF training steps from their configs."""
    import numpy as np
    from mmengine.config import Config
    from mmengine.dataset import Compose, pseudo_collate
    from mmengine.optim import build_optim_wrapper

    import mmagic
    from mmagic.registry import MODELS
    stock_cfg = Path(mmagic.__file__).parent / '.mim' / 'configs' / 'liif' / \
        'liif-edsr-norm_c64b16_1xb16-1000k_div2k.py'
    ours_cfg = REPO / 'configs' / 'liifgan' / \
        'liifgan_edsr-c64b16_1xb128-125k_div2k.py'
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
            for _ in range(args.train_batch)
        ])
        runs[name] = (model, optim, batch)
    head = runs['liifgan'][0].generator.head
    times = dict(stock=[], liifgan=[], liifgan_plain=[])
    for step in range(args.train_steps + 1):  # step 0: warm-up
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
        train_batch=args.train_batch,
        train_step_stock_s=best['stock'],
        train_step_liifgan_s=best['liifgan'],
        train_step_liifgan_plain_s=best['liifgan_plain'],
        train_step_ratio=best['liifgan'] / best['stock'],
        train_step_ratio_plain=best['liifgan_plain'] / best['stock'])


def main(argv=None):
    args = parse_args(argv)
    setup(args)
    if args.child_x30:
        return child_x30(args)
    res = dict(device=args.device, threads=args.threads, chunk=args.chunk,
               their_chunk=args.their_chunk, torch=torch.__version__,
               loadavg_start=os.getloadavg()[0])
    theirs, ours = build_pair(args)
    if 'x4' not in args.skip:
        r = compare(args, theirs, ours, 128, 4)
        res.update(
            speedup_x4=r['theirs_s'] / r['ours_s'],
            speedup_x4_their_chunk=r['theirs_s'] / r['ours_their_chunk_s'],
            speedup_x4_end_to_end=(r['theirs_s'] + r['encoder_s']) /
            (r['ours_s'] + r['encoder_s']),
            max_abs_diff=r['max_abs_diff'], x4_theirs_s=r['theirs_s'],
            x4_ours_s=r['ours_s'], x4_encoder_s=r['encoder_s'],
            decoder_gflops=r['ours_gflops'],
            their_decoder_gflops=r['theirs_gflops'],
            matmul_gflops=matmul_gflops(args))
        res['decoder_vs_matmul'] = res['decoder_gflops'] / res['matmul_gflops']
    if 'x30' not in args.skip:
        r = compare(args, theirs, ours, 256, 30, range(args.x30_band))
        res.update(speedup_x30=r['theirs_s'] / r['ours_s'],
                   speedup_x30_their_chunk=r['theirs_s'] /
                   r['ours_their_chunk_s'],
                   x30_band_rows=args.x30_band,
                   x30_band_theirs_s=r['theirs_s'],
                   x30_band_ours_s=r['ours_s'],
                   max_abs_diff_x30=r['max_abs_diff'])
    del theirs, ours
    if 'train' not in args.skip:
        res.update(train_step_times(args))
    if 'rss' not in args.skip:
        res.update(run_child(args))
    res['loadavg_end'] = os.getloadavg()[0]  # other processes' CPU load
    if args.json:
        print(json.dumps(res, indent=1))
    else:
        for k, v in res.items():
            print(f'{k:>26}: {v:.4g}' if isinstance(v, float) else
                  f'{k:>26}: {v}')


if __name__ == '__main__':
    main()
