"""The checkpoints shipped in checkpoints/: sha256 as published, small, and
every generator key matching its config's model (no missing, no extra)."""
import hashlib
import json
from pathlib import Path

import pytest
import torch

REPO = Path(__file__).resolve().parents[1]
SHIPPED = REPO / 'checkpoints' / 'photos-small'
ROWS = json.loads((SHIPPED / 'rows.json').read_text())


def _sums():
    out = {}
    for line in (SHIPPED / 'SHA256SUMS').read_text().splitlines():
        sha, name = line.split()
        out[name] = sha
    return out


@pytest.mark.parametrize('row', ROWS, ids=[r['name'] for r in ROWS])
def test_sha256_and_size(row):
    path = REPO / row['checkpoint']
    assert path.stat().st_size <= 8 * 2**20
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    assert sha == _sums()[path.name]


@pytest.mark.parametrize('row', ROWS, ids=[r['name'] for r in ROWS])
def test_loads_into_its_config(mm, row):
    from mmengine.config import Config
    cfg = Config.fromfile(REPO / row['config'])
    model = mm.MODELS.build(cfg.model)
    state = torch.load(REPO / row['checkpoint'], map_location='cpu',
                       weights_only=True)['state_dict']
    own = {k for k in model.state_dict() if k.startswith('generator.')}
    assert set(state) == own
    missing, unexpected = model.load_state_dict(state, strict=False)
    assert not unexpected and not [k for k in missing
                                   if k.startswith('generator.')]
    assert all(torch.isfinite(v.float()).all() for v in state.values())
