"""Keyword arguments checked against what a class accepts.

:func:`unknown_arguments` compares the keys a config gives a hook, loop or
other registry-built class with the names its ``__init__`` (and, through
``**kwargs``, its parents' ``__init__``) declares, and names the closest
valid key for each unknown one: ``max_keep_ckpt (did you mean
max_keep_ckpts?)``.
"""
import difflib
import inspect

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
