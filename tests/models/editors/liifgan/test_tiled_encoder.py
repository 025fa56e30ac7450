"""Tiled encoder: the same output as the whole image, bounded work."""
import pytest
import torch

from tests.models.editors.liifgan.test_liifgan import _model_cfg


def _generator(mm, variant='', **gen):
    _, cfg = _model_cfg(variant, **gen)
    torch.manual_seed(0)
    model = mm.MODELS.build(cfg).eval()
    head = model.generator.head
    if head.dual:
        torch.nn.init.normal_(head.decoder2.layers[-1].weight)
    return model.generator


def test_receptive_radius_counts_edsr_convs(mm):
    gen = _generator(mm)  # 4 residual blocks
    assert gen.receptive_radius == 1 + 2 * 4 + 1
    from mmagic.models.editors import EDSRNet
    from liifgan_mm.models.editors.liifgan.tiled_encoder import \
        receptive_radius
    edsr = EDSRNet(3, 3, mid_channels=8, num_blocks=16)
    assert receptive_radius(edsr.conv_first, edsr.body,
                            edsr.conv_after_body) == 34


@pytest.mark.parametrize('variant', ['', '-s', '-sf'])
@pytest.mark.parametrize('hw,size,tile', [((23, 31), (50, 77), 4),
                                          ((23, 31), (23, 31), 7),
                                          ((17, 12), (70, 29), 5),
                                          ((9, 9), (40, 40), 32)])
def test_tiled_equals_untiled(mm, variant, hw, size, tile):
    gen = _generator(mm, variant)
    x = torch.randn(2, 3, *hw)
    with torch.no_grad():
        ref = gen(x, size=size)
        gen.encoder_tile = tile
        out = gen(x, size=size)
    assert out.shape == ref.shape == (2, 3, *size)
    assert (out - ref).abs().max().item() <= 1e-5


def test_alpha_and_rows_with_tiled_encoder(mm):
    gen = _generator(mm, encoder_tile=5)
    x = torch.randn(1, 3, 19, 22)
    with torch.no_grad():
        gen.head.alpha = 0.25
        tiled = gen(x, size=(41, 60))
        strip = gen.predict_tiled(x, (41, 60), rows=range(10, 23))
        gen.encoder_tile = None
        ref = gen(x, size=(41, 60))
    assert (tiled - ref).abs().max().item() <= 1e-5
    assert (strip - ref[:, :, 10:23]).abs().max().item() <= 1e-5


def test_encoder_sees_tiles_not_the_image(mm, monkeypatch):
    """Every encoder call is at most a tile plus the halo a side; the whole
    input is never encoded at once."""
    gen = _generator(mm, encoder_tile=6)
    r = gen.receptive_radius
    shapes = []
    orig = gen.gen_features

    def spy(x):
        shapes.append(tuple(x.shape[-2:]))
        return orig(x)

    monkeypatch.setattr(gen, 'gen_features', spy)
    with torch.no_grad():
        gen(torch.randn(1, 3, 60, 50), size=(120, 100))
    assert shapes and (60, 50) not in shapes
    assert max(h for h, _ in shapes) <= 6 + 2 + 2 * r + 2
    assert max(w for _, w in shapes) <= 6 + 2 + 2 * r + 2


def test_bad_encoder_tile_refused(mm):
    with pytest.raises(ValueError, match='encoder_tile'):
        _generator(mm, encoder_tile=0)


def test_plain_head_warns_and_encodes_untiled(mm):
    gen = _generator(mm, encoder_tile=4)
    gen.head.fast = False
    x = torch.randn(1, 3, 9, 11)
    with torch.no_grad(), pytest.warns(UserWarning, match='encoder_tile'):
        out = gen(x, size=(20, 23))
    assert out.shape == (1, 3, 20, 23)
