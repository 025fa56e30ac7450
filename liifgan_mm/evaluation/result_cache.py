"""Per-row, append-only cache of per-image metrics (resumable runs).

``<cache_dir>/<row>.jsonl``: a header line ``{"signature": ...}`` then one
line per finished (image, scale)::

    {"image": "0801.png", "scale": 4.5, "PSNR": 26.1, "SSIM": 0.74,
     "LPIPS": 0.37}

Each line is flushed as soon as it is written, so a run killed at any point
loses at most the image it was on; a torn last line is ignored. A cache made
under another signature (other checkpoint, config or protocol) is moved
aside to ``<row>.jsonl.stale`` and the row starts over.
"""
import json
import os
import os.path as osp
import re
import warnings


def row_slug(name):
    """File-system-safe row name: ``'EDSR(x4)' -> 'EDSR_x4_'``."""
    return re.sub(r'[^A-Za-z0-9.+-]+', '_', name)


def _key(image, scale):
    return image, round(float(scale), 6)


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
        signature = None
        with open(self.path) as f:
            for i, line in enumerate(f):
                try:
                    item = json.loads(line)
                except json.JSONDecodeError:  # torn last line
                    continue
                if i == 0:
                    signature = item.get('signature')
                elif 'image' in item:
                    self.results[_key(item['image'], item['scale'])] = item
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
        return _key(*image_scale) in self.results

    def __len__(self):
        return len(self.results)

    def get(self, image, scale):
        """``{'PSNR': .., 'SSIM': .., 'LPIPS': ..}`` or None."""
        item = self.results.get(_key(image, scale))
        return None if item is None else {
            k: v for k, v in item.items() if k not in ('image', 'scale')}

    def add(self, image, scale, metrics):
        """Record and flush one result."""
        item = dict(image=image, scale=float(scale), **metrics)
        self.results[_key(image, scale)] = item
        with open(self.path, 'a') as f:
            f.write(json.dumps(item) + '\n')
            f.flush()
            os.fsync(f.fileno())
