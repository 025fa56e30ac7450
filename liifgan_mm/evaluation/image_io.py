"""Image files in and out: listing, reading as the test configs do, saving.

Shared by the table tool (:mod:`.benchmark`) and the inference tools
(``tools/upsample.py``, ``tools/alpha_sweep.py``).

- listing: every extension cv2 reads, any case, regular files only;
- reading: the header's size is checked against a pixel limit *before*
  the pixels are decoded; HDR/EXR files are refused (they would be
  clipped to 8 bit);
- saving: to a temporary name in the same folder, synced, then renamed;
  without ``overwrite`` an existing file (even one created meanwhile by
  another process) is never replaced.
"""
import glob
import os
import os.path as osp
import warnings

import cv2
import mmcv
import numpy as np

from liifgan_mm.utils.atomic_write import write_atomic

# what load_image decodes (cv2), compared case-insensitively
READ_EXTENSIONS = ('.png', '.jpg', '.jpeg', '.jpe', '.bmp', '.dib', '.tif',
                   '.tiff', '.webp', '.ppm', '.pgm', '.pbm', '.pnm', '.jp2',
                   '.sr', '.ras')
# high dynamic range: listed (so they are reported), refused by load_image
HDR_EXTENSIONS = ('.hdr', '.pic', '.exr', '.pfm')
MAX_INPUT_PIXELS = 2**28  # = output_size.MAX_PIXELS


def is_image_name(name):
    """Does ``name`` have an extension the reader knows (any case)?"""
    return name.lower().endswith(READ_EXTENSIONS + HDR_EXTENSIONS)


def list_images(folder, max_images=None):
    """Sorted image file names in ``folder`` (regular files whose
    extension cv2 reads, any case); ``max_images``: the first that many
    (None or 0: all)."""
    if max_images is not None and max_images < 0:
        raise ValueError(f'max_images must be >= 0, got {max_images}')
    names = sorted(n for n in os.listdir(folder) if is_image_name(n)
                   and osp.isfile(osp.join(folder, n)))
    if not names:
        raise FileNotFoundError(f'no images in {folder}')
    return names[:max_images] if max_images else names


def header_size(path):
    """``(h, w)`` from the file's header, without decoding the pixels
    (EXIF orientation applied); None when PIL cannot read the header."""
    from PIL import Image
    old = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = None  # we check the size ourselves
    try:
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            with Image.open(path) as img:
                w, h = img.size
                if _orientation(img) in (5, 6, 7, 8):
                    h, w = w, h
                return h, w
    except Exception:
        return None
    finally:
        Image.MAX_IMAGE_PIXELS = old


def _orientation(img):
    """The EXIF orientation tag of an opened (not loaded) PIL image. A PNG's
    ``getexif()`` decodes the whole image to find a late eXIf chunk: only
    the header's one is read here."""
    from PIL import Image
    if img.format == 'PNG':
        raw = img.info.get('exif')
        if not raw:
            return 1
        exif = Image.Exif()
        exif.load(raw)
        return exif.get(0x0112, 1)
    return img.getexif().get(0x0112, 1)


def check_header(path, max_pixels=MAX_INPUT_PIXELS):
    """Refuse (``ValueError`` naming ``path``) an HDR file or one whose
    header declares more than ``max_pixels``; returns the header's
    ``(h, w)`` or None when the header is not one PIL reads."""
    if path.lower().endswith(HDR_EXTENSIONS):
        raise ValueError(f'{path}: high dynamic range image: reading it as '
                         '8 bit would clip it; tone-map it to PNG first')
    hw = header_size(path)
    if hw is not None and max_pixels and hw[0] * hw[1] > max_pixels:
        raise ValueError(f'{path}: {hw[0]}x{hw[1]} = {hw[0] * hw[1]} pixels '
                         f'is over the limit of {max_pixels} (not decoded)')
    return hw


def load_image(path, max_pixels=MAX_INPUT_PIXELS):
    """``[H, W, 3]`` RGB uint8, read as the test configs do (cv2), after
    :func:`check_header`.

    Raises:
        ValueError: naming ``path`` when it is not a readable image
            (empty, truncated, not an image, HDR, over ``max_pixels``).
    """
    check_header(path, max_pixels)
    try:
        img = mmcv.imread(path, flag='color', channel_order='rgb',
                          backend='cv2')
    except Exception as e:  # cv2.error without the file name
        raise ValueError(f'{path}: cannot be read as an image '
                         f'({type(e).__name__})') from e
    if img is None or img.size == 0:
        raise ValueError(f'{path}: cannot be read as an image')
    return img


def to_uint8(img):
    """An image in [0, 255] (float predictions) as the uint8 that
    :func:`save_png` writes: rounded and clipped."""
    return np.clip(np.round(img), 0, 255).astype(np.uint8)


def save_png(path, img, overwrite=True):
    """Save an RGB image (float in [0, 255] is rounded) as PNG.

    Written to a temporary file in the same folder, synced, then renamed:
    ``path`` is complete or absent, never truncated (a full disk leaves
    nothing behind). With ``overwrite=False`` an existing ``path`` is
    never replaced: ``FileExistsError``, also when another process
    created it while this one was writing.
    """
    img = to_uint8(img)
    ok, data = cv2.imencode('.png', np.ascontiguousarray(img[..., ::-1]))
    if not ok:
        raise ValueError(f'{path}: cannot encode a {img.shape} image as PNG')
    write_atomic(path, data.tobytes(), overwrite)


def collect_inputs(items):
    """Image paths from files, folders (non-recursive, image extensions)
    and globs, in order, without repeats.

    Raises:
        FileNotFoundError: a path that does not exist or is not a regular
            file or folder, a glob matching nothing or a folder without
            images (named).
    """
    out = []
    for item in items:
        if osp.isdir(item):
            found = [osp.join(item, n) for n in list_images(item)]
        elif osp.isfile(item):
            found = [item]
        elif osp.exists(item):  # a pipe (/dev/stdin), a device: read twice
            raise FileNotFoundError(f'{item}: not a regular file or folder '
                                    '(save a pipe to a file first)')
        else:
            found = sorted(f for f in glob.glob(item) if osp.isfile(f))
            if not found:
                what = 'glob' if glob.has_magic(item) else 'file'
                raise FileNotFoundError(f'{what} {item}: no such image')
        out += [f for f in found if f not in out]
    return out
