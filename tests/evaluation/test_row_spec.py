"""Row specs from the command line and rows files."""
import json

import pytest

from liifgan_mm.evaluation.row_spec import (PAPER_ROWS, RowSpec, check_unique,
                                            load_rows_file, paper_order,
                                            parse_row, resolve_config_path)


def test_parse_row_forms():
    assert parse_row('Bicubic') == RowSpec('Bicubic')
    assert parse_row('LIIF=mmagic::liif/a.py') == RowSpec(
        'LIIF', 'mmagic::liif/a.py')
    assert parse_row('EDSR(x4)=mmagic::edsr/e.py:w/edsr.pth') == RowSpec(
        'EDSR(x4)', 'mmagic::edsr/e.py', 'w/edsr.pth')
    assert parse_row('LIIF-GAN = configs/x.py:/abs/it:er.pth') == RowSpec(
        'LIIF-GAN', 'configs/x.py', '/abs/it:er.pth')
    with pytest.raises(ValueError, match='NAME=CONFIG'):
        parse_row('LIIF')


def test_rows_file_and_duplicates(tmp_path):
    path = tmp_path / 'rows.json'
    path.write_text(json.dumps([
        dict(name='Bicubic'),
        dict(name='LIIF-GAN', config='c.py', checkpoint='k.pth', gan=True,
             cfg_options={'model.generator.mid_block': 1})]))
    rows = load_rows_file(str(path))
    assert rows[1].cfg_options == {'model.generator.mid_block': 1}
    assert rows[1].is_gan() and rows[0].is_bicubic
    with pytest.raises(ValueError, match='duplicate'):
        check_unique(rows + [RowSpec('Bicubic')])


def test_package_configs_resolve():
    path = resolve_config_path(
        'mmagic::edsr/edsr_x4c64b16_1xb16-300k_div2k.py')
    assert path.endswith('.mim/configs/edsr/edsr_x4c64b16_1xb16-300k_div2k.py')
    assert resolve_config_path('configs/a.py') == 'configs/a.py'


def test_signature_follows_checkpoint_and_config(tmp_path):
    cfg = 'mmagic::edsr/edsr_x4c64b16_1xb16-300k_div2k.py'
    a = RowSpec('E', cfg).signature()
    assert a == RowSpec('E', cfg).signature()
    assert a != RowSpec('E', cfg, cfg_options={
        'model.generator.num_blocks': 1}).signature()
    ckpt = tmp_path / 'k.pth'
    ckpt.write_bytes(b'1')
    assert a != RowSpec('E', cfg, str(ckpt)).signature()
    assert len(PAPER_ROWS) == 8


def test_paper_order():
    rows = [RowSpec('Mine'), RowSpec('LIIF-GAN'), RowSpec('Bicubic'),
            RowSpec('EDSR(x4)')]
    assert [r.name for r in paper_order(rows)] == [
        'Bicubic', 'EDSR(x4)', 'LIIF-GAN', 'Mine']
