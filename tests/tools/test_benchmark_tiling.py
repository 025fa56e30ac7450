"""tools/benchmark_tiling.py runs and its tiled output is exact (tiny)."""
from tests.tools.test_benchmark_table import load_tool


def test_tiny_run():
    tool = load_tool('benchmark_tiling')
    res = tool.main(['--input', '40x56', '--scale', '2', '--rows', '8',
                     '--tile', '16', '--check-input', '30x40',
                     '--modes', 'tiled', '--threads', '1'])
    assert res['radius'] == 34
    assert res['max_abs_diff'] <= 1e-5
    assert res['tiled']['output_shape'] == [1, 3, 8, 112]
    assert res['tiled']['peak_rss_mb'] > 0
