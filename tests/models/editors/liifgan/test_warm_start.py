"""Warm start of LIIF-GAN generators from a LIIF checkpoint (ours or a
stock mmagic ``LIIFEDSRNet``): which keys map, and where training starts."""
import pytest
import torch
from mmagic.utils import make_coord

from liifgan_mm.models.editors.liifgan.warm_start import (generator_state,
                                                          map_keys,
                                                          warm_start)

ENC = dict(type='EDSRNet', in_channels=3, out_channels=3, mid_channels=16,
           num_blocks=4)
MLP = dict(type='MLPRefiner', out_dim=3, hidden_list=[32, 32])


def _gen(mm, mid_block=None, dual=True, **kw):
    return mm.MODELS.build(dict(
        type='LIIFGANEDSRNet', encoder=ENC, mid_block=mid_block,
        head=dict(type='DualImplicitHead', decoder=MLP, dual=dual), **kw))


def _stock(mm):
    return mm.MODELS.build(dict(type='LIIFEDSRNet', encoder=ENC,
                                imnet=dict(MLP, in_dim=1)))


def _query(size=(20, 27)):
    coord = make_coord(size).expand(2, -1, -1)
    cell = torch.tensor([2 / size[0], 2 / size[1]]).expand_as(coord)
    return torch.randn(2, 3, 9, 11), coord, cell


def _ckpt(module, tmp_path, name='liif.pth', wrap='generator.'):
    """An mmengine-like checkpoint file of ``module`` as a generator."""
    state = {wrap + k: v for k, v in module.state_dict().items()}
    state['discriminator.x.weight'] = torch.zeros(1)  # skipped quietly
    path = tmp_path / name
    torch.save(dict(meta={}, state_dict=state), path)
    return str(path)


@pytest.mark.parametrize('variant', ['S', 'SF'])
def test_starts_at_our_liif_output(mm, tmp_path, variant):
    liif = _gen(mm, dual=False)
    ckpt = _ckpt(liif, tmp_path)
    gan = _gen(mm, dual=variant == 'SF')
    report = warm_start(gan, ckpt)
    assert set(report['mapped']) == set(liif.state_dict())
    assert report['unused'] == []
    x, coord, cell = _query()
    with torch.no_grad():
        ref, _ = liif(x, coord, cell)
        d1, d2 = gan(x, coord, cell)
    out = d1 if d2 is None else d1 + d2
    torch.testing.assert_close(out, ref, rtol=0, atol=0)
    if variant == 'SF':
        assert all(k.startswith('head.decoder2.') for k in report['new'])
        assert report['zeroed'] == ['head.decoder2.layers.4.weight',
                                    'head.decoder2.layers.4.bias']
        assert torch.count_nonzero(d2) == 0


def test_stock_mmagic_liif_checkpoint(mm, tmp_path):
    stock = _stock(mm)
    # DDP-wrapped keys (``generator.module.``) are understood too
    ckpt = _ckpt(stock, tmp_path, wrap='generator.module.')
    gan = _gen(mm, dual=False)
    report = warm_start(gan, ckpt)
    assert report['new'] == []
    assert 'head.decoder1.layers.0.weight' in report['mapped']
    x, coord, cell = _query()
    with torch.no_grad():
        ref = stock(x, coord, cell)
        d1, _ = gan(x, coord, cell)
    torch.testing.assert_close(d1, ref, rtol=0, atol=1e-6)


def test_liifgan_mid_tap_maps_encoder_and_decoder1(mm, tmp_path):
    liif = _gen(mm, dual=False)
    gan = _gen(mm, mid_block=2)
    report = warm_start(gan, _ckpt(liif, tmp_path))
    own = gan.state_dict()
    for k, v in liif.state_dict().items():
        assert torch.equal(own[k], v), k
    assert set(report['new']) == {k for k in own if 'decoder2' in k}


def test_stock_key_mapping_skips_edsr_upsampler():
    mapping, unused = map_keys([
        'conv_first.weight', 'body.0.conv1.weight', 'imnet.layers.0.weight',
        'encoder.conv_first.bias', 'encoder.upsample.0.weight', 'foo.bar'])
    assert mapping == {'conv_first.weight': 'conv_first.weight',
                       'body.0.conv1.weight': 'body.0.conv1.weight',
                       'head.decoder1.layers.0.weight':
                       'imnet.layers.0.weight',
                       'conv_first.bias': 'encoder.conv_first.bias'}
    assert unused == ['encoder.upsample.0.weight', 'foo.bar']


def test_wrong_size_and_foreign_checkpoints_are_errors(mm, tmp_path):
    small = _gen(mm, dual=False)
    big = mm.MODELS.build(dict(
        type='LIIFGANEDSRNet', encoder=dict(ENC, mid_channels=8),
        head=dict(type='DualImplicitHead', decoder=MLP)))
    with pytest.raises(ValueError, match='does not fit body.0.conv1.bias'):
        warm_start(big, _ckpt(small, tmp_path))
    with pytest.raises(ValueError, match='no key'):
        warm_start(small, {'state_dict': {'generator.x.y': torch.zeros(1)}})
    # a partial match (an SRResNet's conv_first and nothing else) stops
    part = {f'generator.{k}': v for k, v in small.state_dict().items()
            if k.startswith('conv_first.')}
    with pytest.raises(ValueError, match='keys are not in the checkpoint '
                       r'\(body.0.conv1.weight'):
        warm_start(small, {'state_dict': part})


def test_config_field_runs_at_init_weights(mm, tmp_path):
    liif = _gen(mm, dual=False)
    gan = _gen(mm, warm_start=dict(checkpoint=_ckpt(liif, tmp_path)))
    assert not torch.equal(gan.conv_first.weight, liif.conv_first.weight)
    gan.init_weights()
    assert torch.equal(gan.conv_first.weight, liif.conv_first.weight)
    assert gan.warm_start_report['zeroed']
    assert generator_state(_ckpt(liif, tmp_path, 'b.pth'))  # path form
