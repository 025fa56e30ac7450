"""Strict checkpoint loading behind every tool (build_model)."""
import json
import warnings

import pytest
import torch

from liifgan_mm.utils.checkpoint_loading import unwrap_key
from liifgan_mm.evaluation.row_spec import RowSpec, load_config
from liifgan_mm.evaluation.upsamplers import build_model, build_upsampler
from tests.conftest import REPO
from tests.evaluation.test_upsamplers import LIIFGAN_CFG, TINY


def test_unwrap_key():
    assert unwrap_key('generator.module.conv.weight') == \
        'generator.conv.weight'
    assert unwrap_key('module.generator.module.conv.weight') == \
        'generator.conv.weight'
    assert unwrap_key('module.generator.body.0.w') == 'generator.body.0.w'
    assert unwrap_key('generator.body.module.w') == 'generator.body.module.w'


def _train_state(mm, cfg_options, seed=0):
    """A training model's state dict (generator + discriminator + VGG-free
    losses), as mmengine saves it."""
    cfg = load_config(LIIFGAN_CFG, cfg_options)
    torch.manual_seed(seed)
    model = mm.MODELS.build(dict(cfg.model, perceptual_loss=None))
    return cfg, model.state_dict()


def _save(path, state):
    torch.save(dict(state_dict=state, meta={}), path)
    return str(path)


def test_no_checkpoint_is_an_error_unless_random_allowed(mm):
    cfg = load_config(LIIFGAN_CFG, TINY[LIIFGAN_CFG])
    with pytest.raises(ValueError, match='--random-weights'):
        build_model(cfg)
    with pytest.warns(UserWarning, match='RANDOM'):
        build_model(cfg, allow_random=True)


def test_distributed_checkpoint_loads_exactly_and_quietly(mm, tmp_path):
    """``generator.module.*`` (MMSeparateDistributedDataParallel) and the
    discriminator/perceptual keys of a training checkpoint: loaded / skipped
    without a warning."""
    cfg, state = _train_state(mm, TINY[LIIFGAN_CFG])
    wrapped = {k.replace('generator.', 'generator.module.', 1)
               .replace('discriminator.', 'discriminator.module.', 1): v
               for k, v in state.items()}
    wrapped['perceptual_loss.vgg.layer.weight'] = torch.zeros(1)
    assert any(k.startswith('discriminator.module.') for k in wrapped)
    path = _save(tmp_path / 'ddp.pth', wrapped)
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        model = build_model(cfg, path)
    for k, v in model.generator.state_dict().items():
        torch.testing.assert_close(v, state[f'generator.{k}'], rtol=0,
                                   atol=0)


def test_checkpoint_of_another_config_names_config_and_keys(mm, tmp_path):
    cfg, _ = _train_state(mm, TINY[LIIFGAN_CFG])
    other = dict(TINY[LIIFGAN_CFG])
    other['model.generator.encoder.mid_channels'] = 4
    other['model.generator.encoder.num_blocks'] = 3
    _, state = _train_state(mm, other)
    path = _save(tmp_path / 'other.pth', state)
    with pytest.raises(ValueError) as e:
        build_model(cfg, path)
    msg = str(e.value)
    assert 'liifgan_edsr-c64b16_1xb128-125k_div2k.py' in msg
    assert 'other.pth' in msg and 'unexpected: generator.body.2' in msg
    assert 'of another shape' in msg and 'generator.conv_first.weight' in msg
    assert '\n' not in msg


def test_missing_generator_key_and_nan_weights_are_errors(mm, tmp_path):
    cfg, state = _train_state(mm, TINY[LIIFGAN_CFG])
    part = {k: v for k, v in state.items() if 'decoder2' not in k}
    with pytest.raises(ValueError, match=r'missing: generator\.head\.dec'):
        build_model(cfg, _save(tmp_path / 'part.pth', part))
    state['generator.conv_first.weight'][0, 0, 0, 0] = float('nan')
    with pytest.raises(ValueError, match='non-finite.*conv_first.weight'):
        build_model(cfg, _save(tmp_path / 'nan.pth', state))


def test_checkpoint_of_another_variant_is_refused(mm, tmp_path):
    """LIIF-GAN-SF weights have LIIF-GAN's keys and shapes: only the
    recorded variant (mid_block) tells them apart."""
    from liifgan_mm.utils.variant import model_variant
    cfg, state = _train_state(mm, TINY[LIIFGAN_CFG])
    variant = model_variant(mm.MODELS.build(dict(cfg.model,
                                                 perceptual_loss=None)))
    assert variant['mid_block'] is not None
    path = tmp_path / 'sf.pth'
    torch.save(dict(state_dict=state, meta=dict(
        model_variant=dict(variant, mid_block=None))), path)
    with pytest.raises(ValueError, match=r'sf.pth holds a LIIFGAN/'
                       r'LIIFGANEDSRNet mid_block=None .*differs in '
                       'mid_block'):
        build_model(cfg, str(path))
    torch.save(dict(state_dict=state, meta=dict(model_variant=variant)),
               path)
    build_model(cfg, str(path))  # the same variant loads


def test_unreadable_checkpoint_is_named(mm, tmp_path):
    cfg = load_config(LIIFGAN_CFG, TINY[LIIFGAN_CFG])
    bad = tmp_path / 'torn.pth'
    bad.write_bytes(b'PK\x03\x04 not really')
    with pytest.raises(ValueError, match='torn.pth cannot be read'):
        build_model(cfg, str(bad))
    with pytest.raises(FileNotFoundError, match='nope.pth'):
        build_model(cfg, str(tmp_path / 'nope.pth'))


def test_shipped_checkpoints_load_strictly(mm):
    rows = json.loads((REPO / 'checkpoints/photos-small/rows.json')
                      .read_text())
    for row in rows:
        spec = RowSpec(row['name'], str(REPO / row['config']),
                       str(REPO / row['checkpoint']))
        cfg = spec.load_config()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter('always')
            up = build_upsampler(spec, cfg=cfg)
        assert not [w for w in caught if 'RANDOM' in str(w.message)]
        assert up.kind in ('continuous', 'fixed')
