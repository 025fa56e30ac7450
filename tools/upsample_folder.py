"""Super-resolve a folder of your own images (no GT): outputs only.

Each image ``name.ext`` becomes ``OUT_DIR/name_x<scale>.png`` at
``round(H * s) x round(W * s)`` (or exactly ``--size H W``). Continuous
models (LIIF-GAN, LIIF) decode at that size directly; fixed-scale x4 models
(EDSR/ESRGAN/Real-ESRGAN configs) get the input bicubic-resized to target/4
first, as in the paper; with no ``--config`` the images are bicubic-resized.

Examples::

    python tools/upsample_folder.py my_photos out \\
        --config configs/liifgan/liifgan_edsr-c64b16_1xb128-125k_div2k.py \\
        --checkpoint work_dirs/liifgan_edsr-c64b16_1xb128-125k_div2k/iter_125000.pth \\
        --scale 2 4.5 7
    python tools/upsample_folder.py faces64 out --scale 5   # bicubic
"""  # noqa: E501
import argparse
import os
import os.path as osp

from mmengine.config import DictAction

from liifgan_mm.evaluation.benchmark import list_images, load_image, save_png
from liifgan_mm.evaluation.continuous_protocol import scale_name
from liifgan_mm.evaluation.row_spec import RowSpec
from liifgan_mm.evaluation.upsamplers import build_upsampler


def parse_args(argv=None):
    p = argparse.ArgumentParser(
        description=__doc__.split('\n\n')[0],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('in_dir', help='folder of input images')
    p.add_argument('out_dir', help='where the outputs go')
    p.add_argument('--config', help='model config (default: bicubic)')
    p.add_argument('--checkpoint', help='model weights')
    p.add_argument('--cfg-options', nargs='+', action=DictAction,
                   default={}, help='config overrides, key=value')
    size = p.add_mutually_exclusive_group(required=True)
    size.add_argument('--scale', type=float, nargs='+', help='scale(s)')
    size.add_argument('--size', type=int, nargs=2, metavar=('H', 'W'),
                      help='exact output size')
    p.add_argument('--device', default=None,
                   help='cpu, cuda (default: cuda when available)')
    return p.parse_args(argv)


def main(argv=None):
    """Returns the written paths."""
    args = parse_args(argv)
    device = args.device
    if device is None:
        import torch
        device = 'cuda' if torch.cuda.is_available() else 'cpu'
    spec = RowSpec('model' if args.config else 'Bicubic', args.config,
                   args.checkpoint, cfg_options=args.cfg_options)
    upsampler = build_upsampler(spec, device)
    os.makedirs(args.out_dir, exist_ok=True)
    written = []
    for name in list_images(args.in_dir):
        lr = load_image(osp.join(args.in_dir, name))
        stem = osp.splitext(name)[0]
        h, w = lr.shape[:2]
        jobs = ([(f'{args.size[0]}x{args.size[1]}', tuple(args.size))]
                if args.size else
                [(scale_name(s), (round(h * s), round(w * s)))
                 for s in args.scale])
        for tag, size in jobs:
            path = osp.join(args.out_dir, f'{stem}_{tag}.png')
            save_png(path, upsampler(lr, size))
            written.append(path)
            print(path)
    return written


if __name__ == '__main__':
    main()
