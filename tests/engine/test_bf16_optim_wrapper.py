"""BF16OptimWrapper: bf16 autocast training on CPU, the non-finite guard
kept, one-line fallback without native bf16."""
import copy

import pytest
import torch
from mmengine.optim import build_optim_wrapper

from liifgan_mm.engine.optim import BF16OptimWrapper
from liifgan_mm.models.editors.liifgan import precision as prec
from tests.models.editors.liifgan.test_liifgan import _model_cfg, _raw

needs_bf16 = pytest.mark.skipif(not prec.bf16_supported('cpu'),
                                reason='CPU without native bf16')


def _wrapper(module, **kw):
    return BF16OptimWrapper(
        optimizer=torch.optim.SGD(module.parameters(), lr=0.1), **kw)


@needs_bf16
def test_autocast_in_context_fp32_weights_and_grads():
    layer = torch.nn.Linear(8, 4)
    ow = _wrapper(layer)
    with ow.optim_context(layer):
        assert torch.is_autocast_enabled('cpu')
        assert torch.get_autocast_dtype('cpu') == torch.bfloat16
        out = layer(torch.randn(3, 8))
    assert out.dtype == torch.bfloat16
    assert not torch.is_autocast_enabled('cpu')
    ow.update_params(out.float().pow(2).mean())
    assert layer.weight.dtype == torch.float32
    assert ow.skipped_total == 0


def test_nonfinite_step_still_skipped():
    layer = torch.nn.Linear(2, 1)
    before = layer.weight.detach().clone()
    ow = _wrapper(layer)
    with ow.optim_context(layer):
        loss = layer(torch.ones(1, 2)).float().sum() * float('nan')
    ow.update_params(loss)
    assert ow.skipped_this_iter and ow.skipped_total == 1
    assert torch.equal(before, layer.weight)


def test_fallback_without_bf16_one_line(monkeypatch, capsys):
    monkeypatch.setattr(prec, 'bf16_supported', lambda device='cpu': False)
    monkeypatch.setattr(prec, '_told', set())
    layer = torch.nn.Linear(2, 1)
    ow = _wrapper(layer)
    for _ in range(2):
        with ow.optim_context(layer):
            assert not torch.is_autocast_enabled('cpu')
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and 'running in fp32' in err[0]
    strict = _wrapper(layer, fallback=False)
    with pytest.raises(RuntimeError, match='bf16 refused'):
        with strict.optim_context(layer):
            pass


@needs_bf16
def test_liifgan_gan_step_in_bf16_close_to_fp32(mm):
    """The whole GAN step (generator, perceptual VGG, discriminator) runs
    under autocast from the config option, losses near fp32's."""
    cfg, model_cfg = _model_cfg('')
    torch.manual_seed(0)
    model = mm.MODELS.build(model_cfg)
    runs = {}
    for name in ('fp32', 'bf16'):
        m = copy.deepcopy(model)
        ocfg = copy.deepcopy(cfg.optim_wrapper)
        if name == 'bf16':
            ocfg.generator.type = ocfg.discriminator.type = \
                'BF16OptimWrapper'
        runs[name] = (m, build_optim_wrapper(m, ocfg))
    seen = []
    hook = runs['bf16'][0].discriminator.register_forward_hook(
        lambda mod, inp, out: seen.append(out.dtype))
    torch.manual_seed(1)
    data = _raw()
    logs = {k: m.train_step(copy.deepcopy(data), o)
            for k, (m, o) in runs.items()}
    hook.remove()
    assert seen and all(d == torch.bfloat16 for d in seen)
    assert isinstance(runs['bf16'][1]['generator'], BF16OptimWrapper)
    for key in ('loss_pix', 'loss_perceptual', 'loss_gan', 'loss_d_real',
                'loss_d_fake'):
        a, b = float(logs['fp32'][key]), float(logs['bf16'][key])
        assert abs(a - b) <= 0.05 * abs(a) + 1e-3, (key, a, b)
    for p in runs['bf16'][0].parameters():
        assert p.dtype == torch.float32 and torch.isfinite(p).all()
