"""The benchmark tools' one ``timed`` (liifgan_mm.utils.benchmark_setup):
wall time, or this process's CPU time when the start-up asked for it; both
tools time through it."""
import time

import torch

from liifgan_mm.utils import benchmark_setup
from tests.tools.test_benchmark_table import load_tool


def test_timed_counts_the_clock_the_setup_chose():
    threads = torch.get_num_threads()
    try:
        benchmark_setup.quiet_benchmark_setup(1, cpu_time=True)
        t, out = benchmark_setup.timed(lambda: time.sleep(0.3) or 7, 'cpu')
        assert out == 7 and t < 0.2  # asleep: no CPU time
        benchmark_setup.quiet_benchmark_setup(1)
        t, _ = benchmark_setup.timed(lambda: time.sleep(0.3), 'cpu')
        assert t >= 0.3
    finally:
        torch.set_num_threads(threads)


def test_both_tools_time_with_the_package_timed():
    for name in ('benchmark_decoding', 'benchmark_train_step'):
        tool = load_tool(name)
        assert not hasattr(tool, 'CLOCK')
        src = open(tool.__file__).read()
        assert 'def timed(' not in src
        assert 'from liifgan_mm.utils.benchmark_setup import timed' in src
