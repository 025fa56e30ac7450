"""Training-side pieces: hooks (safe checkpoints, divergence guard, key
layout, progress bar), the non-finite-skipping optimizer wrapper, and the
CPU fix for mmengine's distributed launchers (:mod:`.cpu_distributed`,
active only without CUDA)."""
from . import cpu_distributed, optim  # noqa: F401
from .hooks import (CheckpointLayoutHook, DivergenceGuardHook,  # noqa: F401
                    ProgressBarHook, SafeCheckpointHook)

cpu_distributed.install()
