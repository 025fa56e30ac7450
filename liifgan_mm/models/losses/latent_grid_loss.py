"""An L1 on the part of the error locked to the latent grid (claim d).

The training-time side of :mod:`liifgan_mm.evaluation.latent_grid`: a
decoder that draws texture as a function of a query's offset from its
latent code repeats it in every latent cell (the "latent-grid pattern").
On an RGS patch the queries' offsets are known from their coordinates, at
any real-valued scale: :func:`latent_grid_l1` groups the error
``pred - gt`` by window (the whole patch by default) and by phase bin
(``bins x bins`` bins of the offset inside a cell), takes each group's mean,
removes the window's mean over its bins, and returns the mean absolute
value of what is left: the pattern, as the measure defines it, made
differentiable. Texture that does not follow the phase averages out of the
groups; only what repeats cell after cell is penalised.

Not in the paper: an option tried against the pattern
(``model.train_cfg.latent_grid_weight``, docs/cpu_recipe.md).
"""
import torch

__all__ = ['latent_grid_l1']


def latent_grid_l1(pred, target, coord, lr_size, bins=4, window=None):
    """Mean absolute phase-locked error of RGS patches.

    Args:
        pred (Tensor): ``[B, C, p, p]`` decoded patch.
        target (Tensor): ``[B, C, p, p]`` its GT.
        coord (Tensor): ``[B, p*p, 2]`` the queries' ``(y, x)`` in
            ``[-1, 1]``, row-major over the patch (``RandomGroupSampling``).
        lr_size (tuple[int, int]): the input's ``(h, w)``: cell ``k`` of it
            covers ``[-1 + 2k/h, -1 + 2(k+1)/h)``.
        bins (int): phase bins per axis.
        window (int, optional): window side in latent cells; None (default)
            takes the whole patch as one window. On the photo set's training
            patches the GPU run's LIIF-GAN file measures 2.6x its stage 2
            (which has no pattern) with the whole patch, 1.6x with windows of 16
            cells, 1.35x with 8: the pattern holds over a 48 px patch, and
            a larger window averages more of the texture out.

    Returns:
        Tensor: a scalar, in the units of ``pred``.
    """
    b, c = pred.shape[:2]
    err = (pred.float() - target.float()).flatten(2).transpose(1, 2)
    size = torch.tensor(lr_size, dtype=torch.float64, device=coord.device)
    pos = (coord.double() + 1) * size / 2  # in cells
    cell = pos.floor()
    phase = ((pos - cell) * bins).long().clamp_(0, bins - 1)
    win = (torch.zeros_like(cell) if window is None else
           torch.div(cell, window, rounding_mode='floor')).long()
    win = win - win.amin(dim=1, keepdim=True)
    nwy, nwx = (int(win[..., i].max()) + 1 for i in range(2))
    groups = nwy * nwx * bins * bins
    group = ((win[..., 0] * nwx + win[..., 1]) * bins
             + phase[..., 0]) * bins + phase[..., 1]
    group = group + torch.arange(b, device=group.device)[:, None] * groups
    group = group.flatten()
    sums = err.new_zeros(b * groups, c).index_add_(0, group, err.reshape(-1, c))
    counts = err.new_zeros(b * groups).index_add_(
        0, group, err.new_ones(group.shape[0]))
    mean = (sums / counts.clamp(min=1)[:, None]).view(
        b, nwy * nwx, bins * bins, c)
    valid = (counts > 0).to(err).view(b, nwy * nwx, bins * bins, 1)
    win_mean = (mean * valid).sum(2, keepdim=True) / valid.sum(
        2, keepdim=True).clamp(min=1)
    pattern = (mean - win_mean) * valid
    return pattern.abs().sum() / (valid.sum() * c).clamp(min=1)
