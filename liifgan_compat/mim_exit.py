"""``mim train``/``mim test``: a failed script ends in mim's own message.

mim 0.3 runs mmagic's ``tools/train.py``/``tools/test.py`` with
``subprocess.check_call`` and then checks ``ret == 0`` to return
``(False, 'Training not finished successfully. ')`` for ``exit_with_error``;
but ``check_call`` raises ``CalledProcessError`` first, so that branch never
runs and a Python traceback of mim's follows the script's own one-line
error. The wrapper returns what mim's dead branch meant to (with the exit
status), so mim prints its red line and exits 1, as it intends.

mim's CLI does not import its command modules: ``mim.cli.MIM.get_command``
compiles ``mim/commands/<name>.py`` into a fresh namespace each time, so
the wrapper goes into that namespace (the ``mim`` command only; mim's
Python API, ``mim.train(...)``, still raises as before).
"""
import functools
import subprocess

_VERBS = {'train': 'Training', 'test': 'Testing'}


def patch_failed_script(namespace, name, record=None):
    """Wrap ``namespace[name]`` (mim's ``train`` or ``test`` command body).

    Acts only when that function calls ``subprocess.check_call`` (mim
    0.3.x); idempotent; returns True if it patched now."""
    original = namespace.get(name)
    code = getattr(original, '__code__', None)
    if (code is None or getattr(original, 'liifgan_wrapped', False)
            or 'check_call' not in code.co_names):
        return False
    verb = _VERBS.get(name, name)

    @functools.wraps(original)
    def wrapped(*args, **kwargs):
        try:
            return original(*args, **kwargs)
        except subprocess.CalledProcessError as exc:
            status = exc.returncode
            if record is not None:
                record('mim-script-exit',
                       f'mim {name}: the script exited with status {status}')
            how = (f'killed by signal {-status}' if status < 0
                   else f'exit status {status}')
            return False, (f'{verb} not finished successfully ({how}; '
                           'the reason is printed above).')

    wrapped.liifgan_wrapped = True
    namespace[name] = wrapped
    return True


def patch_mim_cli(module, record=None):
    """Wrap ``module.MIM.get_command`` (``mim.cli``) so that the ``train``
    and ``test`` commands it builds get :func:`patch_failed_script`.
    Idempotent; returns True if it patched now."""
    group = getattr(module, 'MIM', None)
    original = getattr(group, 'get_command', None)
    if original is None or getattr(original, 'liifgan_wrapped', False):
        return False

    @functools.wraps(original)
    def get_command(self, ctx, name):
        command = original(self, ctx, name)
        space = getattr(getattr(command, 'callback', None), '__globals__',
                        None)
        body = getattr(command, 'name', None)
        if body in _VERBS and isinstance(space, dict):
            patch_failed_script(space, body, record)
        return command

    get_command.liifgan_wrapped = True
    group.get_command = get_command
    return True
