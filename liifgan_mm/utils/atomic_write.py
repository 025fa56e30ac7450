"""Files written complete or not at all.

:func:`write_atomic` writes to a temporary file in the target's folder,
syncs it, then renames it onto the final name: a reader (or a crash, a
full disk) never sees a partial file under that name. With
``overwrite=False`` an existing file is never replaced, not even one
another process created meanwhile (hard link: ``EEXIST``).
:func:`save_figure` does the same for a matplotlib figure.
"""
import io
import os
import os.path as osp
import tempfile


def _umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _publish_new(tmp, path):
    """Give ``tmp`` the name ``path`` unless ``path`` exists (atomic where
    the file system has hard links)."""
    try:
        os.link(tmp, path)  # EEXIST when another writer got there first
    except FileExistsError:
        raise FileExistsError(f'{path} exists (another run wrote it?): '
                              'not replaced') from None
    except OSError:  # no hard links here (e.g. FAT): check, then rename
        if osp.lexists(path):
            raise FileExistsError(f'{path} exists: not replaced') from None
        os.replace(tmp, path)


def write_atomic(path, data, overwrite=True):
    """Write ``data`` (bytes, or str as UTF-8) to ``path`` through a
    synced temporary file and a rename; the temporary file never stays."""
    if isinstance(data, str):
        data = data.encode('utf-8')
    folder = osp.dirname(path) or '.'
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f'.{osp.basename(path)}.',
                               suffix='.tmp', dir=folder)
    try:
        with os.fdopen(fd, 'wb') as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        if overwrite:
            os.replace(tmp, path)
        else:
            _publish_new(tmp, path)
    finally:
        if osp.lexists(tmp):
            os.remove(tmp)


def save_figure(fig, path, overwrite=True, **kwargs):
    """``fig.savefig(path, **kwargs)`` through :func:`write_atomic` (the
    format from the extension); returns ``path``."""
    buf = io.BytesIO()
    fig.savefig(buf, format=osp.splitext(path)[1][1:] or 'png', **kwargs)
    write_atomic(path, buf.getvalue(), overwrite)
    return path
