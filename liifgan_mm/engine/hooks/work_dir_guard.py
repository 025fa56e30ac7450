"""A training never overwrites another one's checkpoints.

Called by :class:`~.SafeCheckpointHook` before the runner loads or resumes
anything (``before_run``):

- :func:`lock_work_dir`: an exclusive ``flock`` on ``work_dir/.train.lock``
  held while training; a second training into a live work_dir is refused
  (the kernel drops the lock when the process dies: no stale locks);
- :func:`check_overwrite`: without ``--resume``, a work_dir that holds
  checkpoints this training would write over is refused;
- :func:`resume_target`: ``--resume`` in a work_dir whose
  ``last_checkpoint`` is missing (or names a missing/torn file) resumes from
  the newest *complete* ``iter_N.pth`` instead of starting at 0;
- :func:`is_resumable`: does a ``load_from`` hold a training state, or
  only weights (a fine-tuning config's warm start, which mmengine would
  resume from under ``--resume`` and die on ``KeyError: 'message_hub'``)?
  The hook then resumes from the work_dir's own checkpoints instead, or
  refuses in one line where there are none;
- :func:`check_readable`: a checkpoint to load or resume that is missing
  or torn (truncated zip) is refused in one line;
- :func:`work_dir_problem`: why a work_dir cannot be used (a file, under
  a file, not writable), for the one-line error of
  :mod:`liifgan_mm.engine.entry_errors` (mmengine's ``Runner`` creates the
  work_dir before any hook is built);
- :func:`stop_with_parent`: a training started by ``mim train`` gets
  SIGTERM when ``mim`` dies (Linux), instead of running on as an orphan.

Refusals raise :class:`Refused` (a ``SystemExit``): one line on stderr, exit
status 1, no traceback (also used for a checkpoint write that fails).
"""
import glob
import os
import os.path as osp
import re
import signal
import zipfile

from liifgan_mm.utils.cli_checks import nearest_existing

LOCK_NAME = '.train.lock'
_HELD = {}  # lock path -> open file: this process's (one run after another)


class Refused(SystemExit):
    """Training refused to start (or to go on): the message is printed
    alone, as one line, and the exit status is 1."""

    def __init__(self, msg):
        super().__init__(str(msg))


def is_complete(path):
    """Is ``path`` a whole torch checkpoint (its zip directory, at the
    end of the file, reads)? Legacy non-zip files count as complete."""
    try:
        if not zipfile.is_zipfile(path):
            with open(path, 'rb') as f:
                head = f.read(2)
            return len(head) == 2 and head[0] == 0x80  # a plain pickle
        with zipfile.ZipFile(path) as z:
            return bool(z.namelist())
    except OSError:
        return False


def check_readable(path, what='checkpoint'):
    """Refuse a local ``path`` that is missing, not a file or torn."""
    if '://' in str(path):  # a URL or another back end: mmengine's
        return
    if not osp.isfile(path):
        raise Refused(f'{what} {path} does not exist or is not a file')
    if not is_complete(path):
        raise Refused(f'{what} {path} is truncated or not a checkpoint '
                      '(torn write?): pick another one')


def is_resumable(path):
    """Does ``path`` hold a training state (``message_hub``: iteration,
    optimizer), not only weights? Reads only the pickle of a torch zip
    (the tensors are not loaded); anything else is assumed resumable."""
    if '://' in str(path) or not osp.isfile(path):
        return True
    try:
        with zipfile.ZipFile(path) as z:
            pkl = [n for n in z.namelist() if n.endswith('/data.pkl')]
            return bool(pkl) and b'message_hub' in z.read(pkl[0])
    except (OSError, zipfile.BadZipFile):
        return True


def checkpoints(folder, filename_tmpl):
    """``[(step, path)]`` of ``filename_tmpl`` files in ``folder``, by
    step."""
    pattern = re.compile('^' + re.escape(filename_tmpl).replace(
        r'\{\}', r'(\d+)') + '$')
    found = []
    for path in glob.glob(osp.join(glob.escape(folder), '*')):
        m = pattern.match(osp.basename(path))
        if m and osp.isfile(path):
            found.append((int(m.group(1)), path))
    return sorted(found)


def check_overwrite(folder, filename_tmpl, work_dir):
    """Refuse to start a new training where checkpoints exist."""
    found = checkpoints(folder, filename_tmpl)
    if found:
        names = ', '.join(osp.basename(p) for _, p in found[-3:])
        raise Refused(f'work_dir {work_dir} holds checkpoints ({names}) '
                      'that this training would overwrite: pass --resume '
                      'to continue it, or another --work-dir')


def resume_target(work_dir, folder, filename_tmpl, logger=None):
    """The checkpoint ``--resume`` should use when ``last_checkpoint``
    cannot be trusted, else None (mmengine's own choice stands)."""
    last = osp.join(work_dir, 'last_checkpoint')
    named = None
    if osp.isfile(last):
        with open(last) as f:
            named = f.read().strip()
        if named and osp.isfile(named) and is_complete(named):
            return None
    for step, path in reversed(checkpoints(folder, filename_tmpl)):
        if is_complete(path):
            if logger is not None:
                why = (f'last_checkpoint names {named}, missing or torn'
                       if named else 'no last_checkpoint')
                logger.warning(f'{why}: resuming from the newest complete '
                               f'checkpoint {path}')
            return path
    if named:
        raise Refused(f'--resume: {last} names {named}, which is missing '
                      f'or torn, and {folder} has no complete checkpoint')
    return None


def work_dir_problem(work_dir):
    """Why ``work_dir`` cannot be created or written, or None: it is a
    file, a folder above it is a file, or the nearest existing folder is
    not writable (``os.access``: root may write anywhere)."""
    path = osp.abspath(work_dir)
    probe = nearest_existing(path)
    where = '' if probe == path else f'{probe}, above it, '
    if not osp.isdir(probe):
        return f'{where or "it "}is a file, not a folder'
    if not os.access(probe, os.W_OK | os.X_OK):
        return f'{where or "it "}is not writable'
    return None


def lock_work_dir(work_dir):
    """Hold ``work_dir/.train.lock`` (until :func:`unlock_work_dir` or the
    process ends); a lock this process holds already is kept (a run that
    raised never reached ``after_run``)."""
    try:
        import fcntl
    except ImportError:  # not POSIX
        return None
    path = osp.realpath(osp.join(work_dir, LOCK_NAME))
    if path in _HELD:
        return path
    try:
        os.makedirs(work_dir, exist_ok=True)
        f = open(path, 'a+')
    except OSError as e:
        raise Refused(f'work_dir {work_dir} is not writable: '
                      f'{e.strerror or e}') from None
    try:
        fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        f.seek(0)
        owner = f.read().strip() or 'another process'
        f.close()
        raise Refused(f'work_dir {work_dir} is in use by a running training '
                      f'({owner}): wait for it, or use another --work-dir')
    f.seek(0)
    f.truncate()
    f.write(f'pid {os.getpid()}\n')
    f.flush()
    _HELD[path] = f
    return path


def unlock_work_dir(path):
    """Release a lock :func:`lock_work_dir` took."""
    f = _HELD.pop(path, None)
    if f is not None:
        f.close()


def stop_with_parent(parent_names=('mim',)):
    """Ask Linux to SIGTERM this process when its parent dies, if the
    parent is one of ``parent_names`` (e.g. ``mim train``, which does not
    forward signals to its child). No-op elsewhere."""
    ppid = os.getppid()
    try:
        with open(f'/proc/{ppid}/cmdline', 'rb') as f:
            argv = f.read().split(b'\0')
    except OSError:
        return False
    names = {osp.basename(a.decode(errors='replace')) for a in argv[:2]}
    if not names & set(parent_names):
        return False
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        PR_SET_PDEATHSIG = 1
        if libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0) != 0:
            return False
    except (OSError, AttributeError):
        return False
    if os.getppid() != ppid:  # the parent died before prctl
        os.kill(os.getpid(), signal.SIGTERM)
    return True
