"""Opt-in low-precision decoding: the decoder's MLP tail in bfloat16.

The exact path (``precision='fp32'``, the default) is untouched. With
``precision='bf16'`` the head keeps in fp32 what decides *where* and *how
much*: coordinates, cells, nearest latents, the first layer (the fast
path's projected map and its coordinate/cell terms, computed exactly),
the ensemble weights and the output. Only the layers after the first one
(three 256x256 products and the 256x3 output layer of LIIF's MLP: ~99% of
the decoding FLOPs) run in bf16, with fp32 accumulation inside oneDNN's
(CPU) or cuBLAS's (GPU) kernels; their result is cast back to fp32 before
the ensemble blend.

Whether the hardware has bf16 matmuls is checked once per device type: on
a CPU, ``torch.backends.mkldnn`` must be available and ``/proc/cpuinfo``
must list ``avx512_bf16`` or ``amx_bf16`` (without them oneDNN emulates
bf16, slower than fp32). Where it is missing, decoding falls back to fp32
and says so in one line on stderr (once per process), or raises with
``strict=True``.
"""
import functools
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

PRECISIONS = ('fp32', 'bf16')
DTYPES = dict(fp32=torch.float32, bf16=torch.bfloat16)
CPU_BF16_FLAGS = ('avx512_bf16', 'amx_bf16')
_told = set()  # devices whose fallback line was printed


def check_precision(precision):
    """``precision`` if it is one of :data:`PRECISIONS`, else ValueError."""
    if precision not in PRECISIONS:
        raise ValueError(f'precision must be one of {PRECISIONS}, got '
                         f'{precision!r}')
    return precision


def cpu_flags(path='/proc/cpuinfo'):
    """The CPU's feature flags (empty where ``path`` cannot be read)."""
    try:
        with open(path) as f:
            for line in f:
                if line.startswith('flags'):
                    return set(line.split(':', 1)[1].split())
    except OSError:
        pass
    return set()


@functools.lru_cache(maxsize=None)
def bf16_supported(device_type='cpu'):
    """Whether ``device_type`` runs bf16 matmuls natively."""
    if device_type == 'cuda':
        return torch.cuda.is_available() and torch.cuda.is_bf16_supported()
    if device_type != 'cpu' or not torch.backends.mkldnn.is_available():
        return False
    flags = cpu_flags()
    if flags:
        return any(f in flags for f in CPU_BF16_FLAGS)
    # no /proc/cpuinfo (not Linux): ask oneDNN
    probe = getattr(torch.ops.mkldnn, '_is_mkldnn_bf16_supported', None)
    return bool(probe and probe())


def resolve_precision(precision, device_type='cpu', strict=False):
    """The precision decoding will run at on ``device_type``.

    ``'bf16'`` without native support: ``'fp32'``, with one line on
    stderr (once per process and device type), or RuntimeError when
    ``strict``.
    """
    if check_precision(precision) == 'fp32' or bf16_supported(device_type):
        return precision
    why = ('this CPU lists neither ' + ' nor '.join(CPU_BF16_FLAGS) +
           ' in /proc/cpuinfo (or oneDNN is unavailable)'
           if device_type == 'cpu' else
           f'device {device_type!r} has no native bf16 support')
    if strict:
        raise RuntimeError(f'bf16 refused: {why} (allow the fallback to '
                           'run in fp32)')
    if device_type not in _told:
        _told.add(device_type)
        print(f'liifgan_mm: bf16 asked but {why}: running in fp32',
              file=sys.stderr)
    return 'fp32'


class LowPrecisionTail:
    """A decoder's layers after the first, weights cast to ``dtype``.

    Built per decoding call (casting 200k weights is microseconds), so it
    always follows the current weights. Inference only (no autograd). On a
    CPU each ``Linear`` (+ the ``ReLU`` after it) is one oneDNN call with
    the bias and ReLU fused (``torch.ops.mkldnn._linear_pointwise``, what
    ``torch.compile`` emits for CPU; a bf16 ``addmm`` adds the bias in a
    separate slow pass); elsewhere ``addmm`` + ``relu_``.

    Args:
        tail (list[nn.Module]): ``[ReLU, Linear, ..., Linear]`` (see
            :func:`~.fast_query.supports_fast`).
        dtype (torch.dtype): e.g. ``torch.bfloat16``.
    """

    def __init__(self, tail, dtype=torch.bfloat16):
        self.dtype = dtype
        self.relu_first = False
        self.layers = []  # [weight [N, K], bias [N], relu after]
        for m in tail:
            if isinstance(m, nn.ReLU):
                if self.layers:
                    self.layers[-1][2] = True
                else:
                    self.relu_first = True
            else:
                self.layers.append([m.weight.detach().to(dtype),
                                    m.bias.detach().to(dtype), False])
        self.out_features = tail[-1].out_features

    def __call__(self, x, work=None):
        """``[M, O]`` fp32 pre-activation (overwritten) -> ``[M, out]`` in
        ``x``'s dtype; ``work``: a :class:`~.fast_query.Workspace` (its
        buffers hold the activations where ``addmm`` is used)."""
        out_dtype = x.dtype
        if self.relu_first:
            x = F.relu(x, inplace=True)
        x = _buffer(work, 'lp_in', x.shape[0], x.shape[1], x,
                    self.dtype).copy_(x)  # the one rounding of the input
        fused = x.device.type == 'cpu' and _LINEAR_POINTWISE is not None
        for i, (wt, bias, relu) in enumerate(self.layers):
            if fused:
                x = _LINEAR_POINTWISE(x, wt, bias, 'relu' if relu else 'none',
                                      [], '')
                continue
            out = _buffer(work, i % 2, x.shape[0], wt.shape[0], x,
                          self.dtype)
            x = torch.addmm(bias, x, wt.t(), out=out)
            if relu:
                x = x.relu_()
        return x.to(out_dtype)


def _linear_pointwise():
    """oneDNN's fused linear (+ pointwise op), where this torch has it."""
    try:
        return torch.ops.mkldnn._linear_pointwise.default
    except (AttributeError, RuntimeError):
        return None


_LINEAR_POINTWISE = (_linear_pointwise()
                     if torch.backends.mkldnn.is_available() else None)


def _buffer(work, key, rows, cols, like, dtype):
    """A ``[rows, cols]`` scratch matrix of ``dtype`` (from ``work`` when
    given; keys are per dtype)."""
    if work is None:
        return like.new_empty(rows, cols, dtype=dtype)
    return work.get((key, dtype), rows, cols,
                    like.new_empty(0, dtype=dtype))


class LowPrecisionDecoder:
    """An ``MLPRefiner`` for the plain query in low precision: first
    layer in fp32, the rest by :class:`LowPrecisionTail`; a decoder the
    split does not understand runs whole under ``torch.autocast``."""

    def __init__(self, decoder, dtype=torch.bfloat16, splittable=True):
        self.decoder, self.dtype = decoder, dtype
        self.first = decoder.layers[0] if splittable else None
        self.tail = (LowPrecisionTail(list(decoder.layers[1:]), dtype)
                     if splittable else None)

    def __call__(self, inp):
        if self.tail is None:
            with torch.autocast(inp.device.type, dtype=self.dtype):
                return self.decoder(inp).float()
        shape = inp.shape[:-1]
        x = F.linear(inp.reshape(-1, inp.shape[-1]), self.first.weight,
                     self.first.bias)
        return self.tail(x).view(*shape, -1)
