"""The paper's comparison table from one command.

Evaluates every row at every scale on a folder of images and writes, in
OUT_DIR: table.csv (the reference CSVs' columns), table.md, optionally
table.tex, psnr_vs_scale.png, lpips_vs_scale.png, crops.png, and cache/
(per-row results: run the same command again to resume).

Example (DIV2K validation HR folder, paper protocol)::

    python tools/benchmark_table.py data/DIV2K/DIV2K_valid_HR out/div2k \\
        --row Bicubic \\
        --row "EDSR(x4)=mmagic::edsr/edsr_x4c64b16_1xb16-300k_div2k.py:edsr_x4.pth" \\
        --row "ESRGAN(x4)=mmagic::esrgan/esrgan_x4c64b23g32_1xb16-400k_div2k.py:esrgan_x4.pth" \\
        --row "LIIF=mmagic::liif/liif-edsr-norm_c64b16_1xb16-1000k_div2k.py:liif.pth" \\
        --row "LIIF-GAN=configs/liifgan/liifgan_edsr-c64b16_1xb128-125k_div2k.py:work_dirs/liifgan_edsr-c64b16_1xb128-125k_div2k/iter_125000.pth" \\
        --reference paper --latex

CelebA-HQ (64 px input, target 64*s): add ``--protocol celebahq``.

Every model row needs a checkpoint (``--random-weights`` runs random
weights instead, for tests). An unreadable image, or an image/scale that
cannot be evaluated, is reported in one line and left out; the run goes on
and exits 1 at the end. A metric an image is too small for (SSIM at x7 on a
40 px image) is left out of that mean and counted in the table's notes.
"""  # noqa: E501
import argparse
import os.path as osp
import sys

PAPER_SCALES = (2, 3, 4, 4.5, 5, 5.5, 6, 6.5, 7)  # = continuous_protocol's

PROTOCOL_NOTE = dict(
    div2k='Protocol (LIIF, DIV2K): input = bicubic(GT) at floor(H/s) x '
    'floor(W/s), GT cropped to round(h*s) x round(w*s); PSNR/SSIM on RGB '
    'with ceil(s)+6 border pixels shaved; LPIPS ({net}) on the full image.',
    celebahq='Protocol (CelebA-HQ): input = bicubic(image) at {n}x{n}, GT = '
    'bicubic(image) at round({n}*s); PSNR/SSIM on RGB, no border shaved; '
    'LPIPS ({net}) on the full image.')


def parse_args(argv=None):
    p = argparse.ArgumentParser(
        description=__doc__.split('\n\n')[0],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('data_dir', help='folder of GT / original images')
    p.add_argument('out_dir', help='where the table, figures, cache go')
    p.add_argument('--row', action='append', default=[], metavar='SPEC',
                   help='NAME, NAME=CONFIG or NAME=CONFIG:CHECKPOINT '
                   '(repeatable; only Bicubic needs no config). Rows named '
                   'as in the paper come in its order, others after them')
    p.add_argument('--rows', help='YAML/JSON list of {name, config, '
                   'checkpoint, gan, cfg_options}')
    p.add_argument('--protocol', choices=['div2k', 'celebahq'],
                   default='div2k')
    p.add_argument('--scales', type=float, nargs='+',
                   default=list(PAPER_SCALES))
    p.add_argument('--input-size', type=int, default=64,
                   help='CelebA-HQ input side (default 64)')
    p.add_argument('--reference', metavar='paper|CSV',
                   help="show 'paper' numbers (or a CSV's) beside ours")
    p.add_argument('--latex', action='store_true', help='write table.tex')
    p.add_argument('--device', default=None, help='cpu, cuda (default: '
                   'cuda when available)')
    p.add_argument('--max-images', type=int, help='first N images only')
    p.add_argument('--precision', choices=['fp32', 'bf16'],
                   help='decoding precision of the LIIF-GAN-model rows '
                   '(model.generator.head.precision) and, for bf16, of '
                   'stock mmagic LIIF rows (run as the same one-decoder '
                   'LIIF-GAN network); other rows are unaffected; '
                   'default: each config\'s (fp32)')
    p.add_argument('--lpips-net', default='alex', choices=['alex', 'vgg'])
    p.add_argument('--crop-image', help='image of the crop grid '
                   '(default: the first)')
    p.add_argument('--crop-center', type=float, nargs=2, default=(.5, .5),
                   metavar=('Y', 'X'), help='fractions of the GT')
    p.add_argument('--crop-size', type=float, default=.25,
                   help='fraction of the GT shorter side')
    p.add_argument('--no-resume', action='store_true',
                   help='ignore results cached by earlier runs')
    p.add_argument('--no-progress', action='store_true')
    p.add_argument('--title', help='table heading')
    p.add_argument('--random-weights', action='store_true',
                   help='allow model rows without a checkpoint (random '
                   'weights, meaningless numbers: tests only)')
    args = p.parse_args(argv)
    if not args.row and not args.rows:
        p.error('give at least one --row or --rows')
    from liifgan_mm.utils.cli_checks import scale_list
    try:  # after parsing: --help imports nothing heavy
        scale_list(args.scales)
    except ValueError as e:
        p.error(str(e))
    if args.max_images is not None and args.max_images < 1:
        p.error('--max-images must be at least 1')
    if not osp.isdir(args.data_dir):
        p.error(f'data_dir {args.data_dir} is not a folder')
    return args, p


def set_precision(specs, precision):
    """Names of the rows whose decoding precision is set; their
    ``cfg_options`` get it. LIIF-GAN models (``model.type == 'LIIFGAN'``):
    ``model.generator.head.precision``. Stock mmagic LIIF rows, for any
    precision but fp32 (their default path stays mmagic's own model): the
    model becomes the same network as a one-decoder ``LIIFGANEDSRNet``
    (:mod:`liifgan_mm.models.editors.liifgan.from_liif`), which has it."""
    from liifgan_mm.models.editors.liifgan.from_liif import (
        is_stock_liif, liifgan_config_of_liif)
    names = []
    for spec in specs:
        model = spec.load_config().model if spec.config else {}
        if model.get('type') == 'LIIFGAN':
            opts = {'model.generator.head.precision': precision}
        elif is_stock_liif(model) and precision != 'fp32':
            opts = {'model': dict(liifgan_config_of_liif(
                model.to_dict(), precision), _delete_=True)}
        else:
            continue
        spec.cfg_options = dict(spec.cfg_options, **opts)
        names.append(spec.name if 'model' not in opts else
                     f'{spec.name} (mmagic LIIF run as LIIFGANEDSRNet)')
    return names


def _note(args, images, specs, bench):
    """The table's notes: protocol, random rows, NaN counts, failures."""
    from liifgan_mm.evaluation.continuous_protocol import scale_name
    note = PROTOCOL_NOTE[args.protocol].format(
        net=args.lpips_net, n=args.input_size) + \
        f' {len(images)} images from {args.data_dir}.'
    random_init = [s.name for s in specs if s.config and not s.checkpoint]
    if random_init:
        note += ('\nNO CHECKPOINT, random weights (meaningless numbers): '
                 + ', '.join(random_init) + '.')
    if args.precision:
        note += (f'\nDecoding precision {args.precision}: '
                 + (', '.join(args.precision_rows) or 'no row') + '.')
    for (row, metric, s), n in bench.nan_counts.items():
        note += (f'\n{row} {metric} at {scale_name(s)}: {n} image(s) too '
                 'small for the metric, left out of the mean.')
    if bench.failures:
        note += (f'\n{len(bench.failures)} FAILURE(S), left out of the '
                 'means: ' + ' | '.join(bench.failures))
    return note


def main(argv=None):
    args, parser = parse_args(argv)
    from liifgan_mm.evaluation.benchmark import (Benchmark, CropSpec,
                                                 list_images)
    from liifgan_mm.evaluation.report import load_reference, write_report
    from liifgan_mm.evaluation.row_spec import (check_unique,
                                                load_rows_file, paper_order,
                                                parse_row)
    try:
        specs = load_rows_file(args.rows) if args.rows else []
        specs = specs + [parse_row(r) for r in args.row]
        specs = paper_order(check_unique(specs))
        args.precision_rows = (set_precision(specs, args.precision)
                               if args.precision else [])
    except (ValueError, TypeError, OSError) as e:
        parser.error(str(e))
    from liifgan_mm.evaluation.row_spec import resolve_config_path
    for spec in specs:
        name = str(spec.name)
        if not name.strip() or any(c in name for c in '|\n\r'):
            parser.error(f'row name {name!r}: must be non-empty, without '
                         "'|' or line breaks (they break table.md)")
        if spec.config and not osp.isfile(resolve_config_path(spec.config)):
            parser.error(f'row {name!r}: config {spec.config} does not '
                         'exist (a row is NAME=CONFIG[:CHECKPOINT]; no '
                         "'=' in NAME)")
        if spec.config and not spec.checkpoint and not args.random_weights:
            parser.error(f'row {spec.name!r} has no checkpoint: give '
                         'NAME=CONFIG:CHECKPOINT, or --random-weights')
        if spec.checkpoint and not osp.isfile(spec.checkpoint):
            parser.error(f'row {spec.name!r}: checkpoint {spec.checkpoint} '
                         'does not exist')
    device = args.device
    if device is None:
        import torch
        device = 'cuda' if torch.cuda.is_available() else 'cpu'
    try:
        images = list_images(args.data_dir, args.max_images)
    except FileNotFoundError as e:
        parser.error(str(e))
    if args.crop_image and args.crop_image not in images:
        parser.error(f'--crop-image {args.crop_image} is not among the '
                     f'evaluated images of {args.data_dir}')
    try:  # before hours of evaluation, not after
        reference = (load_reference(args.reference, args.protocol)
                     if args.reference else None)
    except (OSError, ValueError, KeyError) as e:
        parser.error(f'--reference {args.reference}: {e}')
    bench = Benchmark(
        args.data_dir, osp.join(args.out_dir, 'cache'), args.scales,
        protocol=args.protocol, input_size=args.input_size, images=images,
        lpips_net=args.lpips_net, device=device,
        crop=CropSpec(args.crop_image, tuple(args.crop_center),
                      args.crop_size),
        resume=not args.no_resume, progress=not args.no_progress,
        allow_random=args.random_weights)
    results = bench.run(specs)
    paths = write_report(results, args.out_dir, bench.scales, reference,
                         latex=args.latex, gt_crops=bench.gt_crops(),
                         title=args.title,
                         note=_note(args, images, specs, bench))
    for kind, path in paths.items():
        print(f'{kind}: {path}')
    if bench.failures:
        for line in bench.failures:
            print(f'FAILED: {line}', file=sys.stderr)
        print(f'{len(bench.failures)} failure(s): the table leaves them '
              'out', file=sys.stderr)
        raise SystemExit(1)
    return paths


if __name__ == '__main__':
    main()
