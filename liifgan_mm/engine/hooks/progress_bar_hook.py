"""A progress bar over training iterations (tqdm), for short runs."""
from mmengine.hooks import Hook

from mmagic.registry import HOOKS


@HOOKS.register_module()
class ProgressBarHook(Hook):
    """Show ``iter / max_iters``, speed, ETA and the latest losses.

    For the short CPU runs of ``tools/demo.py --train``; a resumed run
    starts the bar at the resumed iteration.
    """

    priority = 'LOW'

    def before_train(self, runner):
        from tqdm import tqdm
        self.bar = tqdm(total=runner.max_iters, initial=runner.iter,
                        desc='train', unit='it', dynamic_ncols=True)

    def after_train_iter(self, runner, batch_idx, data_batch=None,
                         outputs=None):
        if outputs:
            self.bar.set_postfix({k.replace('loss_', ''): f'{float(v):.3g}'
                                  for k, v in outputs.items()
                                  if k.startswith('loss')}, refresh=False)
        self.bar.update(1)

    def after_train(self, runner):
        self.bar.close()
