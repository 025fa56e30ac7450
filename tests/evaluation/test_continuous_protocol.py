"""Input/GT making and the fixed-scale protocol, against the configs."""
import math

import numpy as np
import pytest
from mmengine.config import Config
from PIL import Image

from liifgan_mm.evaluation import continuous_protocol as P
from tests.conftest import REPO

NON_INTEGER = [s for s in P.PAPER_SCALES if s != int(s)]


def _photo(rng, h=143, w=131):
    return rng.integers(0, 256, (h, w, 3), dtype=np.uint8)


@pytest.mark.parametrize('scale', P.PAPER_SCALES)
def test_div2k_pair_is_liifs_protocol(rng, scale):
    img = _photo(rng)
    lr, gt = P.div2k_pair(img, scale)
    h, w = math.floor(143 / scale), math.floor(131 / scale)
    assert lr.shape == (h, w, 3) and lr.dtype == np.uint8
    assert gt.shape == (round(h * scale), round(w * scale), 3)
    np.testing.assert_array_equal(gt, img[:gt.shape[0], :gt.shape[1]])
    # PIL's antialiased bicubic of the cropped GT
    ref = np.asarray(Image.fromarray(gt).resize((w, h), Image.BICUBIC))
    np.testing.assert_array_equal(lr, ref)


@pytest.mark.parametrize('scale', [2, 4.5, 7])
def test_celebahq_pair_sizes_and_source(rng, scale):
    img = _photo(rng, 256, 256)
    lr, gt = P.celebahq_pair(img, scale)
    assert lr.shape == (64, 64, 3)
    assert gt.shape == (round(64 * scale),) * 2 + (3,)
    pil = Image.fromarray(img)
    np.testing.assert_array_equal(
        lr, np.asarray(pil.resize((64, 64), Image.BICUBIC)))
    np.testing.assert_array_equal(
        gt, np.asarray(pil.resize(gt.shape[1::-1], Image.BICUBIC)))


def test_crop_border():
    assert [P.crop_border('div2k', s) for s in P.PAPER_SCALES] == \
        [8, 9, 10, 11, 11, 12, 12, 13, 13]
    assert P.crop_border('celebahq', 4.5) == 0
    with pytest.raises(ValueError):
        P.crop_border('set5', 2)


def test_scale_names_match_reference_columns():
    names = [P.scale_name(s) for s in P.PAPER_SCALES]
    assert names == 'x2,x3,x4,x4.5,x5,x5.5,x6,x6.5,x7'.split(',')


@pytest.mark.parametrize('protocol,size', [('div2k', (131, 117)),
                                           ('div2k', (2040, 1356)),
                                           ('celebahq', (1024, 1024))])
@pytest.mark.parametrize('scale', NON_INTEGER)
def test_fixed_scale_protocol_sizes(protocol, size, scale):
    """Input resized to round(target / 4), x4, then exactly the target."""
    img = np.zeros(size + (3,), np.uint8)
    lr, gt = P.make_pair(protocol, img, scale)
    target = gt.shape[:2]
    seen = []

    def x4(x):
        seen.append(x.shape[:2])
        return np.repeat(np.repeat(x, 4, 0), 4, 1).astype(np.float32)

    out = P.fixed_scale_upsample(lr, target, x4)
    mid = tuple(round(t / 4) for t in target)
    assert seen == [mid]
    assert out.shape[:2] == target
    if protocol == 'celebahq':  # 64 s is a multiple of 4: no final resize
        assert mid == (16 * scale,) * 2


def test_fixed_scale_protocol_keeps_integer_case_exact(rng):
    lr = rng.integers(0, 256, (20, 30, 3), dtype=np.uint8)

    def x4(x):
        return np.repeat(np.repeat(x, 4, 0), 4, 1).astype(np.float32)

    out = P.fixed_scale_upsample(lr, (80, 120), x4)
    np.testing.assert_array_equal(out, x4(lr))  # no resize at all at x4
    with pytest.raises(ValueError, match='x4 model gave'):
        P.fixed_scale_upsample(lr, (80, 120), lambda x: x.astype(float))


def test_bicubic_resize_float_matches_uint8(photo_dir):
    # smooth content: PIL's uint8 path clips between its two passes
    from liifgan_mm.evaluation.image_io import load_image
    img = load_image(str(photo_dir / 'coffee.png'))[:30, :40]
    a = P.bicubic_resize(img, (45, 60))
    b = P.bicubic_resize(img.astype(np.float32), (45, 60))
    assert a.dtype == np.uint8 and b.dtype == np.float32
    assert np.abs(a - np.clip(b, 0, 255).round()).max() <= 1


def _config_pipeline(mm, path, index):
    from mmcv.transforms import Compose
    cfg = Config.fromfile(REPO / path)
    return Compose(cfg.test_dataloader[index].dataset.pipeline)


@pytest.mark.parametrize('protocol,config', [
    ('div2k', 'configs/liifgan/liifgan_edsr-c64b16_1xb128-125k_div2k.py'),
    ('celebahq',
     'configs/liifgan/liifgan_edsr-c64b16_1xb128-781k_celebahq.py')])
def test_config_test_pipelines_make_the_same_pairs(mm, photo_dir, protocol,
                                                   config):
    """The 9-scale test configs and the benchmark tool see equal pairs."""
    from liifgan_mm.evaluation.image_io import load_image
    cfg = Config.fromfile(REPO / config)
    assert [d.dataset.pipeline[-1].type for d in cfg.test_dataloader] == \
        ['PackInputs'] * 9
    path = str(photo_dir / 'coffee.png')
    for index in (1, 3):  # x3, x4.5
        scale = P.PAPER_SCALES[index]
        packed = _config_pipeline(mm, config, index)(dict(
            img_path=path, gt_path=path))
        lr, gt = P.make_pair(protocol, load_image(path), scale)
        np.testing.assert_array_equal(
            packed['inputs'].numpy().transpose(1, 2, 0), lr)
        np.testing.assert_array_equal(
            packed['data_samples'].gt_img.numpy().transpose(1, 2, 0), gt)


@pytest.mark.parametrize('protocol,config', [
    ('div2k', 'configs/liifgan/liifgan-s_edsr-c64b16_1xb128-125k_div2k.py'),
    ('celebahq',
     'configs/liifgan/liifgan-sf_edsr-c64b16_1xb128-781k_celebahq.py')])
def test_config_test_metrics(protocol, config):
    """PSNR/SSIM with the protocol's border, LPIPS on the full image."""
    cfg = Config.fromfile(REPO / config)
    assert cfg.test_cfg.type == 'MultiTestLoop'
    for scale, metrics in zip(P.PAPER_SCALES, cfg.test_evaluator):
        # metric names carry the data set, as mmagic's LIIF (DIV2Kx4/PSNR)
        prefix = {'div2k': 'DIV2K', 'celebahq': 'CelebAHQ'}[protocol] + \
            P.scale_name(scale)
        assert [(m.type, m.prefix) for m in metrics] == [
            ('PSNR', prefix), ('SSIM', prefix), ('LPIPS', prefix)]
        border = P.crop_border(protocol, scale)
        assert metrics[0].crop_border == metrics[1].crop_border == border
        assert metrics[2].get('crop_border', 0) == 0


@pytest.mark.parametrize('variant', ['', '-s', '-sf'])
def test_celebahq_training_target_is_the_test_target(mm, variant):
    """The training pipeline's 256-px image (before cropping) equals the
    test protocol's x4 target of the same 1024-px source: both PIL bicubic,
    antialiased. Also LIIF's CelebA-HQ augmentation (h/v flip, transpose)."""
    from mmcv.transforms import Compose
    from skimage import data
    cfg = Config.fromfile(
        REPO / f'configs/liifgan/liifgan{variant}_edsr-c64b16_1xb128-781k_celebahq.py')
    pipe = cfg.train_dataloader.dataset.pipeline
    src = np.ascontiguousarray(np.tile(data.astronaut(), (2, 2, 1)))  # 1024
    train = Compose(pipe[1:2])(dict(gt=src.copy()))['gt']
    _, test_gt = P.make_pair('celebahq', src, 4)
    assert train.shape == test_gt.shape == (256, 256, 3)
    np.testing.assert_array_equal(train, test_gt)
    augs = [(t.type, t.get('direction')) for t in pipe]
    assert ('Flip', 'horizontal') in augs and ('Flip', 'vertical') in augs
    assert ('RandomTransposeHW', None) in augs
