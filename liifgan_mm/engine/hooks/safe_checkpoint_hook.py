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
  only after the new one is complete).

Non-local back ends (``backend_args``) fall back to mmengine's behaviour.
"""
import os
import os.path as osp
from collections import deque

import torch
from mmengine.dist import is_main_process
from mmengine.hooks import CheckpointHook

from mmagic.registry import HOOKS
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
        runner.save_checkpoint(
            self.out_dir, name + TMP_SUFFIX, self.file_client_args,
            save_optimizer=self.save_optimizer,
            save_param_scheduler=self.save_param_scheduler, meta=meta,
            by_epoch=self.by_epoch, backend_args=self.backend_args,
            **self.args)
        if not is_main_process():
            return
        _publish(final)
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
