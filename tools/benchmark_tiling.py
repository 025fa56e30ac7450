"""Tiled encoder: peak memory and time against the untiled model.

Builds the paper-size LIIF-GAN generator (EDSR c64b16, mid tap after block
8, two 256-wide LIIF decoders; ``--model small``: the shipped CPU recipe's,
c32b8 and 128-wide; random weights: time and memory do not depend on them) and decodes a whole output grid (``forward(size=...)``, what
``mim test``, ``tools/upsample.py`` and the inferencer run) twice, each in a
fresh child process:

- ``untiled``: the whole input through the encoder, then the grid decoder;
- ``tiled``: ``encoder_tile`` latents a side, each tile encoded with the
  encoder's receptive radius as halo (34 latents for 16 blocks).

Reported (``--json``: one object): per mode ``seconds``, ``peak_rss_mb``
(the child's peak resident memory; ``rss_before_mb``: its peak after
imports, model and input, before decoding; on CUDA also ``peak_cuda_mb``,
``torch.cuda.max_memory_allocated``) and ``output_mb`` (the output tensor
itself, which any method must hold), and ``max_abs_diff``: tiled vs untiled
on ``--check-input`` (a size where both fit), which must be <= 1e-5.

``--rows N`` decodes only the first N output rows (the untiled encoder still
encodes the whole input; the tiled one only the tiles those rows read), to
measure memory without decoding a 44-Mpixel output on a small CPU.

Examples::

    python tools/benchmark_tiling.py --json                     # 2040x1356 x4
    python tools/benchmark_tiling.py --device cuda --input 3456x4608 \\
        --scale 2 --json                                         # 4608x3456 x2
"""
import argparse
import json
import os
import subprocess
import sys
import time

# paper: EDSR c64b16, mid tap after block 8, 4 x 256 MLPs; small: the
# shipped CPU recipe (configs/liifgan/small/), c32b8, tap after 4, 2 x 128
MODELS_ = dict(
    paper=(dict(mid_channels=64, num_blocks=16), 8, [256, 256, 256, 256]),
    small=(dict(mid_channels=32, num_blocks=8), 4, [128, 128]))


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--input', default='1356x2040', metavar='HxW',
                   help='input size (default 1356x2040: a DIV2K photo)')
    p.add_argument('--scale', type=float, default=4.0)
    p.add_argument('--tile', type=int, default=96,
                   help='encoder_tile in latents (default 96)')
    p.add_argument('--rows', type=int, default=None,
                   help='decode only the first N output rows')
    p.add_argument('--modes', nargs='+', default=['untiled', 'tiled'],
                   choices=['untiled', 'tiled'])
    p.add_argument('--model', choices=list(MODELS_), default='paper',
                   help='generator size (default: the paper\'s)')
    p.add_argument('--check-input', default='96x128', metavar='HxW',
                   help='size of the exactness check (both modes, x scale)')
    p.add_argument('--device', default='cpu')
    p.add_argument('--threads', type=int, default=2, help='CPU threads')
    p.add_argument('--chunk', type=int, help='eval_bsize (default: 1024 on '
                   'CPU, 65536 on GPU)')
    p.add_argument('--json', action='store_true')
    p.add_argument('--child', choices=['untiled', 'tiled'],
                   help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    from liifgan_mm.utils import cli_checks
    try:
        cli_checks.device(args.device)
        cli_checks.scale_list([args.scale], '--scale')
        cli_checks.whole_numbers(args, dict(tile=1, rows=1, threads=1,
                                            chunk=1))
    except ValueError as e:
        p.error(str(e))
    args.chunk = args.chunk or (1024 if args.device == 'cpu' else 65536)
    return args


def _hw(text):
    h, w = (int(v) for v in text.lower().split('x'))
    return h, w


def build(args, tile=None):
    """The ``args.model`` generator on ``args.device``, eval mode."""
    import logging

    import torch
    from mmengine.logging import MMLogger
    from mmagic.utils import register_all_modules
    torch.set_num_threads(args.threads)
    for h in MMLogger.get_current_instance().handlers:  # stdout: JSON only
        if type(h) is logging.StreamHandler:
            h.setLevel(logging.ERROR)
    register_all_modules()
    import liifgan_mm  # noqa: F401
    from mmagic.registry import MODELS
    torch.manual_seed(0)
    enc, mid, hidden = MODELS_[args.model]
    gen = MODELS.build(dict(
        type='LIIFGANEDSRNet', mid_block=mid, encoder_tile=tile,
        encoder=dict(type='EDSRNet', in_channels=3, out_channels=3, **enc),
        head=dict(type='DualImplicitHead', eval_bsize=args.chunk,
                  decoder=dict(type='MLPRefiner', out_dim=3,
                               hidden_list=hidden))))
    return gen.to(args.device).eval()


def run(gen, x, size, rows=None):
    """Whole-grid output (``rows``: a strip), as ``forward(size=...)``."""
    if gen.encoder_tile:
        return gen.predict_tiled(x, size, rows=rows)
    return gen.head.predict(*gen.gen_features(x), size, rows=rows)


def child(args):
    """One mode in this (fresh) process; prints its JSON line."""
    import torch
    from liifgan_mm.utils.process_memory import peak_rss_mb  # VmHWM
    gen = build(args, args.tile if args.child == 'tiled' else None)
    h, w = _hw(args.input)
    size = (round(h * args.scale), round(w * args.scale))
    rows = range(min(args.rows, size[0])) if args.rows else None
    x = torch.randn(1, 3, h, w, generator=torch.Generator().manual_seed(0))
    x = x.to(args.device)
    cuda = args.device.startswith('cuda')
    rss_before = round(peak_rss_mb())
    if cuda:
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()
    t0 = time.perf_counter()
    with torch.no_grad():
        out = run(gen, x, size, rows)
    if cuda:
        torch.cuda.synchronize()
    rec = dict(mode=args.child, seconds=round(time.perf_counter() - t0, 2),
               peak_rss_mb=round(peak_rss_mb()),
               rss_before_mb=rss_before,
               output_mb=round(out.numel() * out.element_size() / 2**20),
               output_shape=list(out.shape))
    if cuda:
        rec['peak_cuda_mb'] = round(torch.cuda.max_memory_allocated() / 2**20)
    print(json.dumps(rec))


def run_child(argv, mode):
    cmd = [sys.executable, os.path.abspath(__file__), '--child', mode] + [
        a for a in argv if a != '--json']
    res = subprocess.run(cmd, capture_output=True, text=True,
                         env=dict(os.environ, LIIFGAN_OFFLINE='1'))
    if res.returncode:
        return dict(mode=mode, error=res.stderr.strip().splitlines()[-1])
    return json.loads(res.stdout.strip().splitlines()[-1])


def check(args):
    """``max_abs_diff`` of tiled vs untiled on ``--check-input``."""
    import torch
    gen = build(args)
    h, w = _hw(args.check_input)
    size = (round(h * args.scale), round(w * args.scale))
    x = torch.randn(1, 3, h, w, generator=torch.Generator().manual_seed(1))
    x = x.to(args.device)
    with torch.no_grad():
        ref = run(gen, x, size)
        gen.encoder_tile = max(8, min(args.tile, h // 3))  # several tiles
        out = run(gen, x, size)
    return dict(radius=gen.receptive_radius, check_input=[h, w],
                check_output=list(size),
                check_tile=gen.encoder_tile,
                max_abs_diff=float((out - ref).abs().max()))


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    args = parse_args(argv)
    if args.child:
        return child(args)
    res = dict(device=args.device, threads=args.threads,
               input=list(_hw(args.input)), scale=args.scale,
               tile=args.tile, rows=args.rows, chunk=args.chunk)
    res.update(check(args))
    for mode in args.modes:
        res[mode] = run_child(argv, mode)
    if args.json:
        print(json.dumps(res))
    else:
        for k, v in res.items():
            print(f'{k}: {v}')
    return res


if __name__ == '__main__':
    main()
