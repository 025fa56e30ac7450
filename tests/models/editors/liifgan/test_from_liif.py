"""A stock mmagic LIIF run by our one-decoder generator (``from_liif``):
the same output as mmagic's model in fp32, with the official weights, and
bf16 decoding within the measured tolerance."""
import numpy as np
import pytest
import torch
from mmengine.config import Config

from liifgan_mm.models.editors.liifgan import precision as prec
from liifgan_mm.models.editors.liifgan.from_liif import (
    is_stock_liif, liifgan_config_of_liif, liifgan_state_of_liif)
from tests.conftest import REPO
from tests.models.editors.liifgan.test_warm_start import _query

CONFIG = REPO / 'configs/liifgan/liif_edsr-c64b16_official-div2k.py'
CONVERTED = REPO / 'checkpoints/official/liif_edsr-c64b16_official-div2k.pth'
# bf16 vs fp32 on the 24x20 photo crop below, official weights, x2.4:
# measured max |diff| 0.38 gray levels (0-255 output, RMS 0.09; fp32 vs
# stock: 3e-5); 2 levels allowed (other CPUs' bf16 kernels may round
# differently)
BF16_TOL = 2.0


def test_config_is_the_one_decoder_form():
    cfg = Config.fromfile(str(CONFIG)).model.to_dict()
    assert is_stock_liif(cfg)
    new = liifgan_config_of_liif(cfg, 'bf16')
    assert new['type'] == 'LIIFGAN' and not is_stock_liif(new)
    gen, head = new['generator'], new['generator']['head']
    assert gen['type'] == 'LIIFGANEDSRNet' and gen['mid_block'] is None
    assert gen['encoder'] == cfg['generator']['encoder']
    assert head['dual'] is False and head['precision'] == 'bf16'
    assert head['eval_bsize'] == cfg['generator']['eval_bsize']
    assert 'in_dim' not in head['decoder']
    assert new['data_preprocessor'] == cfg['data_preprocessor']
    assert 'precision' not in liifgan_config_of_liif(cfg)['generator'][
        'head']
    assert cfg['type'] == 'LIIF'  # the argument is left as it was
    with pytest.raises(ValueError, match='expected mmagic LIIF'):
        liifgan_config_of_liif(new)


def test_state_renames_imnet_only():
    state = {'generator.imnet.layers.0.weight': 1,
             'generator.conv_first.bias': 2, 'data_preprocessor.mean': 3}
    assert liifgan_state_of_liif(state) == {
        'generator.head.decoder1.layers.0.weight': 1,
        'generator.conv_first.bias': 2, 'data_preprocessor.mean': 3}
    ours = {'generator.head.decoder1.layers.0.weight': 1}
    assert liifgan_state_of_liif(ours) is ours


@pytest.fixture(scope='module')
def pair(mm):
    """mmagic's stock LIIF and ours, both built by the table tool's
    builder from the official config and converted weights."""
    from liifgan_mm.evaluation.upsamplers import build_model
    if not CONVERTED.is_file():
        pytest.fail(f'{CONVERTED} missing: run tools/setup_env.sh')
    cfg = Config.fromfile(str(CONFIG))
    stock = build_model(cfg, str(CONVERTED)).eval()
    cfg.model = Config(liifgan_config_of_liif(cfg.model.to_dict()))
    ours = build_model(cfg, str(CONVERTED)).eval()
    return stock, ours


def test_equals_stock_liif_in_fp32(pair):
    stock, ours = pair
    _, coord, cell = _query((57, 70))
    coord, cell = coord[:1], cell[:1]
    x = torch.randn(1, 3, 18, 22, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        want = stock.generator(x, coord, cell, test_mode=True)
        d1, d2 = ours.generator(x, coord, cell, test_mode=True)
        grid = ours.generator(x, size=(57, 70))
    assert d2 is None
    assert (d1 - want).abs().max().item() <= 1e-5
    grid = grid.permute(0, 2, 3, 1).reshape(want.shape)
    assert (grid - want).abs().max().item() <= 1e-5


def test_table_upsampler_fp32_equal_and_bf16_close(pair):
    """Through the table tool's upsampler (preprocessor, 0-255 output)."""
    from skimage import data

    from liifgan_mm.evaluation.upsamplers import ModelUpsampler
    stock, ours = pair
    lr = np.ascontiguousarray(data.astronaut()[100:124, 180:200])
    size = (58, 48)
    want = ModelUpsampler(stock, 'continuous')(lr, size)
    got = ModelUpsampler(ours, 'continuous')(lr, size)
    assert got.shape == want.shape == (*size, 3)
    assert np.abs(got - want).max() <= 1e-5 * 127.5
    if not prec.bf16_supported('cpu'):
        pytest.skip('CPU without native bf16')
    ours.generator.head.precision = 'bf16'
    try:
        low = ModelUpsampler(ours, 'continuous')(lr, size)
    finally:
        ours.generator.head.precision = 'fp32'
    err = np.abs(low - want).max()
    assert 0 < err <= BF16_TOL, err
