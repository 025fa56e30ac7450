"""LIIF-GAN's fidelity knob: PSNR vs LPIPS as alpha goes from 0 to 1.

The output is ``D1 + alpha * D2`` (decoder 1 alone, trained by L1, at 0; the
trained model at 1), so one checkpoint gives a whole perception-distortion
curve. For GT images (files, folders or globs), at one scale, by LIIF's
protocol (``--protocol div2k``: input = bicubic of the GT at floor(H/s),
GT cropped to round(h*s); PSNR/SSIM shaving ceil(s)+6 px, LPIPS-alex on the
full image; ``celebahq``: 64 px input, no shave), for each alpha:

- ``OUT/alpha_sweep.csv``: alpha, mean PSNR, SSIM, LPIPS (and per image in
  ``alpha_sweep_images.csv``);
- ``OUT/perception_distortion.png``: PSNR against LPIPS, one point per
  alpha (up and to the left is better);
- ``OUT/crops.png``: the same region of the first image at each alpha,
  next to the GT.

Example::

    python tools/alpha_sweep.py data/photos/val_crop -o out/sweep --scale 4 \\
        --config configs/liifgan/liifgan_edsr-c64b16_1xb8-official-ft-grid-eq_photos.py \\
        --checkpoint checkpoints/photos-paper/liifgan.pth
"""  # noqa: E501
import argparse
import csv
import io
import os
import os.path as osp
import sys

DEFAULT_ALPHAS = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]
OUTPUTS = ('alpha_sweep.csv', 'alpha_sweep_images.csv',
           'perception_distortion.png', 'crops.png')


def parse_args(argv=None):
    p = argparse.ArgumentParser(
        description=__doc__.split('\n\n')[0],
        formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    p.add_argument('inputs', nargs='+', metavar='GT',
                   help='GT images: files, folders or globs')
    p.add_argument('-o', '--out', required=True, help='output folder')
    p.add_argument('--config', required=True, help='a LIIF-GAN config')
    p.add_argument('--checkpoint', help='its weights')
    p.add_argument('--random-weights', action='store_true',
                   help='allow no --checkpoint (tests only)')
    p.add_argument('--scale', type=float, default=4.0)
    p.add_argument('--alphas', type=float, nargs='+', default=DEFAULT_ALPHAS)
    p.add_argument('--protocol', choices=['div2k', 'celebahq'],
                   default='div2k')
    p.add_argument('--max-images', type=int, default=None)
    p.add_argument('--crop', type=int, default=96,
                   help='side of the crop shown per alpha (GT pixels)')
    p.add_argument('--device', default=None)
    p.add_argument('--overwrite', action='store_true',
                   help='replace outputs of an earlier run in OUT')
    args = p.parse_args(argv)
    if not args.checkpoint and not args.random_weights:
        p.error(f'--config {args.config} without --checkpoint: pass '
                '--checkpoint, or --random-weights to run random weights')
    bad = [a for a in args.alphas if not 0 <= a <= 1]
    if bad:
        p.error(f'--alphas must be in [0, 1], got {bad}')
    if not 0 < args.scale < float('inf'):
        p.error(f'--scale must be a positive finite number, got {args.scale}')
    from liifgan_mm.utils import cli_checks
    try:
        cli_checks.whole_numbers(args, {'max_images': 1, 'crop': 1})
        cli_checks.device(args.device)
    except ValueError as e:
        p.error(str(e))
    if osp.exists(args.out) and not osp.isdir(args.out):
        p.error(f'-o {args.out} exists and is not a folder')
    old = [osp.join(args.out, n) for n in OUTPUTS
           if osp.exists(osp.join(args.out, n))]
    if old and not args.overwrite:
        p.error(f'{old[0]} exists (an earlier sweep): pass --overwrite to '
                'replace it, or another -o')
    return args


def sweep(up, images, alphas, scale, protocol, metrics, progress):
    """``{alpha: [per-image metric dicts]}`` and the first image's
    ``(gt, {alpha: pred})``."""
    from liifgan_mm.evaluation.continuous_protocol import (crop_border,
                                                           make_pair)
    from liifgan_mm.evaluation.image_io import load_image
    head = up.model.generator.head
    border = crop_border(protocol, scale)
    per = {a: [] for a in alphas}
    first = None
    for i, path in enumerate(images):
        lr, gt = make_pair(protocol, load_image(path), scale)
        preds = {}
        for a in alphas:
            head.alpha = a
            pred = up(lr, gt.shape[:2])
            per[a].append(dict(image=osp.basename(path),
                               **metrics(pred, gt, border)))
            if i == 0:
                preds[a] = pred
            progress.update(1)
        if i == 0:
            first = (gt, preds)
    return per, first


def _csv_text(fields, rows):
    buf = io.StringIO(newline='')
    w = csv.DictWriter(buf, fields)
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue()


def write_csv(per, out, overwrite=True):
    """The two CSVs, each complete or absent (temporary file + rename);
    without ``overwrite`` a file another run wrote meanwhile is kept."""
    from liifgan_mm.utils.atomic_write import write_atomic
    means = []
    for a, recs in per.items():
        means.append(dict(alpha=a, **{
            k: sum(r[k] for r in recs) / len(recs)
            for k in ('PSNR', 'SSIM', 'LPIPS')}))
    write_atomic(osp.join(out, 'alpha_sweep.csv'), _csv_text(
        ['alpha', 'PSNR', 'SSIM', 'LPIPS'], means), overwrite)
    write_atomic(osp.join(out, 'alpha_sweep_images.csv'), _csv_text(
        ['alpha', 'image', 'PSNR', 'SSIM', 'LPIPS'],
        [dict(alpha=a, **r) for a, recs in per.items() for r in recs]),
        overwrite)
    return means


def plot_curve(means, path, title, overwrite=True):
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(5, 4))
    xs = [m['LPIPS'] for m in means]
    ys = [m['PSNR'] for m in means]
    ax.plot(xs, ys, 'o-')
    for m in means:
        ax.annotate(f"{m['alpha']:g}", (m['LPIPS'], m['PSNR']), fontsize=8,
                    xytext=(3, 3), textcoords='offset points')
    ax.set_xlabel('LPIPS (lower is better)')
    ax.set_ylabel('PSNR (dB, higher is better)')
    ax.set_title(title, fontsize=9)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    from liifgan_mm.utils.atomic_write import save_figure
    save_figure(fig, path, overwrite, dpi=120)
    plt.close(fig)


def plot_crops(gt, preds, per, side, path, overwrite=True):
    """GT and each alpha's prediction, the same centred crop."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    import numpy as np
    h, w = gt.shape[:2]
    s = min(side, h, w)
    y, x = (h - s) // 2, (w - s) // 2
    panels = [('GT', gt)] + [
        (f"alpha {a:g}\n{per[a][0]['PSNR']:.2f} dB, "
         f"LPIPS {per[a][0]['LPIPS']:.3f}", p) for a, p in preds.items()]
    fig, axes = plt.subplots(1, len(panels),
                             figsize=(1.8 * len(panels), 2.2), squeeze=False)
    for ax, (label, img) in zip(axes[0], panels):
        crop = np.clip(np.round(img[y:y + s, x:x + s]), 0, 255)
        ax.imshow(crop.astype(np.uint8), interpolation='nearest')
        ax.set_title(label, fontsize=7)
        ax.axis('off')
    fig.tight_layout()
    from liifgan_mm.utils.atomic_write import save_figure
    save_figure(fig, path, overwrite, dpi=120)
    plt.close(fig)


def main(argv=None):
    """Returns the mean metrics per alpha."""
    args = parse_args(argv)
    import torch
    from tqdm import tqdm
    from liifgan_mm.apis.inference import check_knobs
    from liifgan_mm.evaluation.image_io import collect_inputs
    from liifgan_mm.evaluation.image_metrics import ImageMetrics
    from liifgan_mm.evaluation.row_spec import RowSpec
    from liifgan_mm.evaluation.upsamplers import build_upsampler
    def refuse(msg):  # a bad flag or path: one line, exit 2, no work done
        print(f'alpha_sweep.py: error: {msg}', file=sys.stderr)
        sys.exit(2)

    try:
        images = collect_inputs(args.inputs)
    except FileNotFoundError as e:
        refuse(e)
    images = images[:args.max_images] if args.max_images else images
    from liifgan_mm.evaluation.image_io import header_size
    for path in images:  # the input (GT / scale) must have a pixel
        hw = header_size(path)
        if hw is not None and min(hw) / args.scale < 1:
            refuse(f'--scale {args.scale:g}: {path} ({hw[0]}x{hw[1]}) '
                   'would give an input of no pixels')

    device = args.device or ('cuda' if torch.cuda.is_available() else 'cpu')
    spec = RowSpec('model', args.config, args.checkpoint)
    try:
        cfg = spec.load_config()
        check_knobs(cfg, alpha=1)
        up = build_upsampler(spec, device, cfg=cfg,
                             allow_random=args.random_weights)
    except (ValueError, KeyError, FileNotFoundError) as e:
        refuse(e)
    os.makedirs(args.out, exist_ok=True)
    with tqdm(total=len(images) * len(args.alphas), desc='alpha sweep',
              unit='img', file=sys.stderr) as progress:
        per, (gt, preds) = sweep(up, images, args.alphas, args.scale,
                                 args.protocol, ImageMetrics(device=device),
                                 progress)
    title = (f'{osp.basename(args.config)}\nx{args.scale:g}, '
             f'{len(images)} images ({args.protocol})')
    try:  # without --overwrite, files another run wrote meanwhile stay
        means = write_csv(per, args.out, args.overwrite)
        plot_curve(means, osp.join(args.out, 'perception_distortion.png'),
                   title, args.overwrite)
        plot_crops(gt, preds, per, args.crop,
                   osp.join(args.out, 'crops.png'), args.overwrite)
    except OSError as e:
        sys.exit(f'alpha_sweep.py: error: {e}')
    for m in means:
        print(f"alpha {m['alpha']:<4g} PSNR {m['PSNR']:.2f}  "
              f"SSIM {m['SSIM']:.4f}  LPIPS {m['LPIPS']:.4f}")
    return means


if __name__ == '__main__':
    main()
