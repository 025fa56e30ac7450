"""A tiny LIIF-GAN training config for the engine tests (CPU, seconds)."""
from pathlib import Path

from tests.conftest import REPO

CFG = REPO / 'configs/liifgan/liifgan_edsr-c64b16_1xb128-125k_div2k.py'
TEMPLATE = '''
_base_ = {base!r}
work_dir = {work!r}
randomness = dict(seed=0)
model = dict(
    generator=dict(encoder=dict(num_blocks=2, mid_channels=8), mid_block=1,
                   head=dict(decoder=dict(hidden_list=[16, 16]),
                             eval_bsize=500)),
    discriminator=dict(mid_channels=8), perceptual_loss=None)
train_dataloader = dict(
    batch_size=2, num_workers=0, persistent_workers=False,
    dataset=dict(data_root={root!r}, pipeline=[
        dict(type='LoadImageFromFile', key='gt', channel_order='rgb'),
        dict(type='RandomDownSampling', scale_min=1, scale_max=2,
             patch_size=16),
        dict(type='RandomGroupSampling', patch_size=16),
        dict(type='PackInputs')]))
train_cfg = dict(max_iters={iters}, val_interval=1000)
val_dataloader = None
val_cfg = None
val_evaluator = None
default_hooks = dict(checkpoint=dict(interval={interval}, save_best=None,
                                     out_dir=None, max_keep_ckpts={keep}),
                     logger=dict(interval=1))
'''


def tiny_runner(tmp_path, data_root, iters=2, interval=1, keep=-1,
                **options):
    """An mmengine ``Runner`` on the tiny config; ``options`` are
    ``cfg-options``-style overrides."""
    from mmengine.config import Config
    from mmengine.runner import Runner
    Path(tmp_path).mkdir(parents=True, exist_ok=True)
    path = Path(tmp_path) / 'tiny.py'
    path.write_text(TEMPLATE.format(
        base=str(CFG), work=str(Path(tmp_path) / 'work'),
        root=str(data_root), iters=iters, interval=interval, keep=keep))
    cfg = Config.fromfile(path)
    cfg.merge_from_dict(options)
    cfg.experiment_name = f'tiny_{Path(tmp_path).name}'
    return Runner.from_cfg(cfg)
