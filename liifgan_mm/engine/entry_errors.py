"""One line instead of a traceback for the errors a user makes on the
command line of ``mim train``/``mim test`` (mmagic's ``tools/train.py``
and ``tools/test.py``, also through this project's ``tools/train.py``).

mmengine's ``Runner`` creates the work_dir and builds every hook before
any hook of ours runs, and builds the loops at the start of ``train()``,
so these errors surface as exceptions raised by mmengine at second 0,
before anything is loaded or trained. :func:`install` (called on ``import
liifgan_mm``, only when the running script is one of those two) sets a
``sys.excepthook`` that prints one line for exactly these, exit status 1:

- an ``OSError`` while ``Runner.__init__`` creates the work_dir or its log
  folder: *cannot use work_dir X: it is a file, not a folder* (or *... is
  not writable*, */a, above it, is a file ...*);
- a ``TypeError`` from mmengine's ``build_from_cfg`` for a key the class
  does not take (a hook, a loop): *default_hooks.logger (LoggerHook):
  unknown argument intervl (did you mean interval?)*; ``EMAHook`` passes
  its extra keys to the averaged model it builds before training:
  *custom_hooks[1] (EMAHook, its ExponentialMovingAverage): unknown
  argument momentm (did you mean momentum?)*;
- the training-data check's error (:class:`CheckedImageDataset`: bad or
  too small images, a symlink loop, no images), raised when ``train()``
  builds the data loader, and the warm start's (a checkpoint whose
  encoder or decoder 1 does not map, or a missing one), raised when the
  model's weights are initialised: their messages as they are.

Every other exception keeps its traceback (the previous hook is called).
"""
import os.path as osp
import sys

from liifgan_compat.installed_path import importable_path
from liifgan_mm.utils.arguments import failed_build
from .hooks.work_dir_guard import work_dir_problem

SCRIPTS = ('train.py', 'test.py')
_LOOP_BUILDERS = {'build_train_loop': 'train_cfg', 'build_val_loop':
                  'val_cfg', 'build_test_loop': 'test_cfg'}


def _frames(tb):
    """``(code name, file, locals)`` from the outermost frame inward."""
    while tb is not None:
        code = tb.tb_frame.f_code
        yield code.co_name, code.co_filename, tb.tb_frame.f_locals
        tb = tb.tb_next


def _in_mmengine(filename, module):
    return filename.replace(osp.sep, '/').endswith(f'mmengine/{module}')


def _concerns(filename, work_dir):
    """Is ``filename`` the work_dir, inside it or a folder above it?"""
    if not filename:
        return False
    a, b = osp.abspath(str(filename)), osp.abspath(work_dir)
    return osp.commonpath([a, b]) in (a, b)


def _work_dir_message(exc, frames):
    for name, filename, local in frames:
        if name == '__init__' and _in_mmengine(filename, 'runner/runner.py'):
            runner = local.get('self')
            work_dir = getattr(runner, '_work_dir', None) \
                or local.get('work_dir')
            if not work_dir or not _concerns(exc.filename, work_dir):
                return None  # e.g. a weight file the model reads
            why = work_dir_problem(work_dir) or \
                f'{exc.strerror or exc} ({exc.filename})'
            return f'cannot use work_dir {osp.abspath(work_dir)}: {why}'
    return None


def _config_key(frames, cfg):
    """Where ``cfg`` (a hook or loop config) sits in the config, as
    ``(key, builder)``: ``builder`` names the hook that built ``cfg``'s
    class from its own keys (``EMAHook``'s averaged model), else None."""
    for name, _, local in frames:
        if name == 'register_default_hooks':
            for key, value in local.get('default_hooks', {}).items():
                if value is cfg:
                    return f'default_hooks.{key}', None
        if name == 'register_custom_hooks':
            for i, value in enumerate(local.get('hooks', [])):
                if value is cfg:
                    return f'custom_hooks[{i}]', None
        if name in _LOOP_BUILDERS:
            return _LOOP_BUILDERS[name], None
        if _is_hook(local.get('self')) and 'runner' in local:
            # a hook building a class from its own keys while it runs
            # (EMAHook's averaged model, in before_run)
            hook = type(local['self'])
            return _hook_key(getattr(local['runner'], 'cfg', None),
                             hook), hook.__name__
    return None, None


def _is_hook(obj):
    from mmengine.hooks import Hook
    return isinstance(obj, Hook)


def _hook_key(cfg, hook):
    """``default_hooks.<key>`` or ``custom_hooks[i]`` of the first hook
    config of type ``hook`` in ``cfg``; None when there is none."""
    cfg = cfg or {}
    found = [(f'default_hooks.{k}', v) for k, v in
             (cfg.get('default_hooks') or {}).items()] + \
        [(f'custom_hooks[{i}]', v) for i, v in
         enumerate(cfg.get('custom_hooks') or [])]
    for key, value in found:
        if isinstance(value, dict) and value.get('type') in (
                hook, hook.__name__):
            return key
    return None


def _argument_message(exc, frames):
    found = failed_build(exc)
    context = exc.__context__
    if found is None and isinstance(context, TypeError):
        # mmengine's call_hook re-raises a hook's TypeError "from None"
        found = failed_build(context)
        frames = list(_frames(context.__traceback__))
    if found is None:
        return None
    cls, cfg, unknown = found
    key, builder = _config_key(frames, cfg)
    where = f'{builder}, its {cls.__name__}' if builder else cls.__name__
    where = f'{key} ({where})' if key else where
    return f'{where}: {unknown}'


# (function, file) raising a message meant for the user as it is
_OWN_CHECKS = (
    ('load_data_list', 'liifgan_mm/datasets/checked_image_dataset.py'),
    ('warm_start', 'liifgan_mm/models/editors/liifgan/warm_start.py'),
    ('init_weights', 'liifgan_mm/models/editors/liifgan/liifgan_net.py'),
)


def _data_check_message(exc, frames):
    """The training-data check's and the warm start's own messages (bad
    images, a symlink loop, an empty folder; a checkpoint that does not
    map or does not exist), raised where those checks raise them."""
    name, filename, _ = frames[-1] if frames else ('', '', None)
    filename = filename.replace(osp.sep, '/')
    if any(name == n and filename.endswith(f) for n, f in _OWN_CHECKS):
        return str(exc)
    return None


def one_line(exc):
    """The one-line message for ``exc`` (with its ``__traceback__``), or
    None when it is not one of the errors this module knows."""
    frames = list(_frames(exc.__traceback__))
    if isinstance(exc, (ValueError, FileNotFoundError)):
        msg = _data_check_message(exc, frames)
        if msg:
            return msg
    if isinstance(exc, OSError):
        return _work_dir_message(exc, frames)
    if isinstance(exc, TypeError):
        return _argument_message(exc, frames)
    return None


def _is_entry_script(argv0):
    folder = osp.join(importable_path('mmagic') or '', '.mim', 'tools')
    return any(osp.realpath(argv0 or '') == osp.realpath(
        osp.join(folder, name)) for name in SCRIPTS)


def install(argv0=None):
    """Set the excepthook when the running script is mmagic's train/test
    script; returns whether it did (idempotent)."""
    argv0 = sys.argv[0] if argv0 is None and sys.argv else argv0
    if getattr(sys.excepthook, 'liifgan_one_line', False) or \
            not _is_entry_script(argv0):
        return False
    previous = sys.excepthook

    def excepthook(kind, exc, tb):
        msg = one_line(exc) if isinstance(exc, Exception) else None
        if msg is None:
            return previous(kind, exc, tb)
        print(msg, file=sys.stderr, flush=True)

    excepthook.liifgan_one_line = True
    sys.excepthook = excepthook
    return True
