"""Start-up shared by the benchmark tools (tools/benchmark_*.py)."""
import logging
import os
import sys


def quiet_benchmark_setup(threads):
    """``threads`` torch threads, offline weights, mmengine's log on stderr
    (stdout carries only the JSON report), mmagic's modules registered."""
    import torch
    from mmengine.logging import MMLogger

    from mmagic.utils import register_all_modules
    torch.set_num_threads(threads)
    os.environ.setdefault('LIIFGAN_OFFLINE', '1')
    for h in MMLogger.get_current_instance().handlers:  # stdout: JSON only
        if type(h) is logging.StreamHandler:
            h.setStream(sys.stderr)
    register_all_modules()
