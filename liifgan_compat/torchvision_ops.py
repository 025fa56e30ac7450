"""Define ``torchvision::nms``/``qnms`` when torchvision's ``_C`` is missing.

torchvision 0.28 registers fake (meta) kernels for ``torchvision::nms`` and
``torchvision::qnms`` at import time even when its ``_C`` library failed to
load, which needs the operator schemas to exist. We define exactly those
schemas, with kernels that raise: nothing in LIIF-GAN uses NMS, and anything
that does gets a clear message instead of a wrong answer.
"""
import torch

_LIB = None
_SCHEMAS = {
    'nms': 'nms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor',
    'qnms': 'qnms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor',
}


def _missing(*args, **kwargs):
    raise RuntimeError(
        'torchvision::nms/qnms are not available: torchvision.extension.'
        '_has_ops() is False (its compiled _C did not load beside this '
        'torch; liifgan_compat defined these schemas only so that '
        'torchvision imports). Install a torchvision that matches your torch to '
        'use torchvision.ops (liifgan_mm itself does not need them).')


def define_missing_ops():
    """Define the schemas once; no-op if something already defined them.
    Returns True when it defined them now."""
    global _LIB
    if _LIB is not None or hasattr(torch.ops.torchvision, 'nms'):
        return False
    _LIB = torch.library.Library('torchvision', 'DEF')
    for name, schema in _SCHEMAS.items():
        _LIB.define(schema)
        _LIB.impl(name, _missing, 'CompositeExplicitAutograd')
    return True
