"""Super-resolve images to any size or aspect (files, folders or globs).

Each input ``name.ext`` becomes ``OUT/name_<tag>.png``; the tag says the
output: ``x4``, ``x4.5``, ``x3.2x4.7`` (height x width scales) or
``768x512`` (``--size WxH``: width x height, as given). Outputs are exact:
``(round(h * sh), round(w * sw))`` or the size given. Continuous models
(LIIF-GAN, LIIF) decode at that size; fixed-scale models (EDSR/ESRGAN x4
configs) get the input bicubic-resized to target/4 first (the paper's
protocol); without ``--config`` the images are bicubic-resized. One input
and ``-o x.png`` writes exactly that file (``-o -``, stdout, is refused).

Nothing is overwritten: an output that is one of the inputs is refused, and
so is one that exists already unless ``--overwrite`` is given, before any
work. Each output is written to a temporary file and renamed, so it is
complete or absent; a file another run creates meanwhile is not replaced.

Bad sizes (zero, negative, NaN, over ``--max-pixels``, inputs whose header
declares more than ``--max-pixels``) and bad flags are refused before any
work; unreadable images are reported and skipped, and the exit code is 1
when any failed (2 for bad arguments).

Examples::

    python tools/upsample.py photo.jpg -o out --scale 4 \\
        --config configs/liifgan/liifgan_edsr-c64b16_1xb8-official-ft-grid-eq_photos.py \\
        --checkpoint checkpoints/photos-paper/liifgan.pth
    python tools/upsample.py 'shots/*.png' more/ -o out --scale-hw 3.2 4.7 \\
        --config CFG --checkpoint CKPT --alpha 0.5 --encoder-tile 128
    python tools/upsample.py photo.jpg -o out --scale 4 \\
        --config CFG --checkpoint CKPT --precision bf16  # faster decoding
    python tools/upsample.py faces/ -o out --size 768x512   # bicubic
"""  # noqa: E501
import argparse
import math
import sys

DEFAULT_MAX_PIXELS = 2**28  # = output_size.MAX_PIXELS (no heavy import)
# inputs larger than this many latents a side are encoded in tiles (an
# input within one tile costs nothing extra: no halo inside the image)
DEFAULT_TILE = 256


def parse_args(argv=None):
    p = argparse.ArgumentParser(
        description=__doc__.split('\n\n')[0],
        formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    p.add_argument('inputs', nargs='+', metavar='INPUT',
                   help='image files, folders (their images) or globs')
    p.add_argument('-o', '--out', required=True,
                   help='output folder (or a .png file for one input)')
    p.add_argument('--config', help='model config (default: bicubic)')
    p.add_argument('--checkpoint', help='model weights (needs --config)')
    p.add_argument('--random-weights', action='store_true',
                   help='allow --config without --checkpoint (tests only)')
    size = p.add_mutually_exclusive_group(required=True)
    size.add_argument('--scale', help='one scale for both axes, e.g. 4')
    size.add_argument('--scale-hw', nargs=2, metavar=('SH', 'SW'),
                      help='height and width scales, e.g. 3.2 4.7')
    size.add_argument('--size', metavar='WxH',
                      help='exact output size, width x height as image tools '
                      'write it (1920x1080: landscape)')
    p.add_argument('--alpha', type=float, default=None,
                   help='LIIF-GAN fidelity knob in [0, 1]: D1 + alpha * D2 '
                   '(0: the L1 decoder, 1: the model as trained; default: '
                   "the config's model.generator.head.alpha)")
    p.add_argument('--encoder-tile', type=int, default=None, metavar='N',
                   help='LIIF-GAN: encode/decode in tiles of N latents a '
                   'side (bounded memory, same output to 1e-5; default: '
                   "the config's model.generator.encoder_tile, else "
                   f'{DEFAULT_TILE}; 0: untiled)')
    p.add_argument('--precision', choices=['fp32', 'bf16'], default=None,
                   help='LIIF-GAN decoding precision: fp32 (exact) or bf16 '
                   '(decoder layers after the first in bfloat16: ~2x faster '
                   'on CPUs with avx512_bf16, output within ~0.1 gray level '
                   "RMS; default: the config's model.generator.head."
                   'precision, fp32). Without bf16 support: fp32, one line')
    p.add_argument('--strict-precision', action='store_true',
                   help='with --precision bf16: fail instead of falling '
                   'back to fp32 where bf16 is unsupported')
    p.add_argument('--max-pixels', type=int, default=DEFAULT_MAX_PIXELS,
                   help='refuse inputs and outputs with more pixels '
                   '(default 2**28; inputs checked before decoding)')
    p.add_argument('--overwrite', action='store_true',
                   help='replace outputs that exist already (never inputs)')
    p.add_argument('--device', default=None,
                   help='cpu, cuda (default: cuda when available)')
    p.add_argument('--cfg-options', nargs='+', default=[],
                   metavar='KEY=VALUE', help='config overrides')
    args = p.parse_args(argv)
    if args.out == '-' or not args.out.strip():
        p.error(f'-o {args.out!r}: writing to stdout is not supported; give '
                'an output folder or a .png file')
    if args.max_pixels < 1:
        p.error(f'--max-pixels must be positive, got {args.max_pixels}')
    if args.checkpoint and not args.config:
        p.error('--checkpoint needs --config (the model the weights are for)')
    if args.config and not args.checkpoint and not args.random_weights:
        p.error(f'--config {args.config} without --checkpoint: pass '
                '--checkpoint, or --random-weights to run random weights')
    if not args.config and (args.alpha is not None or args.encoder_tile
                            or args.precision):
        p.error('--alpha, --encoder-tile and --precision need a LIIF-GAN '
                '--config')
    if args.strict_precision and args.precision != 'bf16':
        p.error('--strict-precision goes with --precision bf16')
    if args.encoder_tile is not None and args.encoder_tile < 0:
        p.error(f'--encoder-tile must be >= 0, got {args.encoder_tile}')
    if args.alpha is not None and not 0 <= args.alpha <= 1:
        p.error(f'--alpha must be in [0, 1], got {args.alpha}')
    try:
        args.target = _target(args)
    except ValueError as e:
        p.error(str(e))
    from liifgan_mm.evaluation.image_io import collect_inputs
    try:
        args.files = collect_inputs(args.inputs)
    except FileNotFoundError as e:
        p.error(str(e))
    single = args.out.lower().endswith('.png')
    if single and len(args.files) != 1:
        p.error(f'-o {args.out} is a file: give exactly one input '
                f'({len(args.files)} found), or an output folder')
    return args


def _positive(text, what):
    """A positive finite number from a flag's text (no heavy import: bad
    flags are refused at once)."""
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f'{what} must be a number, got {text!r}')
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f'{what} must be a positive finite number, got '
                         f'{text}')
    return value


def _target(args):
    """``dict(scale=...)`` or ``dict(size=(H, W))``, validated; ``--size``
    is width x height, as image tools write it."""
    if args.size:
        parts = args.size.lower().replace(',', 'x').split('x')
        if len(parts) != 2:
            raise ValueError('--size must be WxH (width x height, e.g. '
                             f'1920x1080), got {args.size!r}')
        w, h = (_positive(v, f'--size {n}')
                for v, n in zip(parts, ('width', 'height')))
        if w != int(w) or h != int(h):
            raise ValueError('--size width and height must be whole numbers '
                             f'of pixels, got {args.size}')
        return dict(size=(int(h), int(w)))
    if args.scale_hw:
        return dict(scale=tuple(_positive(v, f'--scale-hw {n}') for v, n in
                                zip(args.scale_hw, ('height', 'width'))))
    return dict(scale=_positive(args.scale, '--scale'))


def tag_of(target):
    """File-name tag: ``x4``, ``x4.5``, ``x3.2x4.7`` (height x width
    scales) or ``1920x1080`` (``--size``: width x height, as given)."""
    if 'size' in target:
        h, w = target['size']
        return f'{w}x{h}'
    from liifgan_mm.utils.output_size import scale_tag
    return scale_tag(scale=target['scale'])


def image_size(path, max_pixels=None):
    """``(h, w)`` as it will be loaded (EXIF orientation applied), from the
    header when PIL reads it (pixels not decoded), else by decoding; None
    when unreadable. Raises ValueError for a header over ``max_pixels``
    or an HDR file."""
    from liifgan_mm.evaluation.image_io import check_header, load_image
    hw = check_header(path, max_pixels)
    if hw is not None:
        return hw
    try:  # a format PIL does not read: let the real reader decide
        return load_image(path, max_pixels).shape[:2]
    except ValueError:  # load_image's "cannot be read as an image"
        return None


def model_options(args):
    """``--cfg-options`` plus what ``--alpha``/``--encoder-tile``/
    ``--precision`` set."""
    from mmengine.config import DictAction
    opts = {}
    if args.cfg_options:
        ns = argparse.Namespace()
        DictAction(option_strings=[], dest='o')(None, ns, args.cfg_options)
        opts.update(ns.o)
    if args.alpha is not None:
        opts['model.generator.head.alpha'] = args.alpha
    if args.encoder_tile is not None:
        opts['model.generator.encoder_tile'] = args.encoder_tile or None
    if args.precision:
        opts['model.generator.head.precision'] = args.precision
        opts['model.generator.head.precision_fallback'] = \
            not args.strict_precision
    return opts


def _fail(msg):
    """Refuse before any work: one line, exit code 2 (like argparse)."""
    print(f'upsample.py: error: {msg}', file=sys.stderr)
    sys.exit(2)


def main(argv=None):
    """Returns the exit code: 0, 1 when some images failed."""
    args = parse_args(argv)
    from liifgan_mm.utils.output_paths import output_paths
    from liifgan_mm.utils.output_size import output_size
    tag = tag_of(args.target)
    try:
        paths = output_paths(args.files, args.out, tag, args.overwrite)
    except ValueError as e:
        _fail(e)
    failed = []
    readable = []
    for f in args.files:  # sizes checked before any work
        try:
            hw = image_size(f, args.max_pixels)
        except ValueError as e:  # header over the limit, HDR
            _fail(e)
        if hw is None:
            failed.append((f, 'unreadable image'))
            continue
        try:
            output_size(hw, max_pixels=args.max_pixels, **args.target)
        except ValueError as e:
            _fail(f'{f}: {e}')
        readable.append(f)

    import torch
    from tqdm import tqdm
    from liifgan_mm.apis.inference import check_knobs
    from liifgan_mm.evaluation.image_io import load_image, save_png
    from liifgan_mm.evaluation.row_spec import RowSpec
    from liifgan_mm.evaluation.upsamplers import build_upsampler
    from liifgan_mm.utils.cli_checks import device as check_device
    try:
        check_device(args.device)
    except ValueError as e:
        _fail(e)
    device = args.device or ('cuda' if torch.cuda.is_available() else 'cpu')
    spec = RowSpec('model' if args.config else 'Bicubic', args.config,
                   args.checkpoint, cfg_options=model_options(args))
    try:
        cfg = spec.load_config()
        if cfg is not None:
            check_knobs(cfg, alpha=args.alpha,
                        encoder_tile=args.encoder_tile or None,
                        precision=args.precision)
            if cfg.model.type == 'LIIFGAN' and args.encoder_tile is None \
                    and not cfg.model.generator.get('encoder_tile'):
                cfg.model.generator.encoder_tile = DEFAULT_TILE
        upsampler = build_upsampler(spec, device, cfg=cfg,
                                    allow_random=args.random_weights)
    except (ValueError, KeyError, FileNotFoundError, TypeError) as e:
        _fail(f'{type(e).__name__}: {e}' if isinstance(e, TypeError) else e)
    for f in tqdm(readable, desc=f'upsample {tag}', unit='img',
                  file=sys.stderr):
        try:
            lr = load_image(f, args.max_pixels)
            size = output_size(lr.shape[:2], max_pixels=args.max_pixels,
                               **args.target)
            save_png(paths[f], upsampler(lr, size),
                     overwrite=args.overwrite)
        except Exception as e:  # report, keep going
            failed.append((f, f'{type(e).__name__}: {e}'))
    for f, why in failed:
        print(f'upsample.py: skipped {f}: {why}', file=sys.stderr)
    done = len(args.files) - len(failed)
    print(f'{done} of {len(args.files)} images written to {args.out}',
          file=sys.stderr)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
