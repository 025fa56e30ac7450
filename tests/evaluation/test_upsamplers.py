"""Models from config (+ checkpoint) as upsamplers, through test_step."""
import numpy as np
import pytest
import torch

from liifgan_mm.evaluation.row_spec import RowSpec
from liifgan_mm.evaluation.upsamplers import (BicubicUpsampler,
                                              ModelUpsampler, build_upsampler,
                                              describe_row, supports_scale)

LIIFGAN_CFG = 'configs/liifgan/liifgan_edsr-c64b16_1xb128-125k_div2k.py'
LIIF_CFG = 'mmagic::liif/liif-edsr-norm_c64b16_1xb16-1000k_div2k.py'
EDSR_CFG = 'mmagic::edsr/edsr_x4c64b16_1xb16-300k_div2k.py'
ESRGAN_CFG = 'mmagic::esrgan/esrgan_x4c64b23g32_1xb16-400k_div2k.py'
REALESRGAN_CFG = \
    'mmagic::real_esrgan/realesrgan_c64b23g32_4xb12-lr1e-4-400k_df2k-ost.py'
# random-init tiny versions of the table's models (cfg_options)
TINY = {
    LIIFGAN_CFG: {'model.generator.encoder.mid_channels': 8,
                  'model.generator.encoder.num_blocks': 2,
                  'model.generator.mid_block': 1,
                  'model.generator.head.decoder.hidden_list': [16, 16],
                  'model.discriminator.mid_channels': 8},
    LIIF_CFG: {'model.generator.encoder.mid_channels': 8,
               'model.generator.encoder.num_blocks': 1,
               'model.generator.imnet.hidden_list': [16, 16]},
    EDSR_CFG: {'model.generator.mid_channels': 8,
               'model.generator.num_blocks': 1},
    ESRGAN_CFG: {'model.generator.mid_channels': 8,
                 'model.generator.num_blocks': 1,
                 'model.generator.growth_channels': 4},
}


def tiny_row(name, config, checkpoint=None):
    return RowSpec(name, config, checkpoint, cfg_options=TINY[config])


def test_describe_rows(mm):
    assert describe_row(RowSpec('Bicubic')) == ('bicubic', None)
    assert describe_row(tiny_row('LIIF-GAN', LIIFGAN_CFG)) == \
        ('continuous', None)
    assert describe_row(tiny_row('LIIF', LIIF_CFG)) == ('continuous', None)
    assert describe_row(tiny_row('EDSR', EDSR_CFG)) == ('fixed', 4)
    assert describe_row(RowSpec('R', REALESRGAN_CFG)) == ('fixed', 4)
    gan = {c: RowSpec('x', c).is_gan() for c in
           (LIIFGAN_CFG, LIIF_CFG, EDSR_CFG, ESRGAN_CFG, REALESRGAN_CFG)}
    assert gan == {LIIFGAN_CFG: True, LIIF_CFG: False, EDSR_CFG: False,
                   ESRGAN_CFG: True, REALESRGAN_CFG: True}
    assert not RowSpec('Bicubic').is_gan()
    assert not RowSpec('x', ESRGAN_CFG, gan=False).is_gan()


def _nearest_x4_model(mm):
    """mmagic BaseEditModel whose generator is exact nearest x4."""
    model = mm.MODELS.build(dict(
        type='BaseEditModel',
        generator=dict(type='EDSRNet', in_channels=3, out_channels=3,
                       mid_channels=4, num_blocks=1, upscale_factor=4),
        pixel_loss=dict(type='L1Loss'),
        data_preprocessor=dict(type='DataPreprocessor', mean=[0.] * 3,
                               std=[255.] * 3)))
    model.generator = torch.nn.Upsample(scale_factor=4, mode='nearest')
    return model


def test_model_upsampler_is_rgb_in_rgb_out(mm, rng):
    """mmagic hands predictions back as BGR; upsamplers return RGB."""
    up = ModelUpsampler(_nearest_x4_model(mm), 'fixed', 4)
    lr = rng.integers(0, 256, (6, 9, 3), dtype=np.uint8)
    lr[..., 0], lr[..., 2] = 250, 5
    out = up(lr, (24, 36))
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, np.repeat(np.repeat(lr, 4, 0), 4, 1))


@pytest.mark.parametrize('scale', [4.5, 5, 5.5, 6.5, 7])
def test_fixed_scale_model_hits_every_target_size(mm, rng, scale):
    up = ModelUpsampler(_nearest_x4_model(mm), 'fixed', 4)
    lr = rng.integers(0, 256, (23, 17, 3), dtype=np.uint8)
    target = (round(23 * scale), round(17 * scale))
    assert up(lr, target).shape == target + (3,)
    assert supports_scale(up.kind, up.model_scale, 4)
    assert supports_scale(up.kind, up.model_scale, scale)
    assert not supports_scale(up.kind, up.model_scale, 3)


@pytest.mark.parametrize('config', [LIIFGAN_CFG, LIIF_CFG])
def test_continuous_models_decode_at_the_target_size(mm, rng, config):
    torch.manual_seed(0)
    with pytest.warns(UserWarning, match='RANDOM'):
        up = build_upsampler(tiny_row('m', config), allow_random=True)
    assert up.kind == 'continuous'
    assert supports_scale(up.kind, up.model_scale, 2)
    lr = rng.integers(0, 256, (12, 10, 3), dtype=np.uint8)
    out = up(lr, (29, 23))  # anisotropic, non-integer scale
    assert out.shape == (29, 23, 3) and np.isfinite(out).all()
    assert out.min() >= 0 and out.max() <= 255


def test_fixed_scale_config_model(mm, rng):
    with pytest.warns(UserWarning, match='RANDOM'):
        up = build_upsampler(tiny_row('EDSR', EDSR_CFG), allow_random=True)
    assert (up.kind, up.model_scale) == ('fixed', 4)
    lr = rng.integers(0, 256, (16, 16, 3), dtype=np.uint8)
    assert up(lr, (88, 88)).shape == (88, 88, 3)


def test_checkpoint_round_trip(mm, rng, tmp_path):
    """A training checkpoint (discriminator, DDP prefix) loads; training-
    only parts are not built."""
    spec = tiny_row('ESRGAN', ESRGAN_CFG)
    cfg = spec.load_config()
    torch.manual_seed(1)
    full = mm.MODELS.build(dict(cfg.model, perceptual_loss=None,
                                generator=dict(cfg.model.generator,
                                               init_cfg=None)))
    state = {f'module.{k}': v for k, v in full.state_dict().items()}
    assert any(k.startswith('module.discriminator.') for k in state)
    torch.save(dict(state_dict=state, meta={}), tmp_path / 'ckpt.pth')
    spec.checkpoint = str(tmp_path / 'ckpt.pth')
    up = build_upsampler(spec)
    assert up.model.discriminator is None
    for k, v in full.generator.state_dict().items():
        torch.testing.assert_close(up.model.generator.state_dict()[k], v)
    lr = rng.integers(0, 256, (8, 8, 3), dtype=np.uint8)
    assert up(lr, (32, 32)).shape == (32, 32, 3)


def test_bicubic_upsampler(rng):
    lr = rng.integers(0, 256, (8, 8, 3), dtype=np.uint8)
    up = BicubicUpsampler()
    assert supports_scale(*describe_row(RowSpec('Bicubic')), 2)
    assert up(lr, (20, 28)).shape == (20, 28, 3)
