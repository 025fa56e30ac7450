"""How strong a pattern on the latent grid is: claim (d) as a number.

LIIF decodes an output pixel from the latent codes nearest to it and its
offset from them. A decoder that invents texture as a function of that
offset repeats the same texture in every latent cell wherever neighbouring
codes are alike: a grid of period ``s`` output pixels at scale ``s``,
locked to the input's pixels (the crop grid's "latent-grid pattern").

:func:`latent_grid_energy` measures it on the error ``pred - gt``. The GT is
cropped top-left to ``h * s`` rows (LIIF's DIV2K protocol), so input pixel
``k`` covers output pixels ``[k s, (k + 1) s)`` and the phase of output
pixel ``i`` is ``i mod s``. In windows of ``window x window`` cells the
error is averaged per phase ``(i mod s, j mod s)``; what varies with the
phase (the window's mean taken out) is the pattern. Its mean square over
windows, less what noise alone gives (each phase mean averages
``window**2`` pixels: the within-phase variance over ``window**2``), is the
pattern's energy (:func:`latent_grid_energy`, in squared 8-bit levels;
near 0, of either sign, for an error with no part locked to the grid).
Averaged over images, its root (:func:`energy_rms`) is the pattern's RMS in
8-bit levels. Windows, not the whole image, because the pattern's sign
and colour follow the content. On real photos bicubic and an L1 model
measure above 0 too (GT content already locked to the pixel grid): read a
model's number against theirs.

Integer scales only (a non-integer period does not fold onto whole
pixels). A border of whole cells covering ``s + 6`` pixels is left out,
as PSNR shaves it.
"""
import math

import numpy as np

WINDOW = 8  # latent cells per window side


def energy_rms(energies):
    """The pattern's RMS (8-bit levels) from per-image energies: the root
    of their mean (0 when noise leaves the mean below 0)."""
    return float(math.sqrt(max(0.0, float(np.mean(energies)))))


def latent_grid_energy(pred, gt, scale, window=WINDOW):
    """Mean square (8-bit levels squared, noise floor taken out) of the
    part of ``pred - gt`` that repeats on the latent grid.

    Args:
        pred (np.ndarray): ``[H, W, C]`` prediction in ``[0, 255]``.
        gt (np.ndarray): ``[H, W, C]`` GT, same size.
        scale (int | float): the integer upsampling scale ``s``.
        window (int): window side in latent cells.

    Returns:
        float: the pattern's energy; may be slightly below 0 where there
        is none (the noise floor is an estimate).

    Raises:
        ValueError: a non-integer scale, sizes that differ, or an image
            with no whole window inside the border.
    """
    s = int(round(scale))
    if s < 2 or abs(scale - s) > 1e-9:
        raise ValueError(f'the latent-grid measure needs an integer scale '
                         f'>= 2, got {scale}')
    if pred.shape != gt.shape:
        raise ValueError(f'pred {pred.shape} and gt {gt.shape} differ')
    err = pred.astype(np.float64) - gt.astype(np.float64)
    if err.ndim == 2:
        err = err[..., None]
    cells = math.ceil((s + 6) / s)  # the shaved border, in whole cells
    h, w = (err.shape[0] // s - 2 * cells, err.shape[1] // s - 2 * cells)
    nh, nw = h // window, w // window
    if nh < 1 or nw < 1:
        raise ValueError(f'a {err.shape[1]}x{err.shape[0]} image has no '
                         f'window of {window}x{window} cells at x{s} inside '
                         'its border')
    b = cells * s
    err = err[b:b + nh * window * s, b:b + nw * window * s]
    # [nh, window, s, nw, window, s, C]: window, cell in it, phase
    err = err.reshape(nh, window, s, nw, window, s, err.shape[-1])
    phase_mean = err.mean(axis=(1, 4))  # [nh, s, nw, s, C]
    pattern = phase_mean - phase_mean.mean(axis=(1, 3), keepdims=True)
    energy = np.mean(pattern ** 2)
    noise = np.mean(err.var(axis=(1, 4), ddof=1)) / window ** 2
    noise *= 1 - 1 / s ** 2  # the window mean taken out removes a share
    return float(energy - noise)
