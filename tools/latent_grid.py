"""How strong the latent-grid pattern is, per model and integer scale.

For GT images (files, folders or globs) and LIIF's DIV2K protocol (input =
bicubic of the GT at floor(H/s), GT cropped to round(h*s)), each row
decodes each input; the number is the RMS, in 8-bit levels, of the part of
the error ``pred - GT`` that repeats with the latent grid's period and
phase (``liifgan_mm.evaluation.latent_grid``; 0: none). The images'
energies are averaged before the root. Rows: Bicubic and those of a rows
file (default: the published paper-size models). Prints a Markdown table;
``--csv FILE`` also writes it as CSV.

Example (the test split's 25 centre crops of 192 px, ~10 min on 2 cores)::

    python tools/latent_grid.py data/photos/test_crop --crop 192
"""
import argparse
import csv
import io
import os.path as osp
import sys

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
ROWS = osp.join(REPO, 'checkpoints', 'photos-paper', 'rows.json')


def parse_args(argv=None):
    p = argparse.ArgumentParser(
        description=__doc__.split('\n\n')[0],
        formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    p.add_argument('inputs', nargs='+', metavar='GT',
                   help='GT images: files, folders or globs')
    p.add_argument('--rows', default=ROWS, help='models (a rows file)')
    p.add_argument('--scales', type=float, nargs='+',
                   default=[2, 3, 4, 5, 6, 7], help='integer scales')
    p.add_argument('--crop', type=int, default=0,
                   help='centre crop of each GT in px (0: whole image)')
    p.add_argument('--max-images', type=int, default=None)
    p.add_argument('--device', default='cpu')
    p.add_argument('--csv', help='also write the table here (a new file)')
    args = p.parse_args(argv)
    bad = [s for s in args.scales if not (2 <= s <= 64 and s == int(s))]
    if bad:
        p.error(f'--scales must be integers from 2 to 64, got {bad}')
    from liifgan_mm.utils import cli_checks
    try:
        cli_checks.whole_numbers(args, {'crop': 0, 'max_images': 1})
        cli_checks.device(args.device)
    except ValueError as e:
        p.error(str(e))
    if not osp.isfile(args.rows):
        p.error(f'--rows {args.rows}: no such file')
    if args.csv and osp.exists(args.csv):
        p.error(f'--csv {args.csv} exists: pick a new name')
    if args.csv and not osp.isdir(osp.dirname(osp.abspath(args.csv))):
        p.error(f'--csv {args.csv}: its folder does not exist')
    return args


def centre_crop(img, side):
    if not side:
        return img
    y = max(0, (img.shape[0] - side) // 2)
    x = max(0, (img.shape[1] - side) // 2)
    return img[y:y + side, x:x + side]


def measure(ups, images, scales, progress=None):
    """``{row: {scale: rms}}`` over ``images`` (GT arrays)."""
    from liifgan_mm.evaluation.continuous_protocol import div2k_pair
    from liifgan_mm.evaluation.latent_grid import (energy_rms,
                                                   latent_grid_energy)
    table = {}
    for name, up in ups.items():
        table[name] = {}
        for s in scales:
            energies = []
            for gt in images:
                lr, gt_s = div2k_pair(gt, s)
                energies.append(latent_grid_energy(
                    up(lr, gt_s.shape[:2]), gt_s, s))
                if progress:
                    progress()
            table[name][s] = energy_rms(energies)
    return table


def as_rows(table, scales):
    head = ['model'] + [f'x{s:g}' for s in scales]
    return head, [[n] + [f'{v[s]:.2f}' for s in scales]
                  for n, v in table.items()]


def main(argv=None):
    args = parse_args(argv)
    from liifgan_mm.evaluation.image_io import collect_inputs, load_image
    from liifgan_mm.evaluation.row_spec import RowSpec, load_rows_file
    from liifgan_mm.evaluation.upsamplers import build_upsampler
    try:
        paths = collect_inputs(args.inputs)[:args.max_images]
        images = [centre_crop(load_image(p), args.crop) for p in paths]
        specs = [RowSpec('Bicubic')] + load_rows_file(args.rows)
        ups = {r.name: build_upsampler(r, device=args.device) for r in specs}
    except (OSError, ValueError) as e:  # one line, before any decoding
        print(f'latent_grid: {e}', file=sys.stderr)
        sys.exit(2)
    scales = [float(s) for s in args.scales]
    total, done = len(ups) * len(scales) * len(images), [0]

    def progress():
        done[0] += 1
        print(f'\r{done[0]}/{total} decoded', end='', file=sys.stderr,
              flush=True)

    table = measure(ups, images, scales, progress)
    print(file=sys.stderr)
    head, rows = as_rows(table, scales)
    print(f'latent-grid pattern RMS (8-bit levels), {len(images)} images'
          f'{f", centre {args.crop} px" if args.crop else ""}:\n')
    print('| ' + ' | '.join(head) + ' |')
    print('|' + ' --- |' * len(head))
    for r in rows:
        print('| ' + ' | '.join(r) + ' |')
    if args.csv:
        from liifgan_mm.utils.atomic_write import write_atomic
        buf = io.StringIO(newline='')
        csv.writer(buf).writerows([head] + rows)
        write_atomic(args.csv, buf.getvalue().encode(), overwrite=False)


if __name__ == '__main__':
    main()
