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


def test_key_mapping_is_the_stock_layout():
    """mmagic's LIIFEDSRNet keeps its encoder's parts at the top level
    (``conv_first``, ``body``, ``conv_after_body``): nothing else maps."""
    mapping, unused = map_keys([
        'conv_first.weight', 'body.0.conv1.weight', 'imnet.layers.0.weight',
        'encoder.conv_first.bias', 'foo.bar'])
    assert mapping == {'conv_first.weight': 'conv_first.weight',
                       'body.0.conv1.weight': 'body.0.conv1.weight',
                       'head.decoder1.layers.0.weight':
                       'imnet.layers.0.weight'}
    assert unused == ['encoder.conv_first.bias', 'foo.bar']


def test_official_format_starts_at_its_output(mm, tmp_path):
    """A checkpoint in the official LIIF layout (``{'model': {'sd'}}``,
    yinboc/liif's key names) warm-starts -S and -SF at its output."""
    stock = _stock(mm)
    sd = {}
    for k, v in stock.state_dict().items():
        k = k.replace('conv_first.', 'encoder.head.0.')
        k = k.replace('conv1.', 'body.0.').replace('conv2.', 'body.2.')
        k = k.replace('conv_after_body.', 'encoder.body.4.')
        sd[k if k.startswith(('encoder.', 'imnet.')) else 'encoder.' + k] = v
    sd['encoder.sub_mean.weight'] = torch.zeros(3, 3, 1, 1)  # unused
    path = tmp_path / 'official.pth'
    torch.save({'model': {'name': 'liif', 'args': {}, 'sd': sd},
                'epoch': 1000}, path)
    x, coord, cell = _query()
    with torch.no_grad():
        ref = stock(x, coord, cell)
    for dual in (False, True):
        gan = _gen(mm, dual=dual)
        report = warm_start(gan, str(path))
        assert all('decoder2' in k for k in report['new'])
        with torch.no_grad():
            d1, d2 = gan(x, coord, cell)
        out = d1 if d2 is None else d1 + d2
        torch.testing.assert_close(out, ref, rtol=0, atol=1e-6)


def test_incomplete_encoder_is_an_error_naming_keys(mm, tmp_path):
    """An SRResNet-like or shallower source maps some keys only: stop."""
    liif = _gen(mm, dual=False)
    state = {k: v for k, v in liif.state_dict().items()
             if not k.startswith('body.3.')}
    with pytest.raises(ValueError, match=r'4 of 20 encoder keys.*body\.3\.'):
        warm_start(_gen(mm), {'state_dict': state})


def test_frozen_blocks_get_no_update(mm):
    gan = _gen(mm, mid_block=2, frozen_blocks=2)
    frozen = {n for n, p in gan.named_parameters() if not p.requires_grad}
    assert frozen == {n for n, _ in gan.named_parameters()
                      if n.startswith(('conv_first.', 'body.0.', 'body.1.'))}
    x, coord, cell = _query()
    d1, d2 = gan(x, coord, cell)
    (d1.sum() + d2.sum()).backward()
    assert gan.body[1].conv2.weight.grad is None
    assert gan.body[2].conv1.weight.grad is not None
    whole = _gen(mm, frozen_blocks=4)
    assert not any(p.requires_grad for n, p in whole.named_parameters()
                   if not n.startswith('head.'))
    with pytest.raises(ValueError, match='frozen_blocks'):
        _gen(mm, frozen_blocks=5)


def test_wrong_size_and_foreign_checkpoints_are_errors(mm, tmp_path):
    small = _gen(mm, dual=False)
    big = mm.MODELS.build(dict(
        type='LIIFGANEDSRNet', encoder=dict(ENC, mid_channels=8),
        head=dict(type='DualImplicitHead', decoder=MLP)))
    with pytest.raises(ValueError, match='does not fit body.0.conv1.bias'):
        warm_start(big, _ckpt(small, tmp_path))
    with pytest.raises(ValueError, match='no key'):
        warm_start(small, {'state_dict': {'generator.x.y': torch.zeros(1)}})
    # the whole encoder but no decoder 1 (e.g. an EDSR file) stops too
    part = {f'generator.{k}': v for k, v in small.state_dict().items()
            if not k.startswith('head.')}
    with pytest.raises(ValueError, match=r'6 decoder 1 keys are not in the '
                       r'checkpoint \(first: head.decoder1.layers.0.weight'):
        warm_start(small, {'state_dict': part})


def test_config_field_runs_at_init_weights(mm, tmp_path):
    liif = _gen(mm, dual=False)
    gan = _gen(mm, warm_start=dict(checkpoint=_ckpt(liif, tmp_path)))
    assert not torch.equal(gan.conv_first.weight, liif.conv_first.weight)
    gan.init_weights()
    assert torch.equal(gan.conv_first.weight, liif.conv_first.weight)
    assert gan.warm_start_report['zeroed']
    assert generator_state(_ckpt(liif, tmp_path, 'b.pth'))  # path form


def test_decoder2_from_another_liif(mm, tmp_path):
    """``decoder2=``: decoder 2 starts from another LIIF's decoder (the
    official one for LIIF-GAN's stage 2), last layer zeroed on request."""
    liif = _gen(mm, dual=False)
    other = _gen(mm, dual=False)
    gan = _gen(mm, mid_block=2)
    report = warm_start(gan, _ckpt(liif, tmp_path),
                        decoder2=_ckpt(other, tmp_path, name='other.pth'),
                        zero_residual=False)
    assert report['new'] == []
    src = other.head.decoder1.state_dict()
    for k, v in gan.head.decoder2.state_dict().items():
        torch.testing.assert_close(v, src[k], rtol=0, atol=0)
    warm_start(gan, _ckpt(liif, tmp_path), decoder2=other.state_dict())
    last = gan.head.decoder2.layers[-1]
    assert not last.weight.any() and not last.bias.any()
    torch.testing.assert_close(gan.head.decoder2.layers[0].weight,
                               src['layers.0.weight'], rtol=0, atol=0)
    with pytest.raises(ValueError, match='has one decoder'):
        warm_start(_gen(mm, dual=False), _ckpt(liif, tmp_path),
                   decoder2=other.state_dict())
