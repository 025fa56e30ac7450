"""liifgan_mm.apis.model_zoo: the models of model-index.yml, local only."""
import os
import json

import yaml

from liifgan_mm.apis.model_zoo import zoo_models
from tests.conftest import REPO


def test_repo_index_lists_the_shipped_checkpoints():
    models = {m.name: m for m in zoo_models(REPO / 'model-index.yml', [])}
    rows = json.loads((REPO / 'checkpoints/photos-small/rows.json')
                      .read_text())
    by_config = {m.config: m for m in models.values()}
    for row in rows:
        m = by_config[str(REPO / row['config'])]
        assert m.available, m.reason
        # the package's .mim copy (a link in an editable install) or the file
        assert os.path.samefile(m.weights, REPO / row['checkpoint'])
    # configs without weights (to be trained) are not offered
    assert all(m.source for m in models.values())


def test_new_rows_appear_and_urls_never_download(tmp_path):
    (tmp_path / 'configs').mkdir()
    cfg = tmp_path / 'configs' / 'a.py'
    cfg.write_text('model = dict(type="LIIFGAN")\n')
    (tmp_path / 'w').mkdir()
    (tmp_path / 'w' / 'b.pth').write_bytes(b'x')
    meta = dict(Models=[
        dict(Name='here', Config='configs/a.py', Weights='w/b.pth'),
        dict(Name='cached-url', Config='configs/a.py',
             Weights='https://example.org/models/b.pth?x=1'),
        dict(Name='missing-url', Config='configs/a.py',
             Weights='https://example.org/models/c.pth'),
        dict(Name='missing-file', Config='configs/a.py', Weights='w/c.pth'),
        dict(Name='no-weights', Config='configs/a.py'),
    ])
    (tmp_path / 'configs' / 'metafile.yml').write_text(yaml.safe_dump(meta))
    (tmp_path / 'model-index.yml').write_text(
        yaml.safe_dump(dict(Import=['configs/metafile.yml'])))
    models = zoo_models(tmp_path / 'model-index.yml', [tmp_path / 'w'])
    got = {m.name: m for m in models}
    assert [m.name for m in models] == ['here', 'cached-url', 'missing-url',
                                        'missing-file']
    assert got['here'].weights == str(tmp_path / 'w/b.pth')
    assert got['here'].config == str(cfg)
    assert got['cached-url'].weights == str(tmp_path / 'w' / 'b.pth')
    assert not got['missing-url'].available
    assert 'nothing is downloaded' in got['missing-url'].reason
    assert 'w/c.pth is missing' in got['missing-file'].reason
