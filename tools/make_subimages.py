"""Cut DIV2K-style training images into sub-images, as mmagic's SR configs
train from (``DIV2K_train_HR_sub``: 480-px crops every 240 px).

    liifgan-make-subimages data/DIV2K/DIV2K_train_HR
    # -> data/DIV2K/DIV2K_train_HR_sub; then train with
    #    --cfg-options train_dataloader.dataset.data_root=data/DIV2K/DIV2K_train_HR_sub

Training reads a 480-px PNG per sample instead of decoding a 2040-px photo:
the same random 48-px patches, much less decoding. Idempotent: photos already
cut are skipped (a ``<name>.tiles`` list per photo), tiles of photos no
longer in SRC are removed.
"""
import argparse
import glob
import os
import os.path as osp


def parse_args(argv=None):
    p = argparse.ArgumentParser(
        description=__doc__.split('\n\n')[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog='\n\n'.join(__doc__.split('\n\n')[1:]))
    p.add_argument('src', help='folder of PNG images (DIV2K_train_HR)')
    p.add_argument('dst', nargs='?',
                   help='output folder (default: SRC + "_sub")')
    p.add_argument('--crop', type=int, default=480, help='tile size (480)')
    p.add_argument('--step', type=int, default=240,
                   help='distance between tiles (240)')
    args = p.parse_args(argv)
    if not osp.isdir(args.src):
        p.error(f'src: no such folder: {args.src}')
    if args.crop < 1 or not 0 < args.step <= args.crop:
        p.error(f'--crop/--step: need crop >= 1 and 0 < step <= crop, got '
                f'{args.crop}/{args.step}')
    args.dst = args.dst or args.src.rstrip('/\\') + '_sub'
    if osp.abspath(args.dst) == osp.abspath(args.src):
        p.error('dst must differ from src')
    if not os.access(args.src, os.R_OK | os.X_OK):
        p.error(f'src: {args.src} is not readable')
    if not glob.glob(osp.join(glob.escape(args.src), '*.png')):
        p.error(f'src: no PNG images in {args.src}')
    from liifgan_mm.utils.cli_checks import writable_folder
    try:  # after parsing: --help imports nothing heavy
        writable_folder(args.dst, 'dst')
    except ValueError as e:
        p.error(str(e))
    return args


def main(argv=None):
    args = parse_args(argv)
    from tqdm import tqdm

    from liifgan_mm.datasets.subimages import write_subimages
    n = write_subimages(
        args.src, args.dst, crop=args.crop, step=args.step,
        progress=lambda files: tqdm(files, desc='sub-images', unit='img'))
    print(f'{args.dst}: {n} sub-images of {args.crop} px. Train with\n'
          f'  --cfg-options train_dataloader.dataset.data_root={args.dst}')
    return n


if __name__ == '__main__':
    main()
