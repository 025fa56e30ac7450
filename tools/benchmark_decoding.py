"""Implicit decoding: our fast path vs mmagic's LIIF, side by side.

One run builds mmagic's ``LIIFEDSRNet`` (EDSR-baseline encoder, LIIF's
MLP, ``eval_bsize=30000`` as in mmagic's config) and our decoder-1 path
(``LIIFGANEDSRNet``, one decoder) with identical random weights, on the same
device and thread count, and reports (``--json``: one JSON object):

- ``max_abs_diff_x4``: our exact (fp32) x4 output vs theirs (same
  features);
- ``speedup_x4``: their / our decoding time, 128^2 features -> 512^2
  (min over interleaved repeats); ``speedup_x4_end_to_end`` adds the
  encoder time (the same network for both) to each side;
  ``speedup_x4_fp32_their_chunk``: ours run with their chunk size too;
  ``speedup_x4_bf16``: ours with ``head.precision='bf16'`` (``_int8``
  with ``--int8``: the tail dynamically quantized, measured only);
- ``speedup_x30*``: the same on a strip of ``--x30-band`` rows of a 256^2
  -> 7680^2 output (their coordinates built for the strip only);
- ``x4``/``x30``: per mode (``theirs``, ``fp32``, ``bf16``, ...) the time
  (s), ``_gflops`` (the decoder's matmul/conv FLOPs over its time),
  ``_mpix_s`` (output megapixels/s) and ``_max_abs_diff`` vs theirs;
- ``matmul_gflops``/``matmul_gflops_bf16``: a plain ``[4 * chunk, 256] x
  [256, 256]`` matmul in fp32/bf16, measured in the same run, and
  ``decoder_vs_matmul[_bf16]``: our decoder's rate over it;
- ``peak_rss_mb_x30[_bf16]``: peak RSS of a child process that runs our
  model on a 256^2 input to the whole 7680^2 output (``--x30-rows``: only
  the first rows); ``rss_mb_before_x30`` is its RSS after imports and
  model build;

The tiled *encoder* (peak memory and time on large inputs, tiled vs
untiled) has its own script: ``tools/benchmark_tiling.py``.

Example::

    python tools/benchmark_decoding.py --json            # CPU, 2 threads
    python tools/benchmark_decoding.py --int8 --x30-rows 64 --json
    python tools/benchmark_decoding.py --device cuda --json
"""
import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import torch

from liifgan_mm.utils.benchmark_setup import timed
from liifgan_mm.utils.process_memory import peak_rss_mb  # VmHWM

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
    p.add_argument('--skip', nargs='*', default=[],
                   choices=['x4', 'x30', 'rss'])
    p.add_argument('--int8', action='store_true', help='also time int8 '
                   'dynamic quantization of the decoder tail (measured, '
                   'not a mode of the package)')
    p.add_argument('--cpu-time', action='store_true', help='time by this '
                   "process's CPU time, not wall time (robust on a loaded "
                   'machine; meaningful with --threads 1)')
    p.add_argument('--json', action='store_true')
    p.add_argument('--child-x30', action='store_true', help=argparse.SUPPRESS)
    p.add_argument('--child-precision', default='fp32',
                   help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    from liifgan_mm.utils import cli_checks
    try:
        cli_checks.device(args.device)
        cli_checks.whole_numbers(args, dict(
            threads=1, repeat=1, chunk=1, their_chunk=1, x30_band=1,
            x30_rows=1))
    except ValueError as e:
        p.error(str(e))
    if args.chunk is None:
        args.chunk = 1024 if args.device == 'cpu' else 65536
    return args


def setup(args):
    from liifgan_mm.utils.benchmark_setup import quiet_benchmark_setup
    quiet_benchmark_setup(args.threads, args.cpu_time)


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


def int8_split(head):
    """``head._split`` whose tail is the dynamically quantized (int8,
    fbgemm/VNNI) copy of the decoder's layers after the first."""
    import torch.nn as nn
    from torch.ao.quantization import quantize_dynamic

    from liifgan_mm.models.editors.liifgan.precision import LowPrecisionTail

    class Int8Tail(LowPrecisionTail):
        def __init__(self, tail):
            self.seq = quantize_dynamic(nn.Sequential(*tail), {nn.Linear},
                                        dtype=torch.qint8)
            self.out_features = tail[-1].out_features

        def __call__(self, x, work=None):
            return self.seq(x)

    split = head._split

    def _split(decoder, low=None):
        out = split(decoder)
        out['tail'] = Int8Tail(out['tail'])
        return out
    return _split


def compare(args, theirs, ours, in_size, scale, rows=None):
    """Interleaved decoding runs: mmagic's, ours in fp32 (also at their
    chunk size), bf16 and (``--int8``) int8; times, FLOP rates, output
    pixels/s and max |diff| vs mmagic's output."""
    dev = args.device
    x = torch.rand(1, 3, in_size, in_size, device=dev)
    size = (in_size * scale, in_size * scale)
    rows = rows or range(size[0])
    coord, cell = strip_coords(size, rows, dev)
    head = ours.head
    modes = dict(fp32=('fp32', args.chunk, head._split),
                 fp32_their_chunk=('fp32', args.their_chunk, head._split),
                 bf16=('bf16', args.chunk, head._split))
    if args.int8:
        modes['int8'] = ('fp32', args.chunk, int8_split(head))
    times = {k: [] for k in ('theirs', 'encoder', *modes)}
    outs = {}
    with torch.no_grad():
        for _ in range(args.repeat):
            te, feat = timed(lambda: theirs.gen_feature(x), dev)
            tt, ref = timed(lambda: theirs.batched_predict(feat, coord, cell),
                            dev)
            times['encoder'].append(te)
            times['theirs'].append(tt)
            for mode, (prec, chunk, split) in modes.items():
                head.precision, head.eval_bsize, head._split = \
                    prec, chunk, split
                t, outs[mode] = timed(
                    lambda: head.predict(feat, None, size, rows), dev)
                times[mode].append(t)
    head.precision, head.eval_bsize = 'fp32', args.chunk
    del head._split  # the class's method again
    ref = ref.view(1, len(rows), size[1], 3).permute(0, 3, 1, 2)
    n = coord.shape[1]
    best = {k: min(v) for k, v in times.items()}
    res = dict(best, pixels=n)
    for mode in ('theirs', *modes):
        fl = decoder_flops(ours, n, in_size**2, mode != 'theirs')
        res[mode + '_gflops'] = fl / best[mode] / 1e9
        res[mode + '_mpix_s'] = n / best[mode] / 1e6
        if mode != 'theirs':
            res[mode + '_max_abs_diff'] = (ref - outs[mode]).abs().max(
            ).item()
    return res


def matmul_gflops(args, dtype=torch.float32):
    """A plain matmul shaped like one of our decoder blocks' layers."""
    m = 4 * args.chunk
    a = torch.randn(m, 256, device=args.device, dtype=dtype)
    b = torch.randn(256, 256, device=args.device, dtype=dtype)
    out = torch.empty(m, 256, device=args.device, dtype=dtype)
    reps = max(1, (2 ** 31) // (2 * m * 256 * 256))
    best = float('inf')
    for _ in range(args.repeat):
        t, _ = timed(lambda: [torch.mm(a, b, out=out) for _ in range(reps)],
                     args.device)
        best = min(best, t)
    return 2 * m * 256 * 256 * reps / best / 1e9


def child_x30(args):
    """Runs in a fresh process: our net, 256^2 -> 7680^2, peak RSS."""
    _, ours = build_pair(args)
    ours.head.precision = args.child_precision
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


def run_child(args, precision='fp32'):
    cmd = [sys.executable, __file__, '--child-x30', '--device', args.device,
           '--threads', str(args.threads), '--chunk', str(args.chunk),
           '--child-precision', precision]
    if args.x30_rows:
        cmd += ['--x30-rows', str(args.x30_rows)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True,
                         cwd=REPO).stdout
    return json.loads(out.strip().splitlines()[-1])


def main(argv=None):
    args = parse_args(argv)
    setup(args)
    if args.child_x30:
        return child_x30(args)
    res = dict(device=args.device, threads=args.threads, chunk=args.chunk,
               cpu_time=args.cpu_time,
               their_chunk=args.their_chunk, torch=torch.__version__,
               loadavg_start=os.getloadavg()[0])
    theirs, ours = build_pair(args)
    for tag, in_size, scale, rows in (
            ('x4', 128, 4, None), ('x30', 256, 30, range(args.x30_band))):
        if tag in args.skip:
            continue
        r = compare(args, theirs, ours, in_size, scale, rows)
        res[tag] = r
        modes = [m for m in ('fp32', 'fp32_their_chunk', 'bf16', 'int8')
                 if m in r]
        res.update({f'speedup_{tag}' + ('' if m == 'fp32' else '_' + m):
                    r['theirs'] / r[m] for m in modes})
        res[f'max_abs_diff_{tag}'] = r['fp32_max_abs_diff']
    if 'x4' in res:  # the goals are stated at x4
        r = res['x4']
        res.update(
            speedup_x4_end_to_end=(r['theirs'] + r['encoder']) /
            (r['fp32'] + r['encoder']),
            speedup_x4_end_to_end_bf16=(r['theirs'] + r['encoder']) /
            (r['bf16'] + r['encoder']),
            decoder_gflops=r['fp32_gflops'],
            decoder_gflops_bf16=r['bf16_gflops'],
            their_decoder_gflops=r['theirs_gflops'],
            matmul_gflops=matmul_gflops(args),
            matmul_gflops_bf16=matmul_gflops(args, torch.bfloat16))
        res['decoder_vs_matmul'] = res['decoder_gflops'] / res['matmul_gflops']
        res['decoder_vs_matmul_bf16'] = res['decoder_gflops_bf16'] / \
            res['matmul_gflops_bf16']
    del theirs, ours
    if 'rss' not in args.skip:
        res.update(run_child(args))
        res.update({k + '_bf16': v
                    for k, v in run_child(args, 'bf16').items()})
    res['loadavg_end'] = os.getloadavg()[0]  # other processes' CPU load
    if args.json:
        print(json.dumps(res, indent=1))
    else:
        for k, v in res.items():
            if not isinstance(v, dict):
                print(f'{k:>26}: {v:.4g}' if isinstance(v, float) else
                      f'{k:>26}: {v}')


if __name__ == '__main__':
    main()
