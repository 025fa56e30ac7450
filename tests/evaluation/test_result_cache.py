"""The append-only per-row cache behind resumable runs."""
import pytest

from liifgan_mm.evaluation.result_cache import RowCache, row_slug

M = dict(PSNR=30.0, SSIM=0.9, LPIPS=0.1)


def test_add_and_resume(tmp_path):
    path = str(tmp_path / 'c' / 'row.jsonl')
    cache = RowCache(path, 'sig')
    cache.add('a.png', 4.5, M)
    cache.add('a.png', 2, M)
    again = RowCache(path, 'sig')
    assert len(again) == 2 and ('a.png', 4.5) in again
    assert ('a.png', 2.0) in again and ('b.png', 2) not in again
    assert again.get('a.png', 4.5) == M


def test_torn_last_line_is_dropped_and_isolated(tmp_path):
    path = str(tmp_path / 'row.jsonl')
    RowCache(path, 'sig').add('a.png', 2, M)
    with open(path, 'a') as f:
        f.write('{"image": "b.png", "sca')  # killed mid-write
    cache = RowCache(path, 'sig')
    assert len(cache) == 1
    cache.add('c.png', 3, M)
    assert len(RowCache(path, 'sig')) == 2


def test_other_signature_starts_over(tmp_path):
    path = str(tmp_path / 'row.jsonl')
    RowCache(path, 'old').add('a.png', 2, M)
    with pytest.warns(UserWarning, match='another model'):
        cache = RowCache(path, 'new')
    assert len(cache) == 0
    assert (tmp_path / 'row.jsonl.stale').exists()
    RowCache(path, 'new').add('a.png', 2, M)
    assert len(RowCache(path, 'new', resume=False)) == 0


def test_row_slug():
    assert row_slug('EDSR(x4)') == 'EDSR_x4_'
    assert row_slug('LIIF-GAN-S') == 'LIIF-GAN-S'
