"""The embedded default data set of the main job."""
import cv2

from liifgan_mm.datasets import demo_photos


def test_writes_train_and_kodak_test_and_is_idempotent(tmp_path, assets_dir,
                                                       monkeypatch):
    monkeypatch.setenv('LIIFGAN_ASSETS', str(assets_dir))
    train, test = demo_photos.make_demo_dataset(tmp_path, max_side=64)
    names = sorted(p.stem for p in train.glob('*.png'))
    assert names == sorted(demo_photos.TRAIN)
    assert len(list(test.glob('kodak_*.png'))) == 5
    img = cv2.imread(str(train / 'astronaut.png'))
    assert img.shape == (64, 64, 3)
    # a second call writes nothing and loads no photo
    calls = []
    monkeypatch.setattr(demo_photos, '_skimage', calls.append)
    demo_photos.make_demo_dataset(tmp_path, max_side=64)
    assert calls == []
