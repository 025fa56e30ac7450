"""Keyword arguments checked against what a class accepts.

:func:`unknown_arguments` compares the keys a config gives a hook, loop or
other registry-built class with the names its ``__init__`` (and, through
``**kwargs``, its parents' ``__init__``) declares, and names the closest
valid key for each unknown one: ``max_keep_ckpt (did you mean
max_keep_ckpts?)``. :func:`failed_build` finds, in the traceback of
mmengine's ``TypeError`` for such a key, the class and config it was
building.
"""
import difflib
import inspect
import os.path as osp

_VAR = (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)


def accepted_names(cls):
    """Keyword names ``cls(...)`` accepts: its ``__init__``'s, and while
    an ``__init__`` takes ``**kwargs``, those of the next one up the MRO
    (``object`` excluded)."""
    names = set()
    for klass in inspect.getmro(cls):
        if klass is object or '__init__' not in vars(klass):
            continue
        try:
            params = inspect.signature(vars(klass)['__init__']).parameters
        except (TypeError, ValueError):
            break
        names |= {n for n, p in params.items()
                  if n != 'self' and p.kind not in _VAR}
        if not any(p.kind is inspect.Parameter.VAR_KEYWORD
                   for p in params.values()):
            break
    return names


def unknown_arguments(keys, known):
    """``'unknown argument k (did you mean x?), ...'`` for the ``keys`` not
    in ``known``, or '' when every key is known."""
    unknown = sorted(set(keys) - set(known))
    parts = []
    for key in unknown:
        hint = difflib.get_close_matches(key, sorted(known), 1)
        parts.append(key + (f' (did you mean {hint[0]}?)' if hint else ''))
    if not parts:
        return ''
    return ('unknown argument ' if len(parts) == 1
            else 'unknown arguments ') + ', '.join(parts)


def _is_build_from_cfg(code):
    return code.co_name == 'build_from_cfg' and code.co_filename.replace(
        osp.sep, '/').endswith('mmengine/registry/build_functions.py')


def failed_build(exc):
    """``(cls, cfg, message)`` for a ``TypeError`` raised by mmengine's
    ``build_from_cfg`` (the innermost one, for nested builds) because the
    config gave ``cls`` a key it does not take: the class, the config
    being built and :func:`unknown_arguments`' message; None for any
    other exception."""
    if not isinstance(exc, TypeError) or \
            'unexpected keyword argument' not in str(exc):
        return None
    found, tb = None, exc.__traceback__
    while tb is not None:
        if _is_build_from_cfg(tb.tb_frame.f_code):
            found = tb.tb_frame.f_locals
        tb = tb.tb_next
    if found is None:
        return None
    cls, args = found.get('obj_cls'), found.get('args')
    if not isinstance(cls, type) or args is None:
        return None
    message = unknown_arguments(args, accepted_names(cls))
    return (cls, found.get('cfg'), message) if message else None


def _dicts(root, prefix):
    """``(path, dict)`` for ``root`` and every dict inside it."""
    if isinstance(root, dict):
        yield prefix, root
        items = root.items()
    elif isinstance(root, (list, tuple)):
        items = enumerate(root)
    else:
        return
    for key, value in items:
        yield from _dicts(value, f'{prefix}.{key}' if isinstance(key, str)
                          else f'{prefix}[{key}]')


def config_path(root, target, prefix):
    """Where ``target`` (the config a class was built from) sits in
    ``root``: ``prefix.generator.head``; ``prefix`` for ``root`` itself.
    The dict that is ``target``, else one with a ``type`` whose every
    item ``target`` has (a class may build a copy with more keys, e.g. a
    head given its input channels); None when there is none."""
    found = list(_dicts(root, prefix))
    for path, d in found:
        if d is target:
            return path
    for path, d in found:
        if 'type' in d and isinstance(target, dict) and all(
                k in target and target[k] == v for k, v in d.items()):
            return path
    return None
