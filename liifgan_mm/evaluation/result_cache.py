"""Per-row, append-only cache of per-image metrics (resumable runs).

``<cache_dir>/<row>.jsonl``: a header line ``{"signature": ...}`` then one
line per finished (image, scale)::

    {"image": "0801.png", "scale": 4.5, "digest": "9f0c...",
     "PSNR": 26.1, "SSIM": 0.74, "LPIPS": 0.37}

``digest`` identifies the image's content (:func:`file_digest`), so a
file of the same name in another folder, or an edited one, is never
served from the cache. A metric that cannot be computed on an image (too
small for it) is ``null``. Each line is flushed as soon as it is written,
so a run killed at any point loses at most the image it was on; a torn
last line, or a line that is JSON but not a record, is ignored (with a
warning). A cache made under another signature (other checkpoint, config or protocol) is moved
aside to ``<row>.jsonl.stale`` and the row starts over.
"""
import hashlib
import json
import numbers
import os
import os.path as osp
import re
import warnings

METRIC_KEYS = ('PSNR', 'SSIM', 'LPIPS')


def row_slug(name):
    """File-system-safe row name: ``'EDSR(x4)' -> 'EDSR_x4_'``."""
    return re.sub(r'[^A-Za-z0-9.+-]+', '_', name)


def file_digest(path):
    """Size and sha1 of a file's bytes: ``'<size>-<sha1[:16]>'``."""
    h = hashlib.sha1()
    with open(path, 'rb') as f:
        for block in iter(lambda: f.read(1 << 20), b''):
            h.update(block)
    return f'{osp.getsize(path)}-{h.hexdigest()[:16]}'


def _key(image, scale, digest=None):
    return image, round(float(scale), 6), digest


def _is_record(item):
    """A line written by :meth:`RowCache.add` (not just any JSON)."""
    return (isinstance(item, dict) and isinstance(item.get('image'), str)
            and isinstance(item.get('scale'), numbers.Real)
            and all(isinstance(item.get(m), numbers.Real) or
                    (m in item and item[m] is None) for m in METRIC_KEYS))


class RowCache:
    """Finished (image, scale) results of one row.

    Args:
        path (str): the ``.jsonl`` file.
        signature (str): what the results depend on.
        resume (bool): False starts over even if a matching cache exists.
    """

    def __init__(self, path, signature, resume=True):
        self.path = path
        self.signature = signature
        self.results = {}
        if osp.exists(path):
            if resume and self._read() == signature:
                self._end_line()
                return
            if resume:
                warnings.warn(f'{path}: made for another model/protocol; '
                              'moved to .stale, starting over')
            os.replace(path, path + '.stale')
            self.results = {}
        os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
        with open(path, 'w') as f:
            f.write(json.dumps(dict(signature=signature)) + '\n')

    def _read(self):
        """Load the file; returns its signature (None if unreadable)."""
        signature, bad = None, 0
        with open(self.path) as f:
            for i, line in enumerate(f):
                try:
                    item = json.loads(line)
                except json.JSONDecodeError:  # torn last line
                    continue
                if i == 0:
                    signature = (item.get('signature')
                                 if isinstance(item, dict) else None)
                elif _is_record(item):
                    self.results[_key(item['image'], item['scale'],
                                      item.get('digest'))] = item
                else:
                    bad += 1
        if bad and signature is not None:
            warnings.warn(f'{self.path}: {bad} line(s) that are not '
                          'results ignored')
        return signature

    def _end_line(self):
        """Finish a torn last line so appended records stay separate."""
        with open(self.path, 'rb') as f:
            size = f.seek(0, os.SEEK_END)
            if size:
                f.seek(size - 1)
            torn = size > 0 and f.read(1) != b'\n'
        if torn:
            with open(self.path, 'a') as f:
                f.write('\n')

    def __contains__(self, image_scale):
        """``(image, scale)`` or ``(image, scale, digest)`` done?"""
        return _key(*image_scale) in self.results

    def __len__(self):
        return len(self.results)

    def get(self, image, scale, digest=None):
        """``{'PSNR': .., 'SSIM': .., 'LPIPS': ..}`` (None: could not be
        computed) or None."""
        item = self.results.get(_key(image, scale, digest))
        return None if item is None else {
            k: v for k, v in item.items()
            if k not in ('image', 'scale', 'digest')}

    def add(self, image, scale, metrics, digest=None):
        """Record and flush one result (NaN metrics are stored as null)."""
        metrics = {k: (None if v is None or v != v else v)
                   for k, v in metrics.items()}
        item = dict(image=image, scale=float(scale), **metrics)
        if digest is not None:
            item['digest'] = digest
        self.results[_key(image, scale, digest)] = item
        with open(self.path, 'a') as f:
            f.write(json.dumps(item) + '\n')
            f.flush()
            os.fsync(f.fileno())
