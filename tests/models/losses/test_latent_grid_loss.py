"""latent_grid_l1: the phase-locked part of an RGS patch's error, in value
and gradient, at integer and real-valued scales."""
import math

import pytest
import torch

from liifgan_mm.models.losses.latent_grid_loss import latent_grid_l1


def _patch_coords(lr, scale, p, oy=3, ox=5):
    """``[1, p*p, 2]`` RGS coordinates (integer origin in a GT of
    ``round(lr * scale)`` pixels) and the phase of each in its latent
    cell, ``[p, p, 2]`` in [0, 1)."""
    big = round(lr * scale)
    ys = -1 + (2 * (oy + torch.arange(p, dtype=torch.float64)) + 1) / big
    xs = -1 + (2 * (ox + torch.arange(p, dtype=torch.float64)) + 1) / big
    yy, xx = torch.meshgrid(ys, xs, indexing='ij')
    coord = torch.stack([yy, xx], -1)
    pos = (coord + 1) * lr / 2
    return coord.reshape(1, -1, 2).float(), pos - pos.floor()


@pytest.mark.parametrize('scale', [4, 2.7])
def test_a_phase_locked_pattern_is_measured_and_texture_is_not(scale):
    lr, p = 24, 48
    coord, phase = _patch_coords(lr, scale, p)
    gt = torch.rand(1, 3, p, p)
    # a pattern that depends on the phase only: +a in the left half of
    # every cell, -a in the right half (4 bins: two at +a, two at -a)
    a = 0.05
    pattern = torch.where(phase[..., 1] < 0.5, a, -a).float()
    pred = gt + pattern.expand(1, 3, p, p)
    loss = latent_grid_l1(pred, gt, coord, (lr, lr))
    torch.testing.assert_close(loss, torch.tensor(a), rtol=0.08, atol=0)
    # a constant offset is no pattern; neither is texture that ignores
    # the phase (its bin means are ~ equal: a fraction of the pattern's)
    torch.testing.assert_close(
        latent_grid_l1(gt + 0.3, gt, coord, (lr, lr)), torch.tensor(0.),
        atol=1e-6, rtol=0)
    torch.manual_seed(0)
    noise = latent_grid_l1(gt + 0.05 * torch.randn(1, 3, p, p), gt, coord,
                           (lr, lr))
    assert noise < a / 5


def test_windows_follow_content_and_gradient_undoes_the_pattern():
    """With windows, a pattern whose sign flips between two halves of the
    patch is measured; on the whole patch it cancels. One gradient step
    on the loss shrinks the pattern itself."""
    lr, p, scale = 32, 64, 4
    coord, phase = _patch_coords(lr, scale, p, oy=0, ox=0)
    gt = torch.zeros(1, 1, p, p)
    base = torch.where(phase[..., 1] < 0.5, 1., -1.).float()
    sign = torch.ones(p, p)
    sign[:, p // 2:] = -1  # the right half (8 cells) has the other sign
    pred = (gt + 0.1 * base * sign).requires_grad_()
    whole = latent_grid_l1(pred, gt, coord, (lr, lr))
    windows = latent_grid_l1(pred, gt, coord, (lr, lr), window=8)
    assert whole < 1e-6 and math.isclose(windows.item(), 0.1, rel_tol=1e-5)
    windows.backward()
    step = pred - 0.5 * pred.grad / pred.grad.abs().max() * 0.1
    assert latent_grid_l1(step, gt, coord, (lr, lr), window=8) < 0.06
