"""Start-up and timing shared by the benchmark tools (tools/benchmark_*.py)."""
import logging
import os
import sys
import time

_CLOCK = [time.perf_counter]  # time.process_time with a tool's --cpu-time


def quiet_benchmark_setup(threads, cpu_time=False):
    """``threads`` torch threads, offline weights, mmengine's log on stderr
    (stdout carries only the JSON report), mmagic's modules registered;
    :func:`timed` counts wall time, or with ``cpu_time`` this process's CPU
    time (a CPU shared with other work)."""
    import torch
    from mmengine.logging import MMLogger

    from mmagic.utils import register_all_modules
    _CLOCK[0] = time.process_time if cpu_time else time.perf_counter
    torch.set_num_threads(threads)
    os.environ.setdefault('LIIFGAN_OFFLINE', '1')
    for h in MMLogger.get_current_instance().handlers:  # stdout: JSON only
        if type(h) is logging.StreamHandler:
            h.setStream(sys.stderr)
    register_all_modules()


def timed(fn, device):
    """``(seconds, fn())`` on the clock :func:`quiet_benchmark_setup` chose;
    on a GPU ``device`` the queued work is waited for before and after."""
    import torch
    if device != 'cpu':
        torch.cuda.synchronize()
    t = _CLOCK[0]()
    out = fn()
    if device != 'cpu':
        torch.cuda.synchronize()
    return _CLOCK[0]() - t, out
