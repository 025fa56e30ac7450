"""val_ckpt.py CONFIG CKPT [OUT_JSON]: the config's validation (photos val
crops, x4) on a checkpoint; prints and saves the metrics."""
import json
import sys

from mmengine.config import Config
from mmengine.runner import Runner

import liifgan_mm  # noqa: F401

cfg = Config.fromfile(sys.argv[1])
cfg.load_from = sys.argv[2]
cfg.model.generator.warm_start = None
cfg.work_dir = '/tmp/val_ckpt'
cfg.custom_hooks = []
cfg.default_hooks.checkpoint = None
cfg.train_dataloader = cfg.train_cfg = cfg.optim_wrapper = None
cfg.param_scheduler = None
runner = Runner.from_cfg(cfg)
m = runner.val()
print('RESULT', sys.argv[2], json.dumps(m))
if len(sys.argv) > 3:
    json.dump(m, open(sys.argv[3], 'w'))
