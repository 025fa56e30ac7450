"""mmagic's Image Super-Resolution inferencer on LIIF-GAN configs."""
import cv2
import numpy as np
import pytest

from tests.conftest import REPO

CFG = str(REPO / 'configs/liifgan/small/liifgan_edsr-c32b8_1xb8-750it_'
          'photos.py')
CKPT = str(REPO / 'checkpoints/photos-small/liifgan.pth')


@pytest.fixture(scope='module')
def inferencers(mm):
    # The set-up pins mediapipe 0.10.21 so that ``import mmagic.apis``
    # works: a failure here is a broken environment, never a skip.
    from mmagic.apis.inferencers import Inferencers
    return Inferencers


@pytest.fixture(scope='module')
def image(photo_dir, tmp_path_factory):
    path = tmp_path_factory.mktemp('inf') / 'coffee.png'
    cv2.imwrite(str(path), cv2.imread(str(photo_dir / 'coffee.png'))[:30, :41])
    return path


def _infer(inferencers, image, out, **kw):
    from liifgan_mm.apis import inference_config
    cfg = inference_config(CFG, **kw)
    sr = inferencers('Image Super-Resolution', config=cfg, ckpt=CKPT,
                     device='cpu')
    _, img = sr(img=str(image), result_out_dir=str(out))
    return img, cv2.imread(str(out))


@pytest.mark.parametrize('kw,shape', [(dict(scale=2.5), (75, 102)),
                                      (dict(scale=(3.2, 4.7)), (96, 193)),
                                      (dict(size='37x81'), (37, 81)),
                                      (dict(size=(50, 20)), (50, 20))])
def test_exact_sizes_and_same_output_as_the_tool(inferencers, image,
                                                 tmp_path, kw, shape):
    _, saved = _infer(inferencers, image, tmp_path / 'o.png', **kw)
    assert saved.shape == (*shape, 3)
    # same pixels as the upsampling tool's path (mmagic's test_step)
    from liifgan_mm.evaluation.image_io import load_image
    from liifgan_mm.evaluation.row_spec import RowSpec
    from liifgan_mm.evaluation.upsamplers import build_upsampler
    up = build_upsampler(RowSpec('m', CFG, CKPT))
    ref = np.clip(np.round(up(load_image(str(image)), shape)), 0, 255)
    assert np.abs(saved[..., ::-1].astype(int) - ref).max() == 0


def test_alpha_through_the_inferencer(inferencers, image, tmp_path):
    outs = {a: _infer(inferencers, image, tmp_path / f'{a}.png',
                      scale=(2, 3), alpha=a)[1].astype(int)
            for a in (0, 1)}
    _, default = _infer(inferencers, image, tmp_path / 'd.png', scale=(2, 3))
    assert np.array_equal(outs[1], default)
    assert np.abs(outs[0] - outs[1]).max() > 3


@pytest.mark.parametrize('kw,msg', [(dict(scale=0), 'positive finite'),
                                    (dict(scale=float('nan')),
                                     'positive finite'),
                                    (dict(size=(0, 5)), 'positive finite'),
                                    (dict(scale=2, size=(4, 4)),
                                     'exactly one'),
                                    (dict(scale=2, alpha=2), 'alpha')])
def test_bad_settings_refused(mm, kw, msg):
    from liifgan_mm.apis import inference_config
    with pytest.raises(ValueError, match=msg):
        cfg = inference_config(CFG, **kw)
        mm.MODELS.build(cfg.model)  # alpha is checked by the model


def test_absurd_size_refused_before_the_model_runs(inferencers, image,
                                                   tmp_path, monkeypatch):
    from liifgan_mm.models.editors.liifgan import LIIFGAN

    def boom(*a, **k):
        raise AssertionError('the model ran')

    monkeypatch.setattr(LIIFGAN, 'forward_tensor', boom)
    with pytest.raises(ValueError, match='over the limit'):
        _infer(inferencers, image, tmp_path / 'o.png', scale=5000)


def test_alpha_refused_without_decoder_2(mm):
    """The same rule as tools/upsample.py --alpha (apis.check_knobs)."""
    from liifgan_mm.apis import inference_config
    single = str(REPO / 'configs/liifgan/small/liif_edsr-c32b8_1xb8-2250it_'
                 'photos.py')
    with pytest.raises(ValueError, match='not a two-decoder'):
        inference_config(single, scale=2, alpha=0.5)
    assert inference_config(single, scale=2).model.type == 'LIIFGAN'


def test_precision_keyword(mm):
    from mmengine.config import Config

    from liifgan_mm.apis import check_knobs, inference_config
    cfg = inference_config(CFG, scale=2, precision='bf16')
    assert cfg.model.generator.head.precision == 'bf16'
    assert mm.MODELS.build(cfg.model).generator.head.precision == 'bf16'
    with pytest.raises(ValueError, match='precision must be one of'):
        mm.MODELS.build(inference_config(CFG, scale=2,
                                         precision='int8').model)
    stock = str(REPO / 'configs/liifgan/small/msrresnet_x4c32b8_1xb8-'
                '1500it_photos.py')
    with pytest.raises(ValueError, match='precision: .* not a LIIF-GAN'):
        check_knobs(Config.fromfile(stock), precision='bf16')
