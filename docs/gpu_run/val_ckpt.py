"""val_ckpt.py CONFIG CKPT [OUT_JSON]: the config's validation (photos val
crops, x4) on one checkpoint; prints and saves the metrics.

How the GPU run's states were compared (docs/cpu_recipe.md, "GPU run").
"""
import json
import sys

from mmengine.config import Config
from mmengine.hooks import Hook
from mmengine.runner import Runner

import liifgan_mm  # noqa: F401


class _Keep(Hook):
    """mmagic's MultiValLoop returns nothing: keep what it reports."""
    metrics = None

    def after_val_epoch(self, runner, metrics=None):
        _Keep.metrics = metrics


cfg = Config.fromfile(sys.argv[1])
cfg.load_from = sys.argv[2]
cfg.model.generator.warm_start = None
cfg.work_dir = '/tmp/val_ckpt'
cfg.custom_hooks = []
cfg.default_hooks.checkpoint = None
cfg.train_dataloader = cfg.train_cfg = cfg.optim_wrapper = None
cfg.param_scheduler = None
runner = Runner.from_cfg(cfg)
runner.register_hook(_Keep())
runner.val()
print('RESULT', sys.argv[2], json.dumps(_Keep.metrics))
if len(sys.argv) > 3:
    with open(sys.argv[3], 'w') as f:
        json.dump(_Keep.metrics, f)
