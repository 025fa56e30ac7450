"""The latent-grid measure: a pattern locked to the input's pixels is
found at its amplitude, whatever its sign per window; noise, a shifted
pattern and a pattern of another period are not counted."""
import math

import numpy as np
import pytest

from liifgan_mm.evaluation.latent_grid import (energy_rms,
                                               latent_grid_energy)

H = 192


def _pattern(rng, s, rms, period=None, shift=0):
    """A zero-mean ``period`` x ``period`` tile of RMS ``rms`` (default
    period: ``s``), tiled over the image from ``shift``, its sign flipped
    at random per window of 8 x 8 cells (inside the measure's border)."""
    period = period or s
    tile = rng.normal(0, 1, (period, period))
    tile -= tile.mean()
    tile *= rms / np.sqrt(np.mean(tile ** 2))
    reps = H // period + 2
    pat = np.roll(np.tile(tile, (reps, reps)), shift, axis=(0, 1))[:H, :H]
    b, w = math.ceil((s + 6) / s) * s, 8 * s
    blocks = rng.choice([-1, 1], (H // w + 1, H // w + 1))
    sign = np.ones((H, H))
    sign[b:, b:] = np.kron(blocks, np.ones((w, w)))[:H - b, :H - b]
    return (pat * sign)[..., None]


@pytest.mark.parametrize('s', [2, 3, 4, 5, 7])
def test_pattern_on_the_grid_is_found_at_its_amplitude(s):
    rng = np.random.default_rng(s)
    gt = rng.uniform(0, 255, (H, H, 3))
    noise = rng.normal(0, 10, gt.shape)
    pred = gt + noise + _pattern(rng, s, 3.0)
    rms = energy_rms([latent_grid_energy(pred, gt, s)])
    assert rms == pytest.approx(3.0, rel=0.06)
    # noise alone: the floor is taken out (averaged over images, as tools
    # do; one image's estimate is within the noise of the floor)
    energies = [latent_grid_energy(gt + rng.normal(0, 10, gt.shape), gt, s)
                for _ in range(8)]
    assert energy_rms(energies) < 0.3
    # the same image, scale given as a float; and a period that is not
    # the scale's is (nearly) not counted
    assert latent_grid_energy(pred, gt, float(s)) == latent_grid_energy(
        pred, gt, s)
    other = gt + _pattern(rng, s, 3.0, period=s + 1)
    assert energy_rms([latent_grid_energy(other, gt, s)]) < 1.0


def test_bad_inputs_are_named():
    gt = np.zeros((64, 64, 3))
    with pytest.raises(ValueError, match='integer scale >= 2, got 4.5'):
        latent_grid_energy(gt, gt, 4.5)
    with pytest.raises(ValueError, match='differ'):
        latent_grid_energy(gt[:32], gt, 2)
    with pytest.raises(ValueError, match='no window of 8x8 cells at x7'):
        latent_grid_energy(gt, gt, 7)
    assert energy_rms([-0.5, 0.1]) == 0.0
