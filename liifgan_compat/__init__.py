"""Start-up fixes that let the OpenMMLab stack run on a CPU-only PyTorch.

Why this exists (see README, "Install"): on a machine without CUDA we
install the CPU build of torch 2.13, but PyPI only has a CUDA-linked
torchvision 0.28 and only ``mmcv-lite`` (no compiled ``mmcv._ext``). Three
things then break, and all three must be fixed *before* mmagic's own
``tools/train.py`` imports torchvision, i.e. at interpreter start-up, which is
why ``tools/setup_env.sh`` installs ``liifgan_compat.pth`` into the venv:

1. ``import torchvision`` dies with ``operator torchvision::nms does not
   exist``: its compiled ``_C`` fails to load, yet ``_meta_registrations``
   registers a fake kernel for ``torchvision::nms`` unconditionally. We define
   that one schema, with a kernel that raises a clear error, only when
   torchvision's own loader reported that ``_C`` could not be loaded.
2. ``import mmagic.models`` imports ``mmcv.ops``, whose loaders import the
   compiled ``mmcv._ext``. When (and only when) ``mmcv._ext`` cannot be found
   we provide a stand-in module whose functions raise a clear error when
   called, so mmcv's pure-PyTorch paths work and compiled ops fail loudly.
3. ``torch.load`` defaults to ``weights_only=True`` and rejects mmengine
   checkpoints (``--resume``, ``mim test --checkpoint``). We allow-list exactly
   the classes mmengine writes into a checkpoint (see ``checkpoint.py``).

4. On numpy >= 2 (a modern CUDA stack), mmagic 1.2.0 fails on
   ``np.bool8``, an alias numpy 2 removed (its only such use). We restore
   that one alias, and only when numpy lacks it.

Every hook is lazy: nothing heavy is imported at start-up; each fix runs when
the module it concerns is first imported, and does nothing on a machine
where the compiled pieces load.
"""
import importlib.abc
import importlib.machinery
import sys

__all__ = ['install', 'is_installed']

_HOOKS = {}  # module name -> callable(module) run right after it executes
_STANDINS = {}  # module name -> callable() building a stand-in if missing


class _Finder(importlib.abc.MetaPathFinder):
    """Meta-path finder that wraps a few named modules' loaders."""

    def find_spec(self, name, path, target=None):
        if name not in _HOOKS and name not in _STANDINS:
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None:
            if name in _STANDINS:
                return importlib.machinery.ModuleSpec(
                    name, _StandinLoader(_STANDINS[name]))
            return None
        if name in _HOOKS and spec.loader is not None:
            spec.loader = _HookedLoader(spec.loader, _HOOKS[name])
        return spec


class _HookedLoader(importlib.abc.Loader):

    def __init__(self, loader, after):
        self._loader, self._after = loader, after

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        self._loader.exec_module(module)
        self._after(module)

    def __getattr__(self, name):  # get_data, is_package, ... of the real one
        return getattr(self._loader, name)


class _StandinLoader(importlib.abc.Loader):

    def __init__(self, build):
        self._build = build

    def create_module(self, spec):
        return self._build()

    def exec_module(self, module):
        pass


def _after_torchvision_extension(module):
    from .torchvision_ops import define_missing_ops
    if not module._has_ops():
        define_missing_ops()


def _mmcv_ext_standin():
    from .mmcv_ext import build_standin
    return build_standin()


def _after_mmengine_checkpoint(module):
    from .checkpoint import allow_mmengine_checkpoints
    allow_mmengine_checkpoints()


def _after_numpy(module):
    if not hasattr(module, 'bool8'):
        module.bool8 = module.bool_


def is_installed():
    """Whether the import hooks are active in this interpreter."""
    return any(isinstance(f, _Finder) for f in sys.meta_path)


def install():
    """Activate the hooks (idempotent).

    Modules that were already imported before this call are fixed on the spot
    where that is still possible (checkpoint allow-list); torchvision must not
    have been imported before, which is why the ``.pth`` file calls this.
    """
    _HOOKS['torchvision.extension'] = _after_torchvision_extension
    _HOOKS['mmengine.runner.checkpoint'] = _after_mmengine_checkpoint
    _HOOKS['numpy'] = _after_numpy
    _STANDINS['mmcv._ext'] = _mmcv_ext_standin
    if not is_installed():
        sys.meta_path.insert(0, _Finder())
    if 'mmengine.runner.checkpoint' in sys.modules:
        _after_mmengine_checkpoint(sys.modules['mmengine.runner.checkpoint'])
    if 'numpy' in sys.modules:
        _after_numpy(sys.modules['numpy'])
