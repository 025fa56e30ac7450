"""bf16 autocast training on CPU (and GPU), with the non-finite guard.

mmengine's ``AmpOptimWrapper`` cannot train on a CPU: its constructor
asserts a CUDA/NPU/MLU/MUSA device and builds a (CUDA) ``GradScaler``.
bfloat16 needs no loss scaling (fp32's exponent range), so this wrapper is
:class:`SkipNonFiniteOptimWrapper` (steps with a NaN/inf loss or gradient
skipped) whose ``optim_context`` also enters ``torch.autocast`` in bf16 on
the parameters' device. mmagic's ``SRGAN.train_step`` (which ``LIIFGAN``
uses) runs the generator forward, the generator losses (perceptual VGG,
discriminator for the GAN loss) and the discriminator's real/fake passes in
its wrappers' ``optim_context``: with this wrapper for ``generator`` and
``discriminator`` all of them autocast; backward follows the forward's
dtypes, weights, gradients and Adam's state stay fp32. Where the device has
no native bf16 (a CPU without ``avx512_bf16``/``amx_bf16``) autocast is off
(fp32 training) and one line says so, or the build fails with
``fallback=False``.

Config (each optimizer of a ``MultiOptimWrapperConstructor``)::

    optim_wrapper = dict(
        generator=dict(type='BF16OptimWrapper'),
        discriminator=dict(type='BF16OptimWrapper'))
"""
from contextlib import contextmanager

import torch

from liifgan_mm.models.editors.liifgan.precision import resolve_precision
from mmagic.registry import OPTIM_WRAPPERS
from .skip_nonfinite_optim_wrapper import SkipNonFiniteOptimWrapper


@OPTIM_WRAPPERS.register_module()
class BF16OptimWrapper(SkipNonFiniteOptimWrapper):
    """:class:`SkipNonFiniteOptimWrapper` + bf16 autocast in
    ``optim_context``.

    Args:
        fallback (bool): without native bf16 on the device, train in fp32
            and say so in one line (True, default) or raise (False).
        **kwargs: ``OptimWrapper``'s (``optimizer``, ``clip_grad``,
            ``accumulative_counts``).
    """

    def __init__(self, *args, fallback=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fallback = fallback
        self._enabled = {}  # device type -> autocast on?

    def device_type(self):
        """Device type of the parameters (where autocast must act)."""
        return torch.device(self._grad_device()).type

    def autocast_enabled(self):
        """Whether bf16 autocast runs (device has native bf16)."""
        dev = self.device_type()
        if dev not in self._enabled:
            self._enabled[dev] = resolve_precision(
                'bf16', dev, strict=not self.fallback) == 'bf16'
        return self._enabled[dev]

    @contextmanager
    def optim_context(self, model):
        """mmengine's context (gradient accumulation) + bf16 autocast."""
        with super().optim_context(model), torch.autocast(
                self.device_type(), dtype=torch.bfloat16,
                enabled=self.autocast_enabled()):
            yield
