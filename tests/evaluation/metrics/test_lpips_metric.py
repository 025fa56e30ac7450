"""The LPIPS metric: mmagic's sample-wise metric API, equal to lpips.LPIPS
computed directly with the same weights."""
import cv2
import numpy as np
import pytest
import torch

NAMES = ('I03', 'I04', 'I06', 'I08', 'I19')


pytestmark = pytest.mark.usefixtures('offline_env')


@pytest.fixture(scope='module')
def bgr_pairs(assets_dir):
    """{name: (gt, pred)}: (3, 96, 128) BGR float tensors in [0, 255], as
    mmagic hands them to evaluators in test mode (centre crops)."""
    root = assets_dir / 'ResultsCalibra'

    def read(path):
        img = cv2.imread(str(path))[144:240, 192:320]  # BGR, HWC, uint8
        return torch.from_numpy(np.ascontiguousarray(img)).permute(2, 0, 1) \
            .float()

    return {n: (read(root / 'ref_dir' / f'{n}.bmp'),
                read(root / 'dist_dir' / f'{n}.bmp')) for n in NAMES}


@pytest.fixture(scope='module')
def reference(bgr_pairs):
    """lpips.LPIPS (alex, v0.1) run directly on the RGB [-1, 1] images."""
    from liifgan_mm.weights import build_lpips
    model = build_lpips('alex')
    out = {}
    with torch.no_grad():
        for name, (gt, pred) in bgr_pairs.items():
            rgb = [t.flip(0)[None] / 255. * 2 - 1 for t in (gt, pred)]
            out[name] = model(rgb[1], rgb[0]).item()
    return out


def samples(pairs):
    return [dict(gt_img=gt, output=dict(pred_img=pred)) for gt, pred in pairs]


def test_registered(mm):
    from mmagic.evaluation.metrics.base_sample_wise_metric import \
        BaseSampleWiseMetric

    from liifgan_mm.evaluation.metrics import LPIPS
    assert mm.METRICS.get('LPIPS') is LPIPS
    assert issubclass(LPIPS, BaseSampleWiseMetric)


def test_equals_direct_lpips(mm, bgr_pairs, reference):
    metric = mm.METRICS.build(dict(type='LPIPS'))
    pairs = [bgr_pairs[n] for n in NAMES]
    metric.process([{}] * 3, samples(pairs[:3]))  # batched: equal sizes
    metric.process([{}] * 2, samples(pairs[3:]))
    got = [r['LPIPS'] for r in metric.results]
    want = [reference[n] for n in NAMES]
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-6)
    gt, pred = bgr_pairs['I08']  # one image, PSNR-style API
    assert metric.process_image(gt, pred) == pytest.approx(reference['I08'],
                                                           abs=1e-6)
    result = metric.compute_metrics(metric.results)
    assert result['LPIPS'] == pytest.approx(np.mean(want), abs=1e-6)
    metric.size = len(NAMES)  # as prepare() sets it from the dataloader
    assert metric.evaluate()['LPIPS'] == pytest.approx(np.mean(want),
                                                       abs=1e-6)


def test_mixed_sizes_and_prefix(mm, bgr_pairs, reference):
    metric = mm.METRICS.build(dict(type='LPIPS', prefix='val'))
    gt, pred = bgr_pairs['I03']
    small = tuple(t[:, :64, :64] for t in bgr_pairs['I19'])
    metric.process([{}] * 2, samples([(gt, pred), small]))
    assert metric.results[0]['LPIPS'] == pytest.approx(reference['I03'],
                                                       abs=1e-6)
    metric.size = 2
    assert set(metric.evaluate()) == {'val/LPIPS'}


def test_rgb_hwc_numpy_and_video(mm, bgr_pairs, reference):
    gt, pred = bgr_pairs['I04']
    rgb_hwc = [t.flip(0).permute(1, 2, 0).numpy() for t in (gt, pred)]
    metric = mm.METRICS.build(dict(type='LPIPS', channel_order='RGB',
                                   input_order='HWC'))
    metric.process([{}], samples([tuple(rgb_hwc)]))
    assert metric.results[0]['LPIPS'] == pytest.approx(reference['I04'],
                                                       abs=1e-6)
    # (T, C, H, W) sequences: mean over frames, like mmagic's PSNR
    video = mm.METRICS.build(dict(type='LPIPS'))
    g2, p2 = bgr_pairs['I06']
    video.process([{}], samples([(torch.stack([gt, g2]),
                                  torch.stack([pred, p2]))]))
    assert video.results[0]['LPIPS'] == pytest.approx(
        (reference['I04'] + reference['I06']) / 2, abs=1e-6)


def test_identical_images_and_lazy_single_build(mm, bgr_pairs):
    metric = mm.METRICS.build(dict(type='LPIPS'))
    assert metric._lpips is None  # nothing built before the first batch
    gt, _ = bgr_pairs['I08']
    metric.process([{}], samples([(gt, gt.clone())]))
    model = metric._lpips
    metric.process([{}], samples([(gt, gt.clone())]))
    assert metric._lpips is model
    assert metric.results[0]['LPIPS'] == pytest.approx(0, abs=1e-7)
    assert next(model.parameters()).device.type == 'cpu'


def test_vgg_option(mm, bgr_pairs):
    metric = mm.METRICS.build(dict(type='LPIPS', net='vgg'))
    gt, pred = (t[:, :64, :64] for t in bgr_pairs['I19'])
    metric.process([{}], samples([(gt, pred)]))
    assert metric._lpips.pnet_type == 'vgg'
    assert 0 < metric.results[0]['LPIPS'] < 1


def test_through_evaluator_with_data_samples(mm, bgr_pairs, reference):
    """mmagic DataSample outputs, as val_step returns them, through
    mmengine's Evaluator (which turns them into dicts), next to PSNR."""
    from mmagic.structures import DataSample
    from mmengine.evaluator import Evaluator
    evaluator = Evaluator([dict(type='LPIPS'), dict(type='PSNR')])
    outputs = []
    for name in ('I03', 'I19'):
        gt, pred = bgr_pairs[name]
        sample = DataSample(gt_img=gt)
        sample.output = DataSample(pred_img=pred)
        outputs.append(sample)
    evaluator.process(outputs, dict(inputs=None))
    lpips_metric = evaluator.metrics[0]
    lpips_metric.size = 2
    assert lpips_metric.evaluate()['LPIPS'] == pytest.approx(
        (reference['I03'] + reference['I19']) / 2, abs=1e-6)
