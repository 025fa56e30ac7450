"""The benchmark loop: numbers, resuming, and agreement with mmagic's
test loop on the same config."""
import math
import os

import numpy as np
import pytest
import torch
from mmengine.hooks import Hook
from PIL import Image

from liifgan_mm.evaluation.benchmark import Benchmark, CropSpec
from liifgan_mm.evaluation.row_spec import RowSpec
from liifgan_mm.evaluation.upsamplers import BicubicUpsampler

IMAGES = ['astronaut.png', 'coffee.png']


def _direct_bicubic(path, scale):
    """PSNR/SSIM/LPIPS of PIL bicubic, computed from scratch."""
    from skimage.metrics import structural_similarity
    from liifgan_mm.weights import build_lpips
    img = Image.open(path).convert('RGB')
    h, w = (math.floor(n / scale) for n in img.size[::-1])
    gt = np.asarray(img)[:round(h * scale), :round(w * scale)]
    lr = Image.fromarray(gt).resize((w, h), Image.BICUBIC)
    sr = np.asarray(lr.resize(gt.shape[1::-1], Image.BICUBIC))
    b = math.ceil(scale) + 6
    g, s = gt[b:-b, b:-b].astype(float), sr[b:-b, b:-b].astype(float)
    psnr = 10 * np.log10(255**2 / np.mean((g - s)**2))
    ssim = np.mean([structural_similarity(
        g[..., c], s[..., c], gaussian_weights=True, sigma=1.5,
        use_sample_covariance=False, data_range=255) for c in range(3)])

    def t(x):
        return torch.from_numpy(x).permute(2, 0, 1)[None].float() / 127.5 - 1

    with torch.no_grad():
        lpips = build_lpips('alex')(t(sr), t(gt)).item()
    return psnr, ssim, lpips


def test_bicubic_row_equals_direct_computation(mm, photo_dir, tmp_path):
    scales = [2, 4.5]
    bench = Benchmark(str(photo_dir), str(tmp_path / 'cache'), scales,
                      images=IMAGES, progress=False)
    res = bench.run_row(RowSpec('Bicubic'))
    assert (res.name, res.is_gan, res.kind) == ('Bicubic', False, 'bicubic')
    for s in scales:
        direct = np.mean([_direct_bicubic(photo_dir / im, s)
                          for im in IMAGES], axis=0)
        got = [res.values[m][s] for m in ('PSNR', 'SSIM', 'LPIPS')]
        np.testing.assert_allclose(got[0], direct[0], atol=1e-4)
        np.testing.assert_allclose(got[1], direct[1], atol=2e-4)
        np.testing.assert_allclose(got[2], direct[2], atol=1e-5)
    assert set(res.crops) == {2.0, 4.5}


class _Flaky(BicubicUpsampler):
    """Bicubic that counts calls and dies after ``die_after`` of them."""

    def __init__(self, die_after=None):
        self.calls, self.die_after = 0, die_after

    def __call__(self, lr, size):
        if self.calls == self.die_after:
            raise KeyboardInterrupt
        self.calls += 1
        return super().__call__(lr, size)


def test_interrupted_run_resumes(mm, photo_dir, tmp_path):
    scales, row = [2, 4.5, 7], RowSpec('Bicubic')
    kw = dict(images=IMAGES, progress=False,
              crop=CropSpec('coffee.png', (0.4, 0.6), 0.3))

    def bench(cache, up):
        return Benchmark(str(photo_dir), str(tmp_path / cache), scales,
                         build=lambda spec, device, **described: up,
                         **kw)

    first = _Flaky(die_after=4)
    with pytest.raises(KeyboardInterrupt):
        bench('cache', first).run_row(row)
    lines = (tmp_path / 'cache' / 'Bicubic.jsonl').read_text().splitlines()
    assert len(lines) == 1 + 4  # header + the four finished items

    second = _Flaky()
    resumed = bench('cache', second).run_row(row)
    assert second.calls == 2 * 3 - 4  # only what was left
    clean = bench('fresh', _Flaky()).run_row(row)
    assert resumed.values == clean.values
    for s in scales:  # the crop image was done in the second run
        assert open(resumed.crops[s], 'rb').read() == \
            open(clean.crops[s], 'rb').read()

    def no_build(spec, device, **described):
        raise AssertionError('a finished row must not build its model')

    done = Benchmark(str(photo_dir), str(tmp_path / 'cache'), scales,
                     build=no_build, **kw).run_row(row)
    assert done.values == clean.values


class _Capture(Hook):
    """Keeps the metrics of mmagic's MultiTestLoop (it returns None)."""

    def __init__(self):
        self.metrics = {}

    def after_test_epoch(self, runner, metrics=None):
        self.metrics.update(metrics or {})


def test_tool_equals_mmagic_test_loop(mm, photo_dir, tmp_path):
    """Same config, same weights: tools/test.py's MultiTestLoop (config
    pipeline + PSNR/SSIM/LPIPS evaluators) and the benchmark agree."""
    from mmengine.runner import Runner
    from tests.evaluation.test_upsamplers import LIIFGAN_CFG, TINY
    no_train = {'model.discriminator': None, 'model.perceptual_loss': None,
                'model.gan_loss': None}
    spec = RowSpec('LIIF-GAN', LIIFGAN_CFG,
                   cfg_options={**TINY[LIIFGAN_CFG], **no_train})
    cfg = spec.load_config()
    torch.manual_seed(0)
    model = mm.MODELS.build(cfg.model)
    torch.save(dict(state_dict=model.state_dict()), tmp_path / 'w.pth')
    spec.checkpoint = str(tmp_path / 'w.pth')

    keep = [1, 3]  # x3, x4.5
    loaders = [cfg.test_dataloader[i] for i in keep]
    for loader in loaders:
        loader.update(num_workers=0, persistent_workers=False)
        loader.dataset.update(data_root=str(photo_dir), indices=2)
    cfg.merge_from_dict(dict(
        test_dataloader=loaders,
        test_evaluator=[cfg.test_evaluator[i] for i in keep],
        work_dir=str(tmp_path / 'work'), load_from=spec.checkpoint,
        custom_hooks=[]))
    for key in ('train_dataloader', 'train_cfg', 'optim_wrapper',
                'param_scheduler', 'val_dataloader', 'val_cfg',
                'val_evaluator'):
        cfg[key] = None
    runner = Runner.from_cfg(cfg)
    capture = _Capture()
    runner.register_hook(capture, priority='LOWEST')
    runner.test()

    dataset = runner.test_loop.dataloaders[0].dataset
    images = [os.path.basename(dataset.get_data_info(i)['gt_path'])
              for i in range(len(dataset))]
    assert len(images) == 2
    ours = Benchmark(str(photo_dir), str(tmp_path / 'cache'), [3, 4.5],
                     images=images, progress=False).run_row(spec)
    for s in (3, 4.5):
        for m in ('PSNR', 'SSIM', 'LPIPS'):
            assert ours.values[m][s] == pytest.approx(
                capture.metrics[f'DIV2Kx{s:g}/{m}'], abs=1e-4), (s, m)


def test_model_row_loads_its_config_once(mm, photo_dir, tmp_path,
                                         monkeypatch):
    """run_row loads a row's config once and hands it (and describe_row's
    kind/scale) to the build hook; a finished row builds nothing."""
    from tests.evaluation.test_upsamplers import EDSR_CFG, TINY
    loads, built = [], []
    load = RowSpec.load_config

    def counting_load(self):
        loads.append(self.name)
        return load(self)

    monkeypatch.setattr(RowSpec, 'load_config', counting_load)
    row = RowSpec('EDSR', EDSR_CFG, cfg_options=TINY[EDSR_CFG])

    def build(spec, device, cfg=None, kind=None, model_scale=None,
              allow_random=False):
        built.append((cfg is not None, kind, model_scale))
        return BicubicUpsampler()

    def bench():
        return Benchmark(str(photo_dir), str(tmp_path / 'cache'), [2, 4.5],
                         images=IMAGES[:1], progress=False, build=build)

    res = bench().run_row(row)
    assert (loads, built, res.kind) == (['EDSR'], [(True, 'fixed', 4)],
                                        'fixed')
    assert res.values['PSNR'][2.0] is None
    loads.clear()
    assert bench().run_row(row).values == res.values
    assert (loads, built) == (['EDSR'], [(True, 'fixed', 4)])
