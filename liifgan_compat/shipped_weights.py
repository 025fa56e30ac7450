"""``liifgan_mm://<path>``: a checkpoint shipped inside the package.

The metafile's ``Weights`` (what ``mim search``/``mim download`` and
``mmengine.hub.get_model`` read) name the shipped checkpoints
``liifgan_mm://checkpoints/photos-small/liif.pth``: ``<path>`` inside
``liifgan_mm/.mim/`` (the wheel's copy, an editable install's symlink), or
inside the repo next to the package. Nothing is downloaded.

- :mod:`liifgan_mm.weights.shipped` registers the scheme with mmengine's
  ``CheckpointLoader`` (``load_from``, ``--checkpoint``, ``get_model``);
- :func:`patch_mim_download` lets ``mim download`` copy such a file (mim
  passes every ``Weights`` to ``requests``, which has no such scheme: the
  error then is a ``TypeError``).
"""
import os.path as osp
import shutil

from .installed_path import importable_path

SCHEME = 'liifgan_mm://'


def shipped_path(url):
    """Local file of a ``liifgan_mm://`` URL, or None (also for other
    URLs)."""
    if not isinstance(url, str) or not url.startswith(SCHEME):
        return None
    rel = url[len(SCHEME):]
    pkg = importable_path('liifgan_mm')
    if pkg is None or osp.isabs(rel) or '..' in rel.split('/'):
        return None
    for root in (osp.join(pkg, '.mim'), osp.dirname(pkg)):
        path = osp.join(root, rel)
        if osp.isfile(path):
            return path
    return None


def patch_mim_download(module, record=None):
    """Wrap ``module.download_from_file`` (mim's): ``liifgan_mm://`` URLs
    are copied from the package; any other URL goes to mim unchanged.
    Idempotent; returns True if it patched now."""
    original = getattr(module, 'download_from_file', None)
    if original is None or getattr(original, 'liifgan_wrapped', False):
        return False

    def download_from_file(url, dest_path, *args, **kwargs):
        if not (isinstance(url, str) and url.startswith(SCHEME)):
            return original(url, dest_path, *args, **kwargs)
        path = shipped_path(url)
        if path is None:
            raise FileNotFoundError(
                f'{url}: not in the installed liifgan_mm (looked in its '
                '.mim/ folder and next to the package)')
        shutil.copyfile(path, dest_path)
        if record is not None:
            record('mim-download-shipped',
                   f'mim download of {url}: copied {path}')

    download_from_file.liifgan_wrapped = True
    download_from_file.__wrapped__ = original
    download_from_file.__doc__ = original.__doc__
    module.download_from_file = download_from_file
    return True
