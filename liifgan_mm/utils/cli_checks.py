"""Checks of command-line values that the tools make before any work.

Each raises ``ValueError`` with one line naming the flag (or file), which
a tool passes to ``parser.error`` (exit code 2, no traceback). The tools
import this module after ``parse_args``, so that ``--help`` imports
nothing heavy.
"""
import json
import os
import os.path as osp

from .output_size import _number

MAX_SCALE = 100  # LIIF's out-of-distribution scales go to x30


def whole_number(value, flag, minimum=0):
    """``value`` as an int of at least ``minimum``."""
    if isinstance(value, bool) or int(value) != value or value < minimum:
        raise ValueError(f'{flag} must be a whole number >= {minimum}, '
                         f'got {value}')
    return int(value)


def scale_list(values, flag='--scales', maximum=MAX_SCALE):
    """Scales in ``(0, maximum]`` (NaN, inf, 0 refused), one message."""
    out = []
    for v in values:
        try:
            s = _number(v, flag)
        except ValueError:
            s = None
        if s is None or s > maximum:
            shown = f'{v:g}' if isinstance(v, float) else repr(v)
            raise ValueError(f'{flag} must be in (0, {maximum}], got {shown}')
        out.append(s)
    return out


def json_file(path, flag):
    """The content of the JSON file ``path``."""
    if not osp.isfile(path):
        raise ValueError(f'{flag}: no such file: {path}')
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, UnicodeDecodeError, ValueError) as e:
        raise ValueError(f'{flag} {path}: not readable JSON '
                         f'({str(e).splitlines()[0][:100]})')


def nearest_existing(path):
    """The deepest part of ``path`` that exists (``path`` when it does):
    the folder that decides whether ``path`` can be created or written."""
    existing = path
    while not osp.exists(existing) and osp.dirname(existing) != existing:
        existing = osp.dirname(existing) or '.'
    return existing


def writable_folder(path, flag):
    """Refuse a ``path`` that is a file, or that cannot be created or
    written (the part of it that exists already decides)."""
    existing = nearest_existing(path)
    if not osp.isdir(existing):
        raise ValueError(f'{flag} {path}: {existing} is not a folder')
    if not os.access(existing, os.W_OK | os.X_OK):
        raise ValueError(f'{flag} {path}: {existing} is not writable')
    return path


def whole_numbers(args, minimums):
    """``whole_number`` for each ``{attribute: minimum}`` of ``args`` that
    is set (``None``: the tool's default); the flag is the attribute's."""
    for name, minimum in minimums.items():
        value = getattr(args, name)
        if value is not None:
            whole_number(value, '--' + name.replace('_', '-'), minimum)


def device(value, flag='--device'):
    """A torch device name this machine has (``None``: the tool picks)."""
    if value is None:
        return value
    import torch
    try:
        kind = torch.device(value).type
    except RuntimeError as e:  # "Expected one of cpu, cuda, ..."
        raise ValueError(f'{flag} {value}: {str(e).splitlines()[0]}')
    if kind == 'cuda' and not torch.cuda.is_available():
        raise ValueError(f'{flag} {value}: no CUDA device here (use cpu)')
    return value
