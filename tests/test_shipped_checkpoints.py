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


PAPER = REPO / 'checkpoints' / 'photos-paper'
PAPER_ROWS = [r for r in json.loads((PAPER / 'rows.json').read_text())
              if r['checkpoint'].startswith('checkpoints/photos-paper/')]


@pytest.mark.parametrize('row', ROWS + PAPER_ROWS,
                         ids=[r['name'] for r in ROWS + PAPER_ROWS])
def test_records_its_variant_and_refuses_the_others(mm, row):
    """Every shipped file records the model it is for; loaded under a
    config of another variant (LIIF-GAN-SF weights under LIIF-GAN's config:
    same keys and shapes) it is refused, naming both."""
    from mmengine.config import Config
    from liifgan_mm.utils.checkpoint_loading import load_strict
    from liifgan_mm.utils.variant import COMPARED, META_KEY, model_variant

    def build(config):
        cfg = Config.fromfile(REPO / config)
        cfg.model.generator.pop('warm_start', None)
        return mm.MODELS.build(cfg.model)

    meta = torch.load(REPO / row['checkpoint'], map_location='cpu',
                      weights_only=False)['meta']
    own = model_variant(build(row['config']))
    assert {k: meta[META_KEY].get(k) for k in COMPARED} == {
        k: own.get(k) for k in COMPARED}
    others = [r for r in ROWS + PAPER_ROWS if r['config'] != row['config']
              and r['checkpoint'].split('/')[1] == row['checkpoint'].split(
                  '/')[1]]
    for other in others:
        model = build(other['config'])
        if all(model_variant(model).get(k) == meta[META_KEY].get(k)
               for k in COMPARED):
            continue  # same model, other training (e.g. the RGS ablation)
        with pytest.raises(ValueError, match='refusing to load weights into'):
            load_strict(model, str(REPO / row['checkpoint']),
                        config=other['config'])


def test_readme_quick_start_runs_the_published_paper_size_liifgan():
    """The README's quick start (upsample tool, inferencer, mim download)
    names the LIIF-GAN row of checkpoints/photos-paper: its config and its
    file, so it follows the row when a new state is published."""
    import re
    rows = json.loads((REPO / 'checkpoints/photos-paper/rows.json')
                      .read_text())
    row = [r for r in rows if r['name'] == 'LIIF-GAN'][0]
    quick = (REPO / 'README.md').read_text().split('## Quick start')[1]
    quick = quick.split('\n## ')[0]
    assert re.findall(r'--config (\S+\.py)', quick) == [row['config']]
    assert re.findall(r"inference_config\('([^']+)'", quick) == [
        row['config']]
    assert re.findall(r'--checkpoint (\S+\.pth)', quick)[0] == \
        row['checkpoint']
    assert re.findall(r"ckpt='([^']+)'", quick) == [row['checkpoint']]
    name = Path(row['config']).stem
    assert f'mim download liifgan_mm --config {name} ' in quick
