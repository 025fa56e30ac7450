"""Bad input never stops the comparison table or poisons its numbers."""
import json
import shutil

import cv2
import numpy as np
import pytest

from liifgan_mm.evaluation.benchmark import Benchmark
from liifgan_mm.evaluation.result_cache import RowCache
from liifgan_mm.evaluation.row_spec import RowSpec
from tests.tools.test_benchmark_table import load_tool

GOOD = ['astronaut.png', 'coffee.png']


@pytest.fixture
def two_good(photo_dir, tmp_path):
    root = tmp_path / 'good'
    root.mkdir()
    for name in GOOD:
        shutil.copy(photo_dir / name, root / name)
    return root


def _bicubic(root, cache, scales=(2, 7), **kw):
    bench = Benchmark(str(root), str(cache), scales, progress=False, **kw)
    return bench, bench.run_row(RowSpec('Bicubic'))


def test_unreadable_images_are_named_and_the_run_goes_on(two_good,
                                                         tmp_path):
    _, clean = _bicubic(two_good, tmp_path / 'c0')
    (two_good / 'empty.png').write_bytes(b'')
    (two_good / 'notes.png').write_text('not an image')
    data = (two_good / 'coffee.png').read_bytes()
    (two_good / 'truncated.png').write_bytes(data[:len(data) // 4])
    with pytest.warns(UserWarning, match='cannot be read as an image'):
        bench, res = _bicubic(two_good, tmp_path / 'c1')
    assert len(bench.failures) == 3
    for name in ('empty.png', 'notes.png', 'truncated.png'):
        assert any(name in line for line in bench.failures)
    assert res.values == clean.values  # means over the readable images

    tool = load_tool('benchmark_table')
    out = tmp_path / 'out'
    with pytest.raises(SystemExit) as e:
        tool.main([str(two_good), str(out), '--row', 'Bicubic', '--scales',
                   '2', '--no-progress', '--device', 'cpu'])
    assert e.value.code == 1
    md = (out / 'table.md').read_text()
    assert '3 FAILURE(S)' in md and 'empty.png' in md


def test_cache_is_keyed_by_the_data_not_the_names(two_good, photo_dir,
                                                  tmp_path):
    cache = tmp_path / 'cache'
    _, first = _bicubic(two_good, cache, scales=(2,))
    other = tmp_path / 'other'
    other.mkdir()  # same names, other pictures
    shutil.copy(photo_dir / 'chelsea.png', other / 'astronaut.png')
    shutil.copy(photo_dir / 'rocket.png', other / 'coffee.png')
    _, second = _bicubic(other, cache, scales=(2,))
    _, fresh = _bicubic(other, tmp_path / 'fresh', scales=(2,))
    assert second.values == fresh.values != first.values
    _, back = _bicubic(two_good, cache, scales=(2,))  # both kept
    assert back.values == first.values


def test_an_image_too_small_for_a_metric_does_not_poison_its_column(
        two_good, tmp_path):
    _, clean = _bicubic(two_good, tmp_path / 'c0')
    rng = np.random.default_rng(0)
    cv2.imwrite(str(two_good / 'tiny.png'),
                rng.integers(0, 255, (40, 129, 3), np.uint8))
    with pytest.warns(UserWarning, match=r'tiny.png at x7 \(126x35 px\) '
                      'is too small for SSIM'):
        bench, res = _bicubic(two_good, tmp_path / 'c1')
    assert not bench.failures
    assert res.values['SSIM'][7.0] == pytest.approx(clean.values['SSIM'][7])
    assert np.isfinite(res.values['PSNR'][7.0])
    assert res.values['PSNR'][7.0] != clean.values['PSNR'][7]  # counted
    assert bench.nan_counts == {('Bicubic', 'SSIM', 7.0): 1}


def test_an_image_with_no_input_pixel_is_a_named_failure(two_good,
                                                         tmp_path):
    cv2.imwrite(str(two_good / 'dot.png'), np.zeros((5, 5, 3), np.uint8))
    cv2.imwrite(str(two_good / 'speck.png'), np.zeros((8, 9, 3), np.uint8))
    with pytest.warns(UserWarning):
        bench, res = _bicubic(two_good, tmp_path / 'c1')
    assert [line.split(': ', 1)[1] for line in bench.failures] == [
        f'{two_good}/dot.png at x7: ValueError: FixedScaleDownSampling: a 5x5 GT (?) is too small for scale 7x7']
    assert np.isfinite(res.values['PSNR'][7.0])  # speck: LPIPS left out
    assert bench.nan_counts[('Bicubic', 'LPIPS', 7.0)] == 1


def test_cache_lines_that_are_json_but_not_records_are_ignored(tmp_path):
    path = tmp_path / 'row.jsonl'
    good = dict(image='a.png', scale=2.0, digest='d', PSNR=30.0, SSIM=None,
                LPIPS=0.1)
    lines = [dict(signature='sig'), good, [1, 2], 'text', 3,
             dict(image=3, scale=2), dict(image='b.png', scale='x'),
             dict(image='c.png', scale=2, PSNR='high', SSIM=1, LPIPS=1)]
    path.write_text('\n'.join(json.dumps(x) for x in lines) + '\n')
    with pytest.warns(UserWarning, match='6 line'):
        cache = RowCache(str(path), 'sig')
    assert len(cache) == 1 and ('a.png', 2, 'd') in cache
    assert cache.get('a.png', 2, 'd') == dict(PSNR=30.0, SSIM=None,
                                              LPIPS=0.1)


def test_model_rows_need_a_checkpoint_or_random_weights(two_good,
                                                        tmp_path, capsys):
    from tests.evaluation.test_upsamplers import EDSR_CFG
    tool = load_tool('benchmark_table')
    with pytest.raises(SystemExit) as e:
        tool.main([str(two_good), str(tmp_path / 'o'), '--row',
                   f'EDSR={EDSR_CFG}'])
    assert e.value.code == 2
    assert "row 'EDSR' has no checkpoint" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        tool.main([str(two_good), str(tmp_path / 'o'), '--row', 'Bicubic',
                   '--scales', '0'])
    assert '--scales must be in (0, 100], got 0' in capsys.readouterr().err


def test_a_row_whose_checkpoint_does_not_fit_is_reported(mm, two_good,
                                                         tmp_path):
    """The other rows are evaluated; the tool exits 1 naming the row,
    config and keys."""
    import torch
    from tests.evaluation.test_upsamplers import EDSR_CFG, TINY
    torch.save(dict(state_dict={'generator.conv_first.weight':
                                torch.zeros(1)}), tmp_path / 'other.pth')
    rows = tmp_path / 'rows.json'
    rows.write_text(json.dumps([dict(
        name='EDSR(x4)', config=EDSR_CFG, cfg_options=TINY[EDSR_CFG],
        checkpoint=str(tmp_path / 'other.pth'))]))
    tool = load_tool('benchmark_table')
    out = tmp_path / 'out'
    with pytest.raises(SystemExit) as e:
        tool.main([str(two_good), str(out), '--row', 'Bicubic', '--rows',
                   str(rows), '--scales', '4', '--no-progress'])
    assert e.value.code == 1
    md = (out / 'table.md').read_text()
    assert '| Bicubic | PSNR↑ | **' in md
    assert '| EDSR(x4) | PSNR↑ | N/A |' in md
    assert 'EDSR(x4): checkpoint ' in md and 'other.pth does not fit' in md
    assert 'edsr_x4c64b16_1xb16-300k_div2k.py' in md


def test_tool_default_scales_are_the_papers():
    from liifgan_mm.evaluation.continuous_protocol import PAPER_SCALES
    assert load_tool('benchmark_table').PAPER_SCALES == PAPER_SCALES


@pytest.mark.parametrize('flags, message', [
    (['--crop-image', 'nope.png'], '--crop-image nope.png is not among'),
    (['--reference', 'missing.csv'], '--reference missing.csv:'),
    (['--max-images', '0'], '--max-images must be at least 1'),
    (['--scales', 'nan'], '--scales must be in'),
    (['--scales', '2', 'inf'], '--scales must be in'),
    (['--scales', '1e9'], '--scales must be in'),
    (['--row', 'a=b=configs/x.py'], "config b=configs/x.py does not exist"),
    (['--row', 'my|row=configs/liifgan/small/liif_edsr-c32b8_1xb8-2250it_'
      'photos.py:x.pth'], "row name 'my|row'")])
def test_bad_flags_are_named_before_any_work(two_good, tmp_path, capsys,
                                             flags, message):
    tool = load_tool('benchmark_table')
    with pytest.raises(SystemExit) as e:
        tool.main([str(two_good), str(tmp_path / 'o'), '--row', 'Bicubic',
                   *flags])
    err = capsys.readouterr().err
    assert e.value.code == 2
    assert message in err and 'Traceback' not in err
    assert not (tmp_path / 'o').exists()
