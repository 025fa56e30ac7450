"""A stand-in for ``mmcv._ext`` when mmcv-lite (no compiled ops) is installed.

``mmcv.ops`` modules call ``ext_loader.load_ext('_ext', [names])`` at import
time, which imports ``mmcv._ext`` and checks each name exists. Only when
``mmcv._ext`` does not exist, :func:`patch_load_ext` makes ``load_ext`` hand
out a stand-in that answers every name with a function raising
``RuntimeError`` naming the op: importing works, mmcv's pure-PyTorch
fallbacks (used on CPU anyway) work, and a compiled op fails loudly only if
it is actually called. The stand-in is never registered as ``mmcv._ext``:
``import mmcv._ext``, ``ext_loader.check_ops_exist()`` and mmengine's
``mmcv_full_available()`` keep telling the truth (no compiled ops).
"""
import importlib.util
import types


class _MissingExt(types.ModuleType):
    """Module whose every public attribute is a raising function."""

    def __getattr__(self, name):
        if name.startswith('__'):
            raise AttributeError(name)

        def missing(*args, **kwargs):
            raise RuntimeError(
                f'mmcv compiled op "{name}" is not available: mmcv-lite has '
                'no mmcv._ext (checked: importlib finds no mmcv._ext). '
                'Install full mmcv (mmcv==2.1.0, built with '
                'ops) to use it; liifgan_mm does not need it.')

        missing.__name__ = name
        return missing


def build_standin():
    module = _MissingExt('mmcv._ext')
    module.__file__ = None
    module.is_liifgan_standin = True
    return module


def patch_load_ext(ext_loader):
    """Wrap ``ext_loader.load_ext`` (mmcv.utils.ext_loader) so that it
    returns the stand-in for ``_ext`` when, and only when, ``mmcv._ext``
    cannot be found. Returns True if it patched (False: compiled ops exist,
    already patched, or an mmcv without ``load_ext``)."""
    load_ext = getattr(ext_loader, 'load_ext', None)
    if load_ext is None or getattr(load_ext, 'liifgan_standin', False):
        return False
    if importlib.util.find_spec('mmcv._ext') is not None:
        return False
    standin = build_standin()

    def load_ext_or_standin(name, funcs):
        if name == '_ext' and importlib.util.find_spec('mmcv._ext') is None:
            return standin
        return load_ext(name, funcs)

    load_ext_or_standin.liifgan_standin = True
    load_ext_or_standin.__wrapped__ = load_ext
    ext_loader.load_ext = load_ext_or_standin
    return True
