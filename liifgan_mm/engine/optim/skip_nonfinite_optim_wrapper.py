"""An ``OptimWrapper`` that skips a step whose loss or gradients are not
finite, instead of writing NaN into the weights.

``update_params(loss)`` runs as mmengine's (backward, step, zero_grad); the
step is skipped when the loss or any gradient is NaN/inf. In a distributed
run the decision is all-reduced, so every process skips the same steps and
the replicas stay identical. ``skipped_this_iter`` is read (and reset) by
:class:`~liifgan_mm.engine.hooks.DivergenceGuardHook`, which logs the skips
and stops training after too many in a row; ``skipped_total`` counts them.
"""
import torch
import torch.distributed as torch_dist
from mmengine.dist import is_distributed
from mmengine.optim import OptimWrapper

from mmagic.registry import OPTIM_WRAPPERS


@OPTIM_WRAPPERS.register_module()
class SkipNonFiniteOptimWrapper(OptimWrapper):
    """mmengine's ``OptimWrapper`` (same arguments) that never steps on a
    non-finite loss or gradient."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.skipped_this_iter = False
        self.skipped_total = 0
        self._loss_finite = True

    def update_params(self, loss, step_kwargs=None, zero_kwargs=None):
        """As ``OptimWrapper.update_params``; ``loss`` is a scalar."""
        self._loss_finite = bool(torch.isfinite(loss.detach()).all())
        super().update_params(loss, step_kwargs, zero_kwargs)

    def _grads_finite(self):
        grads = [p.grad.detach() for group in self.optimizer.param_groups
                 for p in group['params'] if p.grad is not None]
        if not grads:
            return True
        return bool(torch.stack([torch.isfinite(g).all()
                                 for g in grads]).all())

    def step(self, **kwargs):
        """``optimizer.step`` unless the loss/gradients are not finite on
        any process (then the gradients are dropped)."""
        ok = self._loss_finite and self._grads_finite()
        if is_distributed():
            flag = torch.tensor([1.0 if ok else 0.0],
                                device=self._grad_device())
            torch_dist.all_reduce(flag, op=torch_dist.ReduceOp.MIN)
            ok = bool(flag.item() > 0)
        self._loss_finite = True
        if not ok:
            self.skipped_this_iter = True
            self.skipped_total += 1
            self.optimizer.zero_grad()
            return
        super().step(**kwargs)

    def _grad_device(self):
        for group in self.optimizer.param_groups:
            for p in group['params']:
                return p.device
        return 'cpu'
