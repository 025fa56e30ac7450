"""How the input and the GT are made for continuous-scale SR tests.

Images here are ``np.ndarray`` ``[H, W, 3]`` RGB, ``uint8`` unless stated.

Protocols (paper Sec. 4.2, LIIF's evaluation; the test configs in
``configs/liifgan/_base_/`` build the very same mmagic transforms):

``div2k``
    A folder of GT images (DIV2K_valid_HR). For a scale ``s``:
    ``h = floor(H / s)``, ``w = floor(W / s)``; the GT is cropped (top-left)
    to ``round(h s) x round(w s)`` so both sizes are integers, and the input
    is the GT bicubic-downsampled (PIL, antialiased) to ``h x w``. This is
    the test configs' transform, :class:`~liifgan_mm.datasets.transforms.
    FixedScaleDownSampling` (= mmagic's ``RandomDownSampling(scale_min=s,
    scale_max=s)``, tested), called here. PSNR/SSIM on
    RGB with ``ceil(s) + 6`` border pixels shaved (LIIF's DIV2K rule
    ``scale + 6``, rounded up for non-integer scales).
``celebahq``
    A folder of CelebA-HQ images (1024 px). Input: the image bicubic-resized
    (PIL) to ``64 x 64``; GT: the image bicubic-resized to
    ``round(64 s) x round(64 s)``, both from the original, as LIIF's
    pre-resized CelebA-HQ folders. PSNR/SSIM on RGB over the whole image
    (LIIF shaves nothing for CelebA-HQ).

Fixed-scale models (EDSR/ESRGAN/Real-ESRGAN x4) follow the paper: the input
is bicubic-resized to ``target / 4`` and then super-resolved x4. When
``target / 4`` is not an integer the input goes to ``round(target / 4)``
and the x4 output is bicubic-resized to the target (a ratio within
``4 / target`` of 1), so prediction and GT cover the same image extent.
Following Table 1, they are not evaluated below their own scale (N/A).
"""
import math

import mmcv
import numpy as np
from mmagic.datasets.transforms import Resize
from PIL import Image

from liifgan_mm.datasets.transforms import FixedScaleDownSampling

PROTOCOLS = ('div2k', 'celebahq')
PAPER_SCALES = (2, 3, 4, 4.5, 5, 5.5, 6, 6.5, 7)
CELEBAHQ_INPUT_SIZE = 64


def scale_name(scale):
    """``2 -> 'x2'``, ``4.5 -> 'x4.5'`` (the reference CSVs' columns)."""
    return f'x{float(scale):g}'


def crop_border(protocol, scale):
    """Border (px) shaved before PSNR/SSIM: ``ceil(s) + 6`` for DIV2K, 0
    for CelebA-HQ."""
    check_protocol(protocol)
    return math.ceil(scale - 1e-9) + 6 if protocol == 'div2k' else 0


def check_protocol(protocol):
    if protocol not in PROTOCOLS:
        raise ValueError(f'protocol must be one of {PROTOCOLS}: {protocol}')


def div2k_pair(gt, scale):
    """LIIF's DIV2K pair, by the test configs' ``FixedScaleDownSampling``.

    Args:
        gt (np.ndarray): ``[H, W, 3]`` uint8 GT.
        scale (float | tuple[float, float]): upsampling scale ``s`` (or
            ``(sh, sw)``).

    Returns:
        tuple[np.ndarray, np.ndarray]: input ``[floor(H/s), floor(W/s), 3]``
        and GT ``[round(h s), round(w s), 3]`` (a top-left crop).
    """
    results = FixedScaleDownSampling(scale)(dict(gt=gt))
    return results['img'], results['gt']


def celebahq_pair(img, scale, input_size=CELEBAHQ_INPUT_SIZE):
    """CelebA-HQ pair, by mmagic's ``Resize`` (PIL bicubic).

    Args:
        img (np.ndarray): ``[H, W, 3]`` uint8 original image.
        scale (float): upsampling scale ``s``.
        input_size (int): input side (64 in the paper).

    Returns:
        tuple[np.ndarray, np.ndarray]: input ``[n, n, 3]`` and GT
        ``[round(n s), round(n s), 3]``, both resized from ``img``.
    """
    target = round(input_size * scale)
    results = dict(gt=img)
    for side, out in ((input_size, 'img'), (target, 'gt')):
        results = Resize(keys=['gt'], output_keys=[out], scale=(side, side),
                         interpolation='bicubic', backend='pillow')(results)
    return results['img'], results['gt']


def make_pair(protocol, img, scale, input_size=CELEBAHQ_INPUT_SIZE):
    """``(input, gt)`` for ``protocol`` (see the module docstring)."""
    check_protocol(protocol)
    if protocol == 'div2k':
        return div2k_pair(img, scale)
    return celebahq_pair(img, scale, input_size)


def bicubic_resize(img, size):
    """PIL bicubic resize (antialiased when downsampling).

    Args:
        img (np.ndarray): ``[h, w, 3]`` uint8 or float image.
        size (tuple[int, int]): output ``(H, W)``.

    Returns:
        np.ndarray: ``[H, W, 3]``, uint8 for uint8 input, else float32
        (resized per channel in PIL's float mode, no clipping).
    """
    h, w = size
    if img.dtype == np.uint8:
        return mmcv.imresize(img, (w, h), interpolation='bicubic',
                             backend='pillow')
    chans = [
        np.asarray(Image.fromarray(np.ascontiguousarray(
            img[..., c], dtype=np.float32), mode='F').resize(
                (w, h), Image.BICUBIC)) for c in range(img.shape[-1])
    ]
    return np.stack(chans, axis=-1)


def fixed_scale_input_size(target_size, model_scale=4):
    """Size the input is resized to before a fixed-scale model.

    Args:
        target_size (tuple[int, int]): target ``(H, W)``.
        model_scale (int): the model's scale (4).

    Returns:
        tuple[int, int]: ``(round(H / m), round(W / m))``.
    """
    return tuple(max(1, round(t / model_scale)) for t in target_size)


def fixed_scale_upsample(lr, target_size, sr_fn, model_scale=4):
    """The paper's protocol for fixed-scale models.

    Args:
        lr (np.ndarray): ``[h, w, 3]`` uint8 input.
        target_size (tuple[int, int]): output ``(H, W)``.
        sr_fn (callable): ``[h', w', 3]`` uint8 ->
            ``[m h', m w', 3]`` float32 (the x``m`` model).
        model_scale (int): ``m``.

    Returns:
        np.ndarray: ``[H, W, 3]`` float32 prediction.
    """
    mid = fixed_scale_input_size(target_size, model_scale)
    x = lr if tuple(lr.shape[:2]) == mid else bicubic_resize(lr, mid)
    out = sr_fn(x)
    expect = (mid[0] * model_scale, mid[1] * model_scale)
    if tuple(out.shape[:2]) != expect:
        raise ValueError(f'x{model_scale} model gave {out.shape[:2]} for '
                         f'a {mid} input, expected {expect}')
    if expect != tuple(target_size):
        out = bicubic_resize(out.astype(np.float32), target_size)
    return out
