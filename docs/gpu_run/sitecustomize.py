# device only: the stubs/blocks of block.py, then liifgan_compat's fixes
import os
import sys

_here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, _here)
import block  # noqa: E402,F401

sys.path.insert(1, os.path.dirname(_here))
import liifgan_compat  # noqa: E402

liifgan_compat.install()
