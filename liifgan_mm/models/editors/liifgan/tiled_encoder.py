"""Tiled encoding: features of any window of the input, computed on demand.

EDSR's receptive field is finite: a latent of the last feature depends on
the input pixels within ``R`` latents of it, ``R`` = the sum of its convs'
reaches (``k // 2 * dilation``: 1 for ``conv_first``, 2 per residual block,
1 for ``conv_after_body``; 34 for 16 blocks). So the features of a window
``ys x xs`` are those of the input window grown by ``R`` on each side
(clipped at the image border, where the zero padding is the whole image's),
cropped back: exactly the whole image's features, up to float rounding of
different conv sizes.

:class:`TiledFeatures` hands the decoder (:func:`~.grid_query.predict_grid`)
objects that look like the ``[B, C, h, w]`` feature maps and encode the
window asked for when sliced. The grid decoder asks for one tile (plus its
1-latent halo) at a time, so peak memory is set by the tile, not the input:
the full feature maps never exist.
"""
import torch
import torch.nn as nn


def receptive_radius(*modules):
    """``R``: how many latents away an output of the chained ``modules``
    can see, the sum of their convs' ``k // 2 * dilation`` (exact for
    plain and residual conv chains such as EDSR)."""
    radius = 0
    for mod in modules:
        for m in mod.modules():
            if isinstance(m, nn.Conv2d):
                k, d = m.kernel_size, m.dilation
                radius += max(k[0] // 2 * d[0], k[1] // 2 * d[1])
    return radius


class TiledFeatures:
    """The encoder's features, computed window by window.

    Args:
        encode (callable): ``[B, 3, h', w'] -> tuple`` of ``[B, C, h', w']``
            features (e.g. ``LIIFGANEDSRNet.gen_features``).
        x (Tensor): ``[B, 3, h, w]`` whole (normalised) input.
        channels (int): ``C``.
        radius (int): the encoder's receptive radius ``R`` in latents
            (:func:`receptive_radius`).
        n_out (int): number of features ``encode`` returns.

    The last window's features are kept, so the two decoders' features of
    one tile cost one encoder pass; :attr:`views` are the per-feature
    stand-ins.
    """

    def __init__(self, encode, x, channels, radius, n_out=2):
        self.encode, self.x, self.radius = encode, x, radius
        b, _, h, w = x.shape
        self.shape = torch.Size((b, channels, h, w))
        self.device, self.dtype = x.device, x.dtype
        self._key, self._feats = None, None
        self.encoded_pixels = 0  # input pixels encoded (halos included)
        self.views = [_FeatureView(self, i) for i in range(n_out)]

    def window(self, ys, xs):
        """All features on latent rows ``ys`` x columns ``xs`` (``range``s
        within the image): a tuple of ``[B, C, len(ys), len(xs)]``."""
        key = (ys.start, ys.stop, xs.start, xs.stop)
        if key != self._key:
            _, _, h, w = self.shape
            r = self.radius
            y0, y1 = max(ys.start - r, 0), min(ys.stop + r, h)
            x0, x1 = max(xs.start - r, 0), min(xs.stop + r, w)
            self._feats = None  # free the previous tile first
            feats = self.encode(self.x[:, :, y0:y1, x0:x1])
            self.encoded_pixels += (y1 - y0) * (x1 - x0)
            self._feats = tuple(
                f[:, :, ys.start - y0:ys.stop - y0, xs.start - x0:xs.stop - x0]
                for f in feats)
            self._key = key
        return self._feats


class _FeatureView:
    """Feature ``index`` of a :class:`TiledFeatures`, as a lazy
    ``[B, C, h, w]`` map: ``view[:, :, ys, xs]`` (step-1 slices) encodes
    that window."""

    def __init__(self, source, index):
        self.source, self.index = source, index
        self.shape, self.device = source.shape, source.device
        self.dtype = source.dtype

    def __getitem__(self, key):
        if (not isinstance(key, tuple) or len(key) != 4
                or any(k != slice(None) for k in key[:2])):
            raise IndexError('lazy features are sliced as [:, :, ys, xs]')
        ys, xs = (range(*k.indices(n))
                  for k, n in zip(key[2:], self.shape[2:]))
        if ys.step != 1 or xs.step != 1 or not len(ys) or not len(xs):
            raise IndexError('lazy features take non-empty step-1 slices')
        return self.source.window(ys, xs)[self.index]
