"""``mim test`` at a per-axis scale and with alpha: exact output sizes."""
import os
import re
import subprocess
import sys
from pathlib import Path


from tests.conftest import REPO

BIN = Path(sys.executable).parent
CFG = REPO / 'configs/liifgan/small/liifgan_edsr-c32b8_1xb8-750it_photos.py'
CKPT = REPO / 'checkpoints/photos-small/liifgan.pth'

# metrics that report the prediction's height and width (mean over images)
PROBE = '''
from mmagic.evaluation.metrics.base_sample_wise_metric import \\
    BaseSampleWiseMetric
from mmagic.registry import METRICS


@METRICS.register_module()
class PredHeight(BaseSampleWiseMetric):
    metric = 'PredH'

    def process_image(self, gt, pred, mask):
        assert gt.shape == pred.shape, (gt.shape, pred.shape)
        return pred.shape[-2]


@METRICS.register_module()
class PredWidth(BaseSampleWiseMetric):
    metric = 'PredW'

    def process_image(self, gt, pred, mask):
        return pred.shape[-1]
'''

CHILD = '''
_base_ = {base!r}
work_dir = {work!r}
custom_imports = dict(imports=['liifgan_mm', 'shape_probe'],
                      allow_failed_imports=False)
# mim test never builds the training set (nor its start-up image check)
train_dataloader = dict(dataset=dict(data_root='/nonexistent/train'))
val_dataloader = dict(dataset=dict(data_root={root!r}))
test_dataloader = [
    dict(num_workers=0, persistent_workers=False, drop_last=False,
         sampler=dict(type='DefaultSampler', shuffle=False),
         dataset=dict(type='BasicImageDataset', data_root={root!r},
                      data_prefix=dict(gt=''), pipeline=[
             dict(type='LoadImageFromFile', key='gt', channel_order='rgb'),
             dict(type='FixedScaleDownSampling', scale=s),
             dict(type='PackInputs')])) for s in ((3.2, 4.7), 2.5)]
test_evaluator = [
    [dict(type=t, prefix=p) for t in ('PSNR', 'PredHeight', 'PredWidth')]
    for p in ('x3.2x4.7', 'x2.5')]
'''


def test_mim_test_per_axis_scale_and_alpha(photo_dir, tmp_path):
    work = tmp_path / 'work'
    cfg = tmp_path / 'aniso.py'
    cfg.write_text(CHILD.format(base=str(CFG), work=str(work),
                                root=str(photo_dir)))
    (tmp_path / 'shape_probe.py').write_text(PROBE)
    env = dict(os.environ, PYTHONPATH=str(tmp_path))
    res = subprocess.run(
        [str(BIN / 'mim'), 'test', 'mmagic', str(cfg), '--checkpoint',
         str(CKPT), '--cfg-options', 'model.generator.head.alpha=0.5'],
        cwd=tmp_path, capture_output=True, text=True, timeout=600, env=env)
    log = res.stdout + res.stderr
    assert res.returncode == 0, log[-3000:]
    # 144 x 144 GT: input floor(144/3.2) x floor(144/4.7) = 45 x 30,
    # output round(45 * 3.2) x round(30 * 4.7) = 144 x 141; x2.5: 57 px
    # input, round(142.5) = 142 (Python's round, as mmagic's)
    for name, (h, w) in (('x3.2x4.7', (144, 141)), ('x2.5', (142, 142))):
        psnr = float(re.search(rf'{name}/PSNR: ([\d.]+)', log).group(1))
        assert psnr > 20
        assert f'{name}/PredH: {h}.0000' in log
        assert f'{name}/PredW: {w}.0000' in log


def test_test_bases_take_per_axis_scales_and_sizes(mm, rng):
    """The bases' loader/metric builders accept s, (sh, sw) and (CelebA-HQ)
    dict(size=(H, W)); the pipelines make exact targets."""
    import runpy
    import numpy as np
    from mmengine.dataset import Compose

    from liifgan_mm.utils.test_sets import scale_name
    base = REPO / 'configs/liifgan/_base_'
    div2k = runpy.run_path(str(base / 'liif-edsr_div2k-continuous-test.py'))
    gt = rng.integers(0, 255, (97, 83, 3), np.uint8)
    steps = div2k['_pipeline']((3.2, 4.7))[1:-1]
    out = Compose(steps)(dict(gt=gt))
    assert out['img'].shape[:2] == (30, 17)
    assert out['gt'].shape[:2] == (96, 80)
    assert scale_name((3.2, 4.7)) == 'x3.2x4.7'
    assert scale_name(4.5) == 'x4.5'
    assert div2k['_shave']((3.2, 4.7)) == 5 + 6
    celeba = runpy.run_path(str(base / 'celebahq-continuous-test.py'))
    for scale, size in (((3.2, 4.7), (205, 301)),
                        (dict(size=(96, 160)), (96, 160)), (2, (128, 128))):
        steps = celeba['_celebahq_pipeline'](scale)[1:-1]
        out = Compose(steps)(dict(gt=rng.integers(0, 255, (300, 300, 3),
                                                  np.uint8)))
        assert out['img'].shape[:2] == (64, 64)
        assert out['gt'].shape[:2] == size
    assert scale_name(dict(size=(96, 160))) == '96x160'
