"""``get_installed_path`` of mmengine and mim for PEP 660 editable installs.

Both compute a package's folder as ``<dist location>/<package>`` (or the
first line of ``top_level.txt``). For ``pip install -e .`` with a current
setuptools the distribution's location is site-packages while the code stays
in the repo, so that folder does not exist and ``mim search liifgan_mm`` or
``_base_ = 'liifgan_mm::...'`` fail. Only when the computed folder does not
exist, the wrapper answers the folder Python actually imports the package
from (``importlib.util.find_spec``, which does not import it).
"""
import importlib.util
import os.path as osp


def importable_path(package):
    """Folder ``package`` is imported from, or None."""
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return list(spec.submodule_search_locations)[0]


def mmagic_tool(name):
    """Path of mmagic's ``.mim/tools/<name>`` (installed with mmagic);
    exits with one line when it is not there."""
    path = osp.join(importable_path('mmagic') or '', '.mim', 'tools', name)
    if not osp.isfile(path):
        raise SystemExit(f'{path} not found: mmagic 1.2 ships it in its '
                         'package (pip install mmagic)')
    return path


def patch_get_installed_path(module, record=None):
    """Wrap ``module.get_installed_path`` (idempotent). Returns True if it
    patched now."""
    original = getattr(module, 'get_installed_path', None)
    if original is None or getattr(original, 'liifgan_wrapped', False):
        return False

    def get_installed_path(package):
        path = original(package)
        if osp.exists(path):
            return path
        found = importable_path(package)
        if found is None:
            return path
        if record is not None:
            record('installed-path',
                   f'{module.__name__}.get_installed_path({package!r}) gave '
                   f'{path}, which does not exist (editable install); '
                   f'answered {found}')
        return found

    get_installed_path.liifgan_wrapped = True
    get_installed_path.__wrapped__ = original
    get_installed_path.__doc__ = original.__doc__
    module.get_installed_path = get_installed_path
    return True
