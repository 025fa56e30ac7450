"""Start-up fixes that let the OpenMMLab stack run where it otherwise breaks.

Each fix is a hook that runs right after the module it concerns is first
imported, checks the *exact* condition it repairs, and does nothing
otherwise; nothing heavy is imported at start-up. ``liifgan_compat.pth``
(shipped in liifgan_mm's wheel, so ``pip uninstall`` removes it) calls
:func:`install` at interpreter start, because mmagic's ``tools/train.py``
imports torchvision before a config's ``custom_imports`` run. See README,
"Install".

============================  ==========================================
fix (name in :data:`APPLIED`)  acts only when
============================  ==========================================
``torchvision-nms-schema``    torchvision's own loader reports that its
                              compiled ``_C`` did not load (CUDA-built
                              torchvision beside CPU torch)
``mmcv-ext-standin``          ``mmcv.ops`` asks for ``mmcv._ext`` and no
                              ``mmcv._ext`` exists (mmcv-lite)
``checkpoint-allowlist``      ``torch.load`` defaults to
                              ``weights_only=True`` (torch >= 2.6, or
                              ``TORCH_FORCE_WEIGHTS_ONLY_LOAD``) and torch
                              has ``add_safe_globals``
``numpy-bool8``               numpy lacks ``np.bool8`` (numpy >= 2)
``installed-path``            mmengine/mim compute a package folder that
                              does not exist (PEP 660 editable installs)
``config-package``            mmengine's list of packages allowed in
                              ``pkg::path`` config names
                              (``MODULE2PACKAGE``) lacks ``liifgan_mm``
``mim-download-shipped``      ``mim download`` is given a
                              ``liifgan_mm://`` URL (a checkpoint shipped
                              in the package; mim only knows http)
``mim-script-exit``           the script ``mim train``/``mim test`` runs
                              exits non-zero (mim 0.3's ``check_call``
                              raises before its own failure branch: a
                              traceback after the script's message)
============================  ==========================================

What a fix did is in :data:`APPLIED` (name -> the condition it found), and
on stderr with ``LIIFGAN_COMPAT_VERBOSE=1``. ``LIIFGAN_COMPAT=0`` turns every
fix off. No fix makes a capability check lie: ``mmcv._ext`` stays
unimportable and ``mmengine``'s ``mmcv_full_available()`` answers False on
mmcv-lite.
"""
import importlib.abc
import importlib.machinery
import os
import sys

__all__ = ['install', 'is_installed', 'APPLIED']

APPLIED = {}  # fix name -> the condition that made it act
_HOOKS = {}  # module name -> callable(module) run right after it executes


def _record(name, condition):
    """Note that fix ``name`` acted because of ``condition``."""
    APPLIED[name] = condition
    if os.environ.get('LIIFGAN_COMPAT_VERBOSE') == '1':
        print(f'[liifgan_compat] {name}: {condition}', file=sys.stderr)


class _Finder(importlib.abc.MetaPathFinder):
    """Meta-path finder that wraps a few named modules' loaders."""

    def find_spec(self, name, path, target=None):
        if name not in _HOOKS:
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is not None and spec.loader is not None:
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


def _after_torchvision_extension(module):
    if module._has_ops():
        return
    from .torchvision_ops import define_missing_ops
    if define_missing_ops():
        import importlib.metadata as md

        import torch
        try:  # torchvision itself is still initialising
            tv = md.version('torchvision')
        except md.PackageNotFoundError:
            tv = '?'
        _record('torchvision-nms-schema',
                f'torchvision {tv} could not load its compiled ops (_C) '
                f'beside torch {torch.__version__}')


def _after_mmcv_ext_loader(module):
    from .mmcv_ext import patch_load_ext
    if patch_load_ext(module):
        _record('mmcv-ext-standin',
                'no mmcv._ext (mmcv-lite): mmcv.ops load a stand-in whose '
                'compiled ops raise when called')


def _after_mmengine_checkpoint(module):
    from .checkpoint import allow_mmengine_checkpoints, weights_only_default
    condition = weights_only_default()
    if condition and allow_mmengine_checkpoints():
        _record('checkpoint-allowlist', condition)


def _after_numpy(module):
    if not hasattr(module, 'bool8'):
        module.bool8 = module.bool_
        _record('numpy-bool8', f'numpy {getattr(module, "__version__", "?")}'
                ' has no np.bool8 (mmagic 1.2.0 uses it)')


def _after_package_utils(module):
    from .installed_path import patch_get_installed_path
    patch_get_installed_path(module, _record)


def _after_mim_utils(module):
    _after_package_utils(module)
    from .shipped_weights import patch_mim_download
    patch_mim_download(module, _record)


def _after_mim_cli(module):
    from .mim_exit import patch_mim_cli
    patch_mim_cli(module, _record)


def _after_mmengine_config_utils(module):
    table = getattr(module, 'MODULE2PACKAGE', None)
    if isinstance(table, dict) and 'liifgan_mm' not in table:
        table['liifgan_mm'] = 'liifgan_mm'
        _record('config-package',
                "mmengine's MODULE2PACKAGE has no liifgan_mm: added, so "
                "'liifgan_mm::liifgan/...' config names resolve")


def is_installed():
    """Whether the import hooks are active in this interpreter."""
    return any(isinstance(f, _Finder) for f in sys.meta_path)


def install():
    """Activate the hooks (idempotent; ``LIIFGAN_COMPAT=0``: do nothing).

    Modules that were already imported before this call are fixed on the spot
    where that is still possible; torchvision must not have been imported
    before, which is why the ``.pth`` file calls this.
    """
    if os.environ.get('LIIFGAN_COMPAT') == '0':
        return
    _HOOKS.update({
        'torchvision.extension': _after_torchvision_extension,
        'mmcv.utils.ext_loader': _after_mmcv_ext_loader,
        'mmengine.runner.checkpoint': _after_mmengine_checkpoint,
        'numpy': _after_numpy,
        'mmengine.utils.package_utils': _after_package_utils,
        'mim.utils.utils': _after_mim_utils,
        'mim.cli': _after_mim_cli,
        'mmengine.config.utils': _after_mmengine_config_utils,
    })
    if not is_installed():
        sys.meta_path.insert(0, _Finder())
    for name, hook in _HOOKS.items():
        if name in sys.modules and name != 'torchvision.extension':
            hook(sys.modules[name])
