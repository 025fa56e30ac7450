"""mmengine's ``CheckpointHook`` that cannot lose the last good checkpoint.

mmengine's hook deletes the oldest kept checkpoint *before* writing the new
one and writes in place, so with ``max_keep_ckpts=1`` a kill during the
write leaves no usable checkpoint. :class:`SafeCheckpointHook` (same
arguments, registered in mmagic's ``HOOKS``):

- writes ``iter_N.pth.tmp``, flushes it to disk, then renames it to
  ``iter_N.pth`` (a rename is atomic: the file is whole or absent);
- only then deletes checkpoints beyond ``max_keep_ckpts`` and updates
  ``last_checkpoint`` (also written by rename);
- refuses to write a checkpoint whose weights are not finite (raises,
  naming the first bad tensor: the previous checkpoint stays the last);
- writes the one-process key layout (:mod:`.checkpoint_layout`);
- removes ``*.tmp`` left by a killed write when training starts again;
- ``save_best``: the same (write by rename, the previous best deleted
  only after the new one is complete);
- a write that fails (full disk, ...) stops training with one line naming
  the file and the reason, and removes its ``.tmp``;
- records the model's variant (:mod:`liifgan_mm.utils.variant`) in ``meta``;
- refuses unknown arguments when built (``max_keep_ckpt=1``: mmengine's
  hook passes them on to the first save, which then fails);
- before anything is loaded (``before_run``) guards the work_dir
  (:mod:`.work_dir_guard`: lock, no overwrite without ``--resume``,
  resume from the newest complete checkpoint, torn checkpoints refused).

Non-local back ends (``backend_args``) fall back to mmengine's behaviour.
"""
import os
import os.path as osp
from collections import deque

import torch
from mmengine.dist import is_main_process
from mmengine.hooks import CheckpointHook
from mmengine.runner import BaseLoop

from mmagic.registry import HOOKS
from liifgan_mm.utils.arguments import accepted_names, unknown_arguments
from liifgan_mm.utils.variant import META_KEY, model_variant
from . import work_dir_guard as guard
from .checkpoint_layout import bare_model, unwrapped_state, wrapped_parts

TMP_SUFFIX = '.tmp'


def non_finite_keys(state):
    """Keys of floating tensors with a NaN/inf."""
    return [k for k, v in state.items()
            if torch.is_tensor(v) and v.is_floating_point()
            and not torch.isfinite(v).all()]


def atomic_write_text(path, text):
    """Write ``text`` to ``path`` through a renamed temporary file."""
    tmp = path + TMP_SUFFIX
    with open(tmp, 'w') as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def _train_scales(runner):
    """``[scale_min, scale_max]`` of the training pipeline's
    ``RandomDownSampling``, else None."""
    try:
        for t in runner.cfg.train_dataloader.dataset.pipeline:
            if t.get('type') == 'RandomDownSampling':
                return [t.get('scale_min'), t.get('scale_max')]
    except (AttributeError, KeyError, TypeError):
        pass
    return None


def _fsync(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _publish(final):
    """Move the complete ``final + TMP_SUFFIX`` onto ``final``: synced
    first, so the rename never exposes a partial file."""
    _fsync(final + TMP_SUFFIX)
    os.replace(final + TMP_SUFFIX, final)
    _fsync(osp.dirname(final) or '.')


@HOOKS.register_module()
class SafeCheckpointHook(CheckpointHook):
    """``CheckpointHook`` with atomic writes, delete-after-write, a finite
    weights check and process-count-independent keys (see module doc)."""

    def __init__(self, *args, **kwargs):
        # mmengine's hook would pass unknown keys on to the first save
        unknown = unknown_arguments(kwargs, accepted_names(CheckpointHook))
        if unknown:
            raise guard.Refused(f'default_hooks.checkpoint: {unknown}')
        super().__init__(*args, **kwargs)
        self._lock = None

    def before_run(self, runner):
        """Guard the work_dir before the runner loads or resumes."""
        super().before_run(runner)
        # Runner.train builds its loop before before_run, Runner.test its
        # own (a train-then-test runner has both: that is a test)
        training = (isinstance(getattr(runner, '_train_loop', None), BaseLoop)
                    and not isinstance(getattr(runner, '_test_loop', None),
                                       BaseLoop))
        local = '://' not in str(self.out_dir or runner.work_dir)
        if training and local:
            folder = self.out_dir or runner.work_dir
            if folder != runner.work_dir:  # as CheckpointHook.before_train
                folder = osp.join(folder, osp.basename(
                    runner.work_dir.rstrip(osp.sep)))
            if is_main_process():
                self._lock = guard.lock_work_dir(runner.work_dir)
                guard.stop_with_parent()
            if not runner._resume:
                guard.check_overwrite(folder, self.filename_tmpl,
                                      runner.work_dir)
            else:
                if (runner._load_from is not None
                        and not guard.is_resumable(runner._load_from)):
                    self._drop_warm_start(runner, folder)
                if runner._load_from is None:
                    runner._load_from = guard.resume_target(
                        runner.work_dir, folder, self.filename_tmpl,
                        runner.logger)
        if runner._load_from is not None:
            guard.check_readable(runner._load_from)

    def _drop_warm_start(self, runner, folder):
        """``--resume`` with a weights-only ``load_from`` (a fine-tuning
        config's warm start): resume from this work_dir's checkpoints, as
        with no ``load_from``."""
        warm = runner._load_from
        if not guard.checkpoints(folder, self.filename_tmpl):
            raise guard.Refused(
                f'--resume: load_from {warm} holds weights only (no '
                f'iteration or optimizer state) and {folder} has no '
                'checkpoint to resume: drop --resume to start from it')
        runner.logger.warning(f'--resume: load_from {warm} is a warm start '
                              '(weights only); resuming from the work_dir')
        runner._load_from = None

    def after_run(self, runner):
        super().after_run(runner)
        if self._lock is not None:
            guard.unlock_work_dir(self._lock)
            self._lock = None

    def before_train(self, runner):
        super().before_train(runner)
        if self._local() and is_main_process() and osp.isdir(self.out_dir):
            for name in os.listdir(self.out_dir):
                if name.endswith('.pth' + TMP_SUFFIX):  # a killed write
                    os.remove(osp.join(self.out_dir, name))

    def before_save_checkpoint(self, runner, checkpoint):
        bad = non_finite_keys(checkpoint.get('state_dict', {}))
        if bad:
            raise RuntimeError(
                f'not saving a checkpoint at iteration {runner.iter}: '
                f'non-finite weights in {bad[0]} (+{len(bad) - 1} more); '
                'training diverged, the last checkpoint written is intact')
        meta = checkpoint.setdefault('meta', {})
        variant = model_variant(bare_model(runner))
        if variant is not None:
            meta[META_KEY] = dict(variant, train_scales=_train_scales(runner))
        parts = wrapped_parts(bare_model(runner))
        checkpoint['state_dict'] = unwrapped_state(
            checkpoint['state_dict'], parts)
        if isinstance(checkpoint.get('ema_state_dict'), dict):
            checkpoint['ema_state_dict'] = unwrapped_state(
                checkpoint['ema_state_dict'], parts, prefix='module.')

    def _local(self):
        return type(self.file_backend).__name__ == 'LocalBackend'

    def _save_checkpoint_with_step(self, runner, step, meta):
        if not self._local():
            return super()._save_checkpoint_with_step(runner, step, meta)
        stale = self._keep(runner, step)  # recorded in the checkpoint
        name = self.filename_tmpl.format(step)
        final = osp.join(self.out_dir, name)
        self.last_ckpt = final
        runner.message_hub.update_info('last_ckpt', final)
        try:
            runner.save_checkpoint(
                self.out_dir, name + TMP_SUFFIX, self.file_client_args,
                save_optimizer=self.save_optimizer,
                save_param_scheduler=self.save_param_scheduler, meta=meta,
                by_epoch=self.by_epoch, backend_args=self.backend_args,
                **self.args)
            if not is_main_process():
                return
            _publish(final)
        except OSError as e:  # full disk, read-only, ...: one line
            if osp.isfile(final + TMP_SUFFIX):
                os.remove(final + TMP_SUFFIX)
            raise guard.Refused(
                f'cannot save checkpoint {final}: {e.strerror or e}; the '
                'last complete checkpoint is kept') from None
        atomic_write_text(osp.join(runner.work_dir, 'last_checkpoint'),
                          final)
        for old in stale:  # only now that the new one is complete
            path = osp.join(self.out_dir, self.filename_tmpl.format(old))
            if osp.isfile(path):
                os.remove(path)

    def _save_best_checkpoint(self, runner, metrics):
        """mmengine's, with its writes made atomic and its deletion of the
        previous best postponed until the new best is complete."""
        if not self._local() or not self.save_best:
            return super()._save_best_checkpoint(runner, metrics)
        backend, real_save = self.file_backend, runner.save_checkpoint
        doomed = []

        def atomic_save(out_dir, filename, *args, **kwargs):
            if filename.endswith(TMP_SUFFIX):  # _save_checkpoint_with_step
                return real_save(out_dir, filename, *args, **kwargs)
            real_save(out_dir, filename + TMP_SUFFIX, *args, **kwargs)
            if is_main_process():
                _publish(osp.join(out_dir, filename))

        backend.remove = doomed.append  # instance attributes, undone below
        runner.save_checkpoint = atomic_save
        try:
            super()._save_best_checkpoint(runner, metrics)
        finally:
            del backend.remove, runner.save_checkpoint
        keep = {getattr(self, 'best_ckpt_path', None),
                *getattr(self, 'best_ckpt_path_dict', {}).values()}
        for path in doomed:
            if path not in keep and osp.isfile(path):
                os.remove(path)

    def _keep(self, runner, step):
        """Add ``step`` to the kept checkpoints; returns the steps to delete
        once it is written."""
        if self.max_keep_ckpts <= 0:
            return []
        ids = list(self.keep_ckpt_ids)
        if not ids or ids[-1] != step:
            ids.append(step)
        stale = ids[:-self.max_keep_ckpts]
        self.keep_ckpt_ids = deque(ids[-self.max_keep_ckpts:],
                                   self.max_keep_ckpts)
        runner.message_hub.update_info('keep_ckpt_ids',
                                       list(self.keep_ckpt_ids))
        return stale
