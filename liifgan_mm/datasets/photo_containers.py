"""Photos that packages ship inside containers, read without their programs.

A photo path in ``tools/photo_sources.json`` is a file inside the unpacked
package, or ``CONTAINER::MEMBER`` for:

- ``*.rcc``: a Qt binary resource bundle (gcompris-qt-data's activity
  images, WebP); ``MEMBER`` is the resource path (zlib-compressed or not);
- ``*.pzl``: a jigzo puzzle; ``MEMBER`` is ignored (``-``): its texture JPEG
  holds the photo in the rectangle named by its ``image X Y W H`` line;
- ``*.dat``: scipy's bz2-compressed raw ``face`` (768 x 1024 RGB).

:func:`read_photo` returns what :func:`~.photo_set.load_rgb` can decode: a
path, a bytes buffer, or an ``[H, W, 3]`` uint8 array.
"""
import bz2
import io
import re
import struct
import zlib
from pathlib import Path

import numpy as np


def rcc_member(path, member):
    """Bytes of resource ``member`` (``a/b/c.webp``) of a Qt ``.rcc`` file."""
    d = Path(path).read_bytes()
    if d[:4] != b'qres':
        raise ValueError(f'{path}: not a Qt resource file')
    ver, tree, data, names = struct.unpack('>IIII', d[4:20])
    node = 22 if ver >= 2 else 14

    def name(off):
        o = names + off
        n = struct.unpack('>H', d[o:o + 2])[0]
        return d[o + 6:o + 6 + 2 * n].decode('utf-16-be')

    i, parts = 0, member.strip('/').split('/')
    for k, part in enumerate(parts):
        o = tree + i * node
        cnt, first = struct.unpack('>II', d[o + 6:o + 14])
        for j in range(first, first + cnt):
            if name(struct.unpack('>I', d[tree + j * node:][:4])[0]) == part:
                i = j
                break
        else:
            raise KeyError(f'{path}: no resource {member}')
    o = tree + i * node
    flags = struct.unpack('>H', d[o + 4:o + 6])[0]
    if flags & 2:
        raise KeyError(f'{path}: {member} is a folder')
    a = data + struct.unpack('>I', d[o + 10:o + 14])[0]
    blob = d[a + 4:a + 4 + struct.unpack('>I', d[a:a + 4])[0]]
    if flags & 1:
        blob = zlib.decompress(blob[4:])
    elif flags & 4:
        raise ValueError(f'{path}: {member} is zstd-compressed (unsupported)')
    return blob


def pzl_photo(path):
    """``[H, W, 3]`` RGB photo of a jigzo ``.pzl`` puzzle."""
    from PIL import Image
    d = Path(path).read_bytes()
    m = re.search(rb'\nimage (\d+) (\d+) (\d+) (\d+)', d)
    if not m:
        raise ValueError(f'{path}: no "image X Y W H" line')
    x, y, w, h = map(int, m.groups())
    start = d.index(b'IEND') + 8  # the texture JPEG follows the mask PNG
    m2 = re.compile(rb'[^\n]+\.jpg\n(\d+)\n').search(d, start)
    if not m2:
        raise ValueError(f'{path}: no texture JPEG')
    jpeg = d[m2.end():m2.end() + int(m2.group(1))]
    rgb = np.asarray(Image.open(io.BytesIO(jpeg)).convert('RGB'))
    return np.ascontiguousarray(rgb[y:y + h, x:x + w])


def scipy_face(path):
    """scipy's ``misc/face.dat``: bz2 raw RGB, 768 x 1024."""
    raw = bz2.decompress(Path(path).read_bytes())
    return np.frombuffer(raw, np.uint8).reshape(768, 1024, 3).copy()


def read_photo(root, rel):
    """The photo ``rel`` of a package unpacked at ``root``: a path, bytes or
    an RGB array (see the module docstring). Raises ``FileNotFoundError``
    when the file is not in the package."""
    container, _, member = rel.partition('::')
    f = Path(root) / container
    if not f.is_file():
        raise FileNotFoundError(f'not in the package: {container}')
    if f.suffix == '.rcc':
        return rcc_member(f, member)
    if f.suffix == '.pzl':
        return pzl_photo(f)
    if f.suffix == '.dat':
        return scipy_face(f)
    return f
