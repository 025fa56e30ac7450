"""Device launcher: train one config until a wall-clock deadline.

python3 .gpu/launch.py CONFIG WORK_DIR UNTIL_EPOCH [key=value ...]
No validation on the device (chosen on val here, on CPU); checkpoints every
`ckpt_every` iterations plus one at the deadline (last.pth).
"""
import os
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import block  # noqa: E402,F401
import liifgan_compat  # noqa: E402

liifgan_compat.install()
from mmengine.config import Config, DictAction  # noqa: E402
from mmengine.hooks import Hook  # noqa: E402
from mmengine.runner import Runner  # noqa: E402

import liifgan_mm  # noqa: E402,F401


class DeadlineHook(Hook):
    priority = 'LOWEST'

    def __init__(self, until):
        self.until = until
        self.t0 = None

    def before_train(self, runner):
        self.t0 = time.time()
        runner.logger.info(f'deadline in {self.until - self.t0:.0f} s')

    def after_train_iter(self, runner, batch_idx, data_batch=None,
                         outputs=None):
        if time.time() > self.until or os.path.exists(
                os.path.join(runner.work_dir, 'STOP')):
            runner.logger.info(
                f'deadline: stop at iter {runner.iter + 1} '
                f'({(runner.iter + 1) / (time.time() - self.t0):.2f} it/s)')
            runner.save_checkpoint(runner.work_dir, 'last.pth')
            runner.train_loop.stop_training = True


def main():
    config, work_dir, until = sys.argv[1], sys.argv[2], float(sys.argv[3])
    opts = {}
    if len(sys.argv) > 4:
        import argparse
        p = argparse.ArgumentParser()
        p.add_argument('--o', nargs='+', action=DictAction, default={})
        opts = p.parse_args(['--o'] + sys.argv[4:]).o
    cfg = Config.fromfile(config)
    ckpt_every = int(opts.pop('ckpt_every', 500))
    workers = int(opts.pop('workers', 4))
    cfg.merge_from_dict(opts)
    cfg.work_dir = work_dir
    for k in ('val_dataloader', 'val_cfg', 'val_evaluator', 'test_dataloader',
              'test_cfg', 'test_evaluator'):
        cfg[k] = None
    cfg.custom_hooks = []
    cfg.default_hooks.checkpoint = dict(
        type='SafeCheckpointHook', interval=ckpt_every, max_keep_ckpts=50,
        save_best=None, by_epoch=False)
    cfg.default_hooks.logger = dict(type='LoggerHook', interval=50)
    cfg.train_dataloader.num_workers = workers
    cfg.train_dataloader.persistent_workers = workers > 0
    cfg.param_scheduler = None
    runner = Runner.from_cfg(cfg)
    runner.register_hook(DeadlineHook(until))
    runner.train()


if __name__ == '__main__':
    main()
