"""The fidelity knob: output ``D1 + alpha * D2`` at test time."""
import pytest
import torch

from tests.models.editors.liifgan.test_liifgan import _model_cfg

C, HIDDEN = 4, [16, 16]


def _head(mm, **kw):
    torch.manual_seed(0)
    head = mm.MODELS.build(dict(
        type='DualImplicitHead', in_channels=C,
        decoder=dict(type='MLPRefiner', out_dim=3, hidden_list=HIDDEN), **kw))
    # a residual of real size: decoder 2 must matter
    if head.dual:
        torch.nn.init.normal_(head.decoder2.layers[-1].weight)
    return head


def _decoder1_alone(mm, head, f1, size):
    single = _head(mm, dual=False, fast=head.fast, eval_bsize=head.eval_bsize,
                   tile=head.tile)
    single.decoder1.load_state_dict(head.decoder1.state_dict())
    return single.predict(f1, None, size)


@pytest.mark.parametrize('fast', [True, False])
@pytest.mark.parametrize('tile', [None, 3])
def test_alpha_ends_and_middle(mm, fast, tile):
    head = _head(mm, fast=fast, eval_bsize=37, tile=tile)
    f1, f2 = torch.randn(2, C, 7, 9), torch.randn(2, C, 7, 9)
    size = (17, 29)  # anisotropic
    default = head.predict(f1, f2, size)
    head.alpha = 1
    assert torch.equal(head.predict(f1, f2, size), default)
    head.alpha = 0
    d1 = head.predict(f1, f2, size)
    assert torch.equal(d1, _decoder1_alone(mm, head, f1, size))
    assert (default - d1).abs().max() > 1e-2
    head.alpha = 0.3
    torch.testing.assert_close(head.predict(f1, f2, size),
                               d1 + 0.3 * (default - d1), rtol=0, atol=1e-5)


@pytest.mark.parametrize('bad', [-0.1, 1.5, float('nan'), 'x'])
def test_alpha_out_of_range_refused(mm, bad):
    with pytest.raises(ValueError, match='alpha'):
        _head(mm, alpha=bad)
    head = _head(mm)
    with pytest.raises(ValueError, match='alpha'):
        head.alpha = bad


def _sample(**meta):
    from mmagic.structures import DataSample
    return DataSample.stack([DataSample(metainfo=meta)])


def test_restorer_alpha_from_config_both_query_paths(mm):
    """``model.generator.head.alpha`` (a config field) steers the restorer's
    test output, on the size path and on the coordinate path."""
    from liifgan_mm.models.editors.liifgan.grid_query import grid_coords
    outs = {}
    for alpha in (0, 0.5, 1):
        _, cfg = _model_cfg('')
        cfg.generator.head.alpha = alpha
        torch.manual_seed(0)
        model = mm.MODELS.build(cfg).eval()
        torch.nn.init.normal_(model.generator.head.decoder2.layers[-1].weight)
        x = torch.rand(1, 3, 8, 10)
        with torch.no_grad():
            by_size = model.forward_tensor(x, _sample(target_size=(13, 21)))
            coord, cell = grid_coords((13, 21))
            by_coord = model.forward_tensor(x, _sample(coord=coord,
                                                       cell=cell))
            d1, d2 = model.generator(x, coord[None], cell[None],
                                     test_mode=True)
        torch.testing.assert_close(by_size, by_coord, rtol=0, atol=1e-5)
        outs[alpha] = by_size
        ref = (d1 + alpha * d2).view(1, 13, 21, 3).permute(0, 3, 1, 2)
        torch.testing.assert_close(by_size, ref, rtol=0, atol=1e-5)
    torch.testing.assert_close(outs[0.5], (outs[0] + outs[1]) / 2, rtol=0,
                               atol=1e-5)
