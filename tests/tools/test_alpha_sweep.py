"""tools/alpha_sweep.py: the perception-distortion curve from one model."""
import csv

import pytest

from tests.conftest import REPO
from tests.tools.test_benchmark_table import load_tool

CFG = str(REPO / 'configs/liifgan/small/liifgan_edsr-c32b8_1xb8-750it_'
          'photos.py')
CKPT = str(REPO / 'checkpoints/photos-small/liifgan.pth')


def test_sweep_files(photo_dir, tmp_path, offline_env):
    tool = load_tool('alpha_sweep')
    out = tmp_path / 'sweep'
    means = tool.main([str(photo_dir / 'coffee.png'),
                       str(photo_dir / 'rocket.png'), '-o', str(out),
                       '--scale', '3', '--alphas', '0', '0.5', '1',
                       '--config', CFG, '--checkpoint', CKPT,
                       '--device', 'cpu'])
    assert [m['alpha'] for m in means] == [0, 0.5, 1]
    for name in ('alpha_sweep.csv', 'alpha_sweep_images.csv',
                 'perception_distortion.png', 'crops.png'):
        assert (out / name).stat().st_size > 0
    with open(out / 'alpha_sweep_images.csv') as f:
        assert len(list(csv.DictReader(f))) == 3 * 2
    # alpha changes the output; 0.5 lies between the ends in PSNR (the
    # bounds are the two endpoints only, never the value they bound)
    psnr = [m['PSNR'] for m in means]
    assert psnr[0] != psnr[2]
    lo, hi = min(psnr[0], psnr[2]), max(psnr[0], psnr[2])
    assert lo - 0.05 <= psnr[1] <= hi + 0.05


@pytest.mark.parametrize('argv,msg', [
    (['--alphas', '0', '2'], '--alphas must be in [0, 1]'),
    (['--scale', '0'], '--scale must be a positive'),
    (['--scale', 'inf'], '--scale must be a positive finite'),
    (['--scale', 'nan'], '--scale must be a positive finite'),
    (['--max-images', '-1'], '--max-images must be a whole number >= 1'),
    (['--max-images', '0'], '--max-images must be a whole number >= 1'),
    (['--crop', '0'], '--crop must be a whole number >= 1'),
])
def test_bad_arguments(photo_dir, tmp_path, capsys, argv, msg):
    tool = load_tool('alpha_sweep')
    with pytest.raises(SystemExit) as e:
        tool.main([str(photo_dir), '-o', str(tmp_path), '--config', CFG,
                   '--checkpoint', CKPT, *argv])
    assert e.value.code == 2 and msg in capsys.readouterr().err


def test_refuses_single_decoder_models(photo_dir, tmp_path, capsys):
    tool = load_tool('alpha_sweep')
    cfg = str(REPO / 'configs/liifgan/small/liifgan-s_edsr-c32b8_1xb8-'
              '750it_photos.py')
    with pytest.raises(SystemExit) as e:
        tool.main([str(photo_dir), '-o', str(tmp_path), '--config', cfg,
                   '--checkpoint', str(REPO / 'checkpoints/photos-small/'
                                       'liifgan-s.pth')])
    assert e.value.code == 2 and 'not a two-decoder' in \
        capsys.readouterr().err


def test_bad_paths_and_huge_scale_one_line(photo_dir, tmp_path, capsys):
    tool = load_tool('alpha_sweep')
    afile = tmp_path / 'afile'
    afile.write_text('x')
    done = tmp_path / 'done'
    done.mkdir()
    (done / 'alpha_sweep.csv').write_text('mine')
    for argv, msg in ((['-o', str(afile)], 'not a folder'),
                      (['-o', str(done)], 'alpha_sweep.csv exists'),
                      (['-o', str(tmp_path / 'o'), '--scale', '1e9'],
                       'input of no pixels')):
        with pytest.raises(SystemExit) as e:
            tool.main([str(photo_dir), *argv, '--config', CFG,
                       '--checkpoint', CKPT, '--device', 'cpu'])
        err = capsys.readouterr().err
        assert e.value.code == 2 and msg in err
        assert 'Traceback' not in err
    assert (done / 'alpha_sweep.csv').read_text() == 'mine'
