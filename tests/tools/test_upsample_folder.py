"""tools/upsample_folder.py: a folder of images without GT."""
import cv2

from tests.evaluation.test_upsamplers import LIIFGAN_CFG, TINY
from tests.tools.test_benchmark_table import load_tool


def test_bicubic_scales(photo_dir, tmp_path):
    tool = load_tool('upsample_folder')
    paths = tool.main([str(photo_dir), str(tmp_path), '--scale', '2', '4.5',
                       '--device', 'cpu'])
    assert len(paths) == 2 * 4
    img = cv2.imread(str(tmp_path / 'coffee_x4.5.png'))
    assert img.shape == (648, 648, 3)  # 144 * 4.5


def test_model_exact_size(mm, photo_dir, tmp_path):
    tool = load_tool('upsample_folder')
    opts = [f'{k}={v}' for k, v in TINY[LIIFGAN_CFG].items()]
    paths = tool.main([str(photo_dir), str(tmp_path), '--config',
                       LIIFGAN_CFG, '--size', '50', '70', '--device', 'cpu',
                       '--cfg-options', *[o.replace(' ', '') for o in opts]])
    assert len(paths) == 4
    assert cv2.imread(paths[0]).shape == (50, 70, 3)
