"""Output-size forms: validation, FixedScaleDownSampling, SetOutputSize."""
import math

import numpy as np
import pytest


def test_output_size_forms():
    from liifgan_mm.utils.output_size import output_size, scale_tag
    assert output_size((30, 41), scale=2.5) == (75, 102)
    assert output_size((30, 41), scale=(3.2, 4.7)) == (96, 193)
    assert output_size((30, 41), size='37x81') == (37, 81)
    assert output_size((30, 41), size=(37, 81)) == (37, 81)
    assert scale_tag(scale=4) == 'x4' and scale_tag(scale=4.5) == 'x4.5'
    assert scale_tag(scale=(3.2, 4.7)) == 'x3.2x4.7'
    assert scale_tag(scale=(2, 2)) == 'x2'
    assert scale_tag(size=(512, 768)) == '512x768'


@pytest.mark.parametrize('kw,msg', [
    (dict(scale=0), 'positive finite'), (dict(scale=-1), 'positive finite'),
    (dict(scale=math.nan), 'positive finite'),
    (dict(scale=math.inf), 'positive finite'),
    (dict(scale=(2, 0)), 'positive finite'),
    (dict(scale=(1, 2, 3)), 'one number or'),
    (dict(scale='abc'), 'must be a number'),
    (dict(scale='3x4'), 'must be a number'),
    (dict(scale=0.01), 'empty'),
    (dict(size=(0, 4)), 'positive finite'),
    (dict(size=(4.5, 4)), 'whole number'), (dict(size='12'), 'HxW'),
    (dict(scale=1e5), 'over the limit'),
    (dict(size=(20000, 20000)), 'over the limit'),
    (dict(), 'exactly one'), (dict(scale=2, size=(3, 3)), 'exactly one'),
])
def test_bad_sizes_refused(kw, msg):
    from liifgan_mm.utils.output_size import output_size
    with pytest.raises(ValueError, match=msg):
        output_size((30, 41), **kw)


@pytest.mark.parametrize('scale', [2, 4.5, 3.7])
def test_fixed_scale_equals_mmagic_random_down_sampling(mm, rng, scale):
    gt = rng.integers(0, 255, (97, 83, 3), np.uint8)
    ours = mm.TRANSFORMS.build(dict(type='FixedScaleDownSampling',
                                    scale=scale))(dict(gt=gt.copy()))
    ref = mm.TRANSFORMS.build(dict(type='RandomDownSampling',
                                   scale_min=scale, scale_max=scale))(
                                       dict(gt=gt.copy()))
    assert np.array_equal(ours['gt'], ref['gt'])
    assert np.array_equal(ours['img'], ref['img'])
    assert ours['scale'] == ref['scale'] == scale


def test_fixed_scale_per_axis(mm, rng):
    gt = rng.integers(0, 255, (97, 83, 3), np.uint8)
    out = mm.TRANSFORMS.build(dict(type='FixedScaleDownSampling',
                                   scale=(3.2, 4.7)))(dict(gt=gt))
    h, w = math.floor(97 / 3.2), math.floor(83 / 4.7)  # 30, 17
    assert out['img'].shape == (h, w, 3)
    assert out['gt'].shape == (round(h * 3.2), round(w * 4.7), 3)
    assert out['scale'] == (3.2, 4.7)
    with pytest.raises(ValueError, match='too small'):
        mm.TRANSFORMS.build(dict(type='FixedScaleDownSampling', scale=200))(
            dict(gt=gt, gt_path='a.png'))


def test_set_output_size(mm):
    img = np.zeros((30, 41, 3), np.uint8)
    for kw, size in ((dict(scale=2.5), (75, 102)),
                     (dict(scale=(3.2, 4.7)), (96, 193)),
                     (dict(size=(37, 81)), (37, 81))):
        t = mm.TRANSFORMS.build(dict(type='SetOutputSize', **kw))
        assert t(dict(img=img))['target_size'] == size
    with pytest.raises(ValueError, match='exactly one'):
        mm.TRANSFORMS.build(dict(type='SetOutputSize'))
    with pytest.raises(ValueError, match='over the limit'):
        mm.TRANSFORMS.build(dict(type='SetOutputSize', scale=4,
                                 max_pixels=100))(dict(img=img))
