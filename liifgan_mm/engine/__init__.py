"""Training-side pieces: hooks (safe checkpoints, divergence guard, key
layout, progress bar), the non-finite-skipping optimizer wrapper, and the
CPU fix for mmengine's distributed launchers (:mod:`.cpu_distributed`,
active only without CUDA), and one-line errors for the train/test
scripts' work_dir and argument mistakes (:mod:`.entry_errors`, active only
in those scripts)."""
from . import cpu_distributed, entry_errors, optim  # noqa: F401
from .hooks import (CheckpointLayoutHook, DivergenceGuardHook,  # noqa: F401
                    ProgressBarHook, SafeCheckpointHook)

cpu_distributed.install()
entry_errors.install()
