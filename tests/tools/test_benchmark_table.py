"""tools/benchmark_table.py end to end on small real photos and tiny
random-init models."""
import importlib.util
import json

import cv2
import pytest

from tests.conftest import REPO
from tests.evaluation.test_upsamplers import EDSR_CFG, LIIFGAN_CFG, TINY

FILES = ('table.md', 'table.csv', 'table.tex', 'psnr_vs_scale.png',
         'lpips_vs_scale.png', 'crops.png')


def load_tool(name):
    spec = importlib.util.spec_from_file_location(
        name, REPO / 'tools' / f'{name}.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def rows_file(tmp_path):
    path = tmp_path / 'rows.json'
    path.write_text(json.dumps([
        dict(name='EDSR(x4)', config=EDSR_CFG, cfg_options=TINY[EDSR_CFG]),
        dict(name='LIIF-GAN', config=LIIFGAN_CFG,
             cfg_options=TINY[LIIFGAN_CFG])]))
    return path


def test_one_command_makes_every_file_and_resumes(mm, photo_dir, tmp_path,
                                                  rows_file, monkeypatch):
    tool = load_tool('benchmark_table')
    out = tmp_path / 'out'
    argv = [str(photo_dir), str(out), '--row', 'Bicubic', '--rows',
            str(rows_file), '--scales', '2', '4.5', '--max-images', '2',
            '--reference', 'paper', '--latex', '--no-progress',
            '--device', 'cpu', '--title', 'tiny', '--random-weights']
    with pytest.warns(UserWarning, match='RANDOM'):
        paths = tool.main(argv)
    for name in FILES:
        assert (out / name).is_file(), name
        assert (out / name).stat().st_size > 0
    assert sorted(p.name for p in (out / 'cache').glob('*.jsonl')) == [
        'Bicubic.jsonl', 'EDSR_x4_.jsonl', 'LIIF-GAN.jsonl']
    for png in ('psnr_vs_scale.png', 'lpips_vs_scale.png', 'crops.png'):
        assert cv2.imread(str(out / png)).shape[2] == 3
    assert set(paths) == {'csv', 'md', 'tex', 'psnr_png', 'lpips_png',
                          'crops_png'}

    csv = (out / 'table.csv').read_text().splitlines()
    assert csv[0] == 'method,metric,x2,x4.5'
    assert [line.split(',')[:2] for line in csv[1:]] == [
        [m, k] for m in ('Bicubic', 'EDSR(x4)', 'LIIF-GAN')
        for k in ('PSNR', 'SSIM', 'LPIPS')]
    assert csv[4].startswith('EDSR(x4),PSNR,,')  # N/A below x4
    md = (out / 'table.md').read_text()
    assert '| LIIF-GAN [paper] | PSNR↑ | 32.2508 | 25.8676 |' in md
    assert '| EDSR(x4) | PSNR↑ | N/A |' in md
    assert '†' in md.split('LIIF-GAN |')[1]  # the only GAN row
    assert 'ceil(s)+6' in md and '2 images' in md
    assert 'NO CHECKPOINT, random weights (meaningless numbers): ' \
        'EDSR(x4), LIIF-GAN.' in md

    # second run: everything is cached, no model is built
    def no_build(spec, device, **described):
        raise AssertionError('cached rows must not be rebuilt')

    monkeypatch.setattr('liifgan_mm.evaluation.benchmark.build_upsampler',
                        no_build)
    before = (out / 'table.csv').read_text()
    tool.main(argv)
    assert (out / 'table.csv').read_text() == before


def test_cli_needs_rows(tmp_path):
    tool = load_tool('benchmark_table')
    with pytest.raises(SystemExit):
        tool.parse_args([str(tmp_path), str(tmp_path / 'o')])


def test_celebahq_protocol(mm, photo_dir, tmp_path):
    tool = load_tool('benchmark_table')
    out = tmp_path / 'out'
    tool.main([str(photo_dir), str(out), '--row', 'Bicubic', '--protocol',
               'celebahq', '--input-size', '32', '--scales', '3', '5.5',
               '--max-images', '1', '--reference', 'paper',
               '--no-progress'])
    md = (out / 'table.md').read_text()
    assert 'CelebA-HQ' in md and '32x32' in md
    assert '| Bicubic [paper] | PSNR↑ | 29.2363 | 27.9647 |' in md
    crop = cv2.imread(str(next((out / 'cache' / 'crops').glob(
        'GT-celebahq-*/x5.5.png'))))
    assert crop.shape[:2] == (round(0.25 * 32 * 5.5),) * 2


def test_precision_set_on_liifgan_rows_only(mm):
    """--precision reaches the LIIF-GAN-model rows' head (and so their
    cache signature), not bicubic or fixed-scale rows."""
    from liifgan_mm.evaluation.row_spec import parse_row
    tool = load_tool('benchmark_table')
    small = str(REPO / 'configs/liifgan/small') + '/'
    specs = [parse_row('Bicubic'),
             parse_row(f'LIIF={small}liif_edsr-c32b8_1xb8-2250it_'
                       'photos.py'),
             parse_row(f'SRResNet(x4)={small}msrresnet_x4c32b8_1xb8-'
                       '1500it_photos.py')]
    before = specs[1].signature()
    assert tool.set_precision(specs, 'bf16') == ['LIIF']
    assert specs[1].load_config().model.generator.head.precision == 'bf16'
    assert specs[1].signature() != before
    assert not specs[2].cfg_options


def test_bf16_reaches_stock_liif_rows_fp32_leaves_them(mm):
    """A stock mmagic LIIF row (the official LIIF) runs as the same
    one-decoder LIIFGAN network in bf16; with fp32 it stays mmagic's."""
    from liifgan_mm.evaluation.row_spec import parse_row
    from liifgan_mm.evaluation.upsamplers import describe_row
    tool = load_tool('benchmark_table')
    row = ('LIIF=configs/liifgan/liif_edsr-c64b16_official-div2k.py:'
           'checkpoints/official/liif_edsr-c64b16_official-div2k.pth')
    stock = parse_row(row)
    assert tool.set_precision([stock], 'fp32') == []
    assert not stock.cfg_options
    spec = parse_row(row)
    before = spec.signature()
    assert tool.set_precision([spec], 'bf16') == [
        'LIIF (mmagic LIIF run as LIIFGANEDSRNet)']
    model = spec.load_config().model
    assert model.type == 'LIIFGAN' and 'imnet' not in model.generator
    assert model.generator.head.precision == 'bf16'
    assert model.generator.head.dual is False
    assert describe_row(spec) == ('continuous', None)
    assert not spec.is_gan() and spec.signature() != before
