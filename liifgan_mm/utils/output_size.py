"""Output sizes: a target ``(H, W)``, one scale, or a scale per axis.

Every entry point (the model's test path, the pipelines, ``tools/upsample.py``
and the inferencer) turns the three forms into an exact ``(H, W)`` here, and
refuses a zero, negative, NaN/inf or absurd size (over ``max_pixels``) with a
one-line ``ValueError`` before any work. A scale gives
``(round(h * sh), round(w * sw))`` (Python's ``round``, as mmagic's LIIF
pipelines do).
"""
import math
import numbers

# 2**28 output pixels (e.g. 16384 x 16384): a 4608 x 3456 photo at x4.7
# passes, a typo such as x470 does not.
MAX_PIXELS = 2**28


def _number(value, what):
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        try:
            value = float(value)
        except (TypeError, ValueError):
            raise ValueError(f'{what} must be a number, got {value!r}')
    value = float(value)
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f'{what} must be a positive finite number, got '
                         f'{value:g}')
    return value


def scale_pair(scale):
    """``s`` or ``(sh, sw)`` -> ``(sh, sw)`` floats, validated."""
    if isinstance(scale, (list, tuple)):
        if len(scale) == 1:
            scale = scale[0]
        elif len(scale) != 2:
            raise ValueError('scale must be one number or (height, width), '
                             f'got {scale!r}')
        else:
            return tuple(_number(s, f'scale[{i}]')
                         for i, s in enumerate(scale))
    s = _number(scale, 'scale')
    return s, s


def size_pair(size):
    """``(H, W)``, ``'HxW'`` or ``'H,W'`` -> ``(H, W)`` positive ints."""
    if isinstance(size, str):
        parts = size.lower().replace(',', 'x').split('x')
        size = [p.strip() for p in parts]
    if not isinstance(size, (list, tuple)) or len(size) != 2:
        raise ValueError(f'size must be (height, width) or HxW, got {size!r}')
    out = []
    for name, v in zip(('height', 'width'), size):
        f = _number(v, f'size {name}')
        if f != int(f):
            raise ValueError(f'size {name} must be a whole number of pixels, '
                             f'got {f:g}')
        out.append(int(f))
    return tuple(out)


def scale_tag(scale=None, size=None):
    """File-name tag: ``x4``, ``x4.5``, ``x3.2x4.7`` or ``512x768``."""
    if size is not None:
        h, w = size_pair(size)
        return f'{h}x{w}'
    sh, sw = scale_pair(scale)
    return f'x{sh:g}' if sh == sw else f'x{sh:g}x{sw:g}'


def output_size(in_hw, scale=None, size=None, max_pixels=MAX_PIXELS):
    """The exact output ``(H, W)`` for an ``(h, w)`` input.

    Args:
        in_hw (tuple[int, int]): input height and width.
        scale (float | tuple[float, float], optional): one scale, or
            ``(sh, sw)``.
        size (tuple[int, int] | str, optional): the target itself.
        max_pixels (int): refuse outputs with more pixels. None: no limit.

    Returns:
        tuple[int, int]: ``(H, W)``.

    Raises:
        ValueError: not exactly one of scale/size, or a bad value.
    """
    if (scale is None) == (size is None):
        raise ValueError('give exactly one of a scale, a scale per axis or '
                         'a target size')
    if size is not None:
        out = size_pair(size)
    else:
        (sh, sw), (h, w) = scale_pair(scale), in_hw
        out = (round(h * sh), round(w * sw))
        if min(out) < 1:
            raise ValueError(f'scale {scale_tag(scale)} of a {h}x{w} input '
                             f'gives an empty {out[0]}x{out[1]} output')
    if max_pixels and out[0] * out[1] > max_pixels:
        raise ValueError(f'output {out[0]}x{out[1]} has {out[0] * out[1]:,} '
                         f'pixels, over the limit of {max_pixels:,} '
                         '(max_pixels / --max-pixels)')
    return out
