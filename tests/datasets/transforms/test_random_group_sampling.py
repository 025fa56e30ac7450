"""RGS: coordinates land on the GT values they claim, patch layout."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F

from liifgan_mm.datasets.transforms import RandomGroupSampling
from mmagic.datasets.transforms import RandomDownSampling
from mmagic.utils import make_coord


def _crop(rng, h=37, w=53):
    return rng.integers(0, 256, (h, w, 3)).astype(np.uint8)


def test_integer_origin_copies_crop_pixels(rng):
    gt = _crop(rng)
    out = RandomGroupSampling(patch_size=16, subpixel=False)(
        dict(gt=gt, img=np.zeros((16, 16, 3))))
    oy, ox = out['rgs_origin']
    assert isinstance(oy, int) and isinstance(ox, int)
    np.testing.assert_array_equal(out['gt'], gt[oy:oy + 16, ox:ox + 16])
    # the coordinates are exactly those pixels' centres (make_coord)
    full = make_coord(gt.shape[:2], flatten=False)
    expect = full[oy:oy + 16, ox:ox + 16].reshape(-1, 2)
    torch.testing.assert_close(out['coord'], expect, rtol=0, atol=1e-6)
    torch.testing.assert_close(
        out['cell'], torch.tensor([2 / 37, 2 / 53]).expand(256, 2))


def test_subpixel_values_are_bilinear_samples_at_the_coordinates(rng):
    gt = _crop(rng).astype(np.float32)
    out = RandomGroupSampling(patch_size=12, subpixel=True)(
        dict(gt=gt, img=np.zeros((12, 12, 3))))
    oy, ox = out['rgs_origin']
    assert oy != int(oy) and ox != int(ox)  # real-valued origin
    # independent check: grid_sample (align_corners=False) at the coords
    src = torch.from_numpy(gt).permute(2, 0, 1)[None]
    grid = out['coord'].flip(-1).view(1, 12, 12, 2)
    ref = F.grid_sample(src, grid, mode='bilinear', align_corners=False)
    np.testing.assert_allclose(
        out['gt'], ref[0].permute(1, 2, 0).numpy(), rtol=0, atol=1e-3)


@pytest.mark.parametrize('scale', [1.0, 2.7, 3.99])
def test_after_random_down_sampling_at_real_scales(rng, scale):
    img = _crop(rng, 240, 240)
    res = RandomDownSampling(scale_min=scale, scale_max=scale,
                             patch_size=24)(dict(gt=img))
    out = RandomGroupSampling()(res)  # p = input size
    assert out['img'].shape[:2] == (24, 24)
    assert out['gt'].shape == (24, 24, 3) and out['gt'].dtype == np.float32
    assert out['coord'].shape == (24 * 24, 2)
    # row-major layout: a [p*p, 3] prediction views into [p, p, 3]
    grid = out['coord'].view(24, 24, 2)
    assert (grid[1:, :, 0] > grid[:-1, :, 0]).all()
    assert (grid[:, 1:, 1] > grid[:, :-1, 1]).all()
    assert out['coord'].abs().max() < 1


def test_rejects_patch_larger_than_crop(rng):
    with pytest.raises(ValueError, match='larger than the GT crop'):
        RandomGroupSampling(patch_size=40)(
            dict(gt=_crop(rng), img=np.zeros((40, 40, 3))))
