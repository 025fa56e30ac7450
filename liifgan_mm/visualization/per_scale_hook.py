"""Visualisation that keeps every test scale's images apart, and bounds them.

mmagic's ``BasicVisualizationHook`` hands every output to the visualizer,
which names the file after the GT image (``ConcatImageVisualizer``'s
``fn_key``, ``gt_path``) and the iteration: with a ``MultiTestLoop`` of nine
scales, all nine write the same file. This hook adds the running loader's
metric prefix (``DIV2Kx4.5`` -> ``0801_DIV2Kx4_5_<iter>.png``) and saves at
most ``max_images`` per loader and evaluation (e.g. ``dict(val=4)``: four
images each validation, every test image).
"""
import os.path as osp
from typing import Optional, Sequence

from mmagic.engine.hooks import BasicVisualizationHook
from mmagic.registry import HOOKS


def loop_prefix(loop) -> Optional[str]:
    """First metric prefix of the evaluator the loop is running (for
    ``MultiTestLoop``/``MultiValLoop`` the current loader's), or None."""
    evaluator = getattr(loop, 'evaluator', None)
    for metric in getattr(evaluator, 'metrics', None) or []:
        if getattr(metric, 'prefix', None):
            return metric.prefix
    return None


def tagged_name(path: str, tag: Optional[str]) -> str:
    """``dir/0801.png`` + ``DIV2Kx4.5`` -> ``0801_DIV2Kx4_5.png`` (dots in
    the tag would end the stem ``ConcatImageVisualizer`` keeps)."""
    if not tag:
        return path
    stem, ext = osp.splitext(osp.basename(path))
    tag = tag.replace('.', '_').replace('/', '_')
    return f'{stem}_{tag}{ext}'


@HOOKS.register_module()
class PerScaleVisualizationHook(BasicVisualizationHook):
    """``BasicVisualizationHook`` with one file per scale and a bound.

    Args:
        interval (int | dict): as ``BasicVisualizationHook``.
        max_images (int | dict | None): images saved per loader and
            evaluation; a dict by mode (``dict(val=4)``), None: no bound.
        on_train, on_val, on_test: as ``BasicVisualizationHook``.
    """

    def __init__(self, interval=1, max_images=None, on_train=False,
                 on_val=True, on_test=True):
        super().__init__(interval=interval, on_train=on_train,
                         on_val=on_val, on_test=on_test)
        self.max_images = max_images
        self._counts = {}

    def _bound(self, mode):
        if isinstance(self.max_images, dict):
            return self.max_images.get(mode)
        return self.max_images

    def before_val_epoch(self, runner) -> None:
        self._counts = {}

    def before_test_epoch(self, runner) -> None:
        self._counts = {}

    def _after_iter(self, runner, batch_idx: int,
                    data_batch: Optional[Sequence[dict]] = None,
                    outputs: Optional[Sequence] = None, mode=None) -> None:
        if mode not in ('val', 'test') or not outputs:
            return super()._after_iter(runner, batch_idx, data_batch,
                                       outputs, mode)
        if not getattr(self, f'_on_{mode}'):
            return
        interval = (self._interval if isinstance(self._interval, int) else
                    self._interval.get(mode, 1))
        if not self.every_n_inner_iters(batch_idx, interval):
            return
        loop = runner.val_loop if mode == 'val' else runner.test_loop
        tag = loop_prefix(loop)
        bound = self._bound(mode)
        key = getattr(runner.visualizer, 'fn_key', 'gt_path')
        for sample in outputs:
            done = self._counts.get(tag, 0)
            if bound is not None and done >= bound:
                return
            self._counts[tag] = done + 1
            runner.visualizer.add_datasample(
                self._renamed(sample, key, tag), step=_train_iter(runner))

    @staticmethod
    def _renamed(sample, key, tag):
        """A shallow copy of ``sample`` whose ``key`` carries the tag."""
        if not tag or key not in sample:
            return sample
        path = sample.get(key)
        if isinstance(path, (list, tuple)):
            path = path[0]
        new = sample.new()
        if key in sample.metainfo_keys():
            new.set_metainfo({key: tagged_name(path, tag)})
        else:
            new.set_field(tagged_name(path, tag), key)
        return new


def _train_iter(runner):
    """The training iteration, without building the train loop: reading
    ``runner.iter`` under ``mim test`` builds the training set (and its
    start-up image check), which a test run needs not have."""
    loop = getattr(runner, '_train_loop', None)
    return 0 if loop is None or isinstance(loop, dict) else runner.iter
