"""A stand-in for ``mmcv._ext`` when mmcv-lite (no compiled ops) is installed.

``mmcv.ops`` modules call ``ext_loader.load_ext('_ext', [names])`` at import
time, which imports ``mmcv._ext`` and checks each name exists. The stand-in
answers every name with a function that raises ``RuntimeError`` naming the op,
so importing works, mmcv's pure-PyTorch fallbacks (used on CPU anyway) work,
and a compiled op fails loudly only if it is actually called.
"""
import types


class _MissingExt(types.ModuleType):
    """Module whose every public attribute is a raising function."""

    def __getattr__(self, name):
        if name.startswith('__'):
            raise AttributeError(name)

        def missing(*args, **kwargs):
            raise RuntimeError(
                f'mmcv compiled op "{name}" is not available: mmcv-lite has '
                'no mmcv._ext. Install full mmcv (mmcv==2.1.0, built with '
                'ops) to use it; liifgan_mm does not need it.')

        missing.__name__ = name
        return missing


def build_standin():
    module = _MissingExt('mmcv._ext')
    module.__file__ = None
    module.is_liifgan_standin = True
    return module
