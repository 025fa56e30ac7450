"""Stop a diverged training run with a clear message, before it writes
NaN checkpoints or validates ``PSNR: nan`` for hours.

Works with :class:`~liifgan_mm.engine.optim.SkipNonFiniteOptimWrapper`
(what the LIIF-GAN configs use), which skips each step whose loss or
gradients are NaN/inf. After every iteration this hook logs a skipped step
(with the losses), counts skips in a row and, at ``max_consecutive``,
raises ``RuntimeError`` naming the iteration, the losses and the last
checkpoint. With plain ``OptimWrapper``\\ s (nothing skipped) a non-finite
loss in the iteration's outputs counts the same way.
"""
import math

from mmengine.hooks import Hook
from mmengine.optim import OptimWrapperDict

from mmagic.registry import HOOKS


@HOOKS.register_module()
class DivergenceGuardHook(Hook):
    """Log skipped (non-finite) steps; stop after ``max_consecutive``.

    Args:
        max_consecutive (int): iterations in a row with a skipped step (or
            a non-finite loss) that stop training. Default 10.
    """

    priority = 'ABOVE_NORMAL'

    def __init__(self, max_consecutive=10):
        if max_consecutive < 1:
            raise ValueError(f'max_consecutive must be >= 1, got '
                             f'{max_consecutive}')
        self.max_consecutive = max_consecutive
        self.in_a_row = 0
        self.skipped_total = 0

    def after_train_iter(self, runner, batch_idx, data_batch=None,
                         outputs=None):
        named = self._named(runner)
        guarded = [w for _, w in named if hasattr(w, 'skipped_this_iter')]
        skipped = [n for n, w in named if getattr(w, 'skipped_this_iter',
                                                  False)]
        for w in guarded:
            w.skipped_this_iter = False
        losses = {k: float(v.detach() if hasattr(v, 'detach') else v)
                  for k, v in (outputs or {}).items()
                  if k.startswith('loss')}
        bad = {k: v for k, v in losses.items() if not math.isfinite(v)}
        # guarded wrappers decide (their skips are the same on every
        # process); else the (local) losses
        if not (skipped if guarded else bad):
            self.in_a_row = 0
            return
        self.in_a_row += 1
        self.skipped_total += 1
        it = runner.iter + 1
        what = (f'step of {", ".join(skipped)} skipped' if skipped
                else 'NOT skipped (optimizer wrapper is not '
                'SkipNonFiniteOptimWrapper)')
        text = ', '.join(f'{k}={v:.4g}' for k, v in losses.items())
        runner.logger.warning(
            f'iteration {it}: non-finite loss or gradient ({text}); {what}; '
            f'{self.in_a_row} in a row (stop at {self.max_consecutive})')
        runner.message_hub.update_info('nonfinite_skipped_total',
                                       self.skipped_total)
        if self.in_a_row >= self.max_consecutive:
            last = runner.message_hub.get_info('last_ckpt', None)
            raise RuntimeError(
                f'training diverged: {self.in_a_row} iterations in a row '
                f'with non-finite loss/gradients (iteration {it}; {text}). '
                'Lower the learning rate or resume from the last good '
                f'checkpoint ({last or "none written yet"}); the guard is '
                'default_hooks.divergence_guard.max_consecutive')

    @staticmethod
    def _named(runner):
        ow = runner.optim_wrapper
        if isinstance(ow, OptimWrapperDict):
            return list(ow.items())
        return [('optimizer', ow)] if ow is not None else []
