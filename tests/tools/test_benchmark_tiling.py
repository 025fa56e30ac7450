"""tools/benchmark_tiling.py runs and its tiled output is exact (tiny)."""
import numpy as np

from tests.tools.test_benchmark_table import load_tool


def test_tiny_run():
    tool = load_tool('benchmark_tiling')
    # 1 GiB held by this (parent) process: the child's peak RSS must be its
    # own (VmHWM), not counting the parent's memory (ru_maxrss would).
    ballast = np.ones(2**27)
    res = tool.main(['--input', '40x56', '--scale', '2', '--rows', '8',
                     '--tile', '16', '--check-input', '30x40',
                     '--modes', 'tiled', '--threads', '1'])
    assert ballast.sum() == 2**27
    assert res['radius'] == 34
    assert res['max_abs_diff'] <= 1e-5
    assert res['tiled']['output_shape'] == [1, 3, 8, 112]
    tiled = res['tiled']
    # MB of a process that imported torch and built a model: not KB, not
    # bytes, not the parent's 1 GiB; the peak includes the state before
    # decoding
    assert 50 < tiled['rss_before_mb'] <= tiled['peak_rss_mb'] < 1000
