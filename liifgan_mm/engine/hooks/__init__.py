from .checkpoint_layout import CheckpointLayoutHook
from .divergence_guard_hook import DivergenceGuardHook
from .progress_bar_hook import ProgressBarHook
from .safe_checkpoint_hook import SafeCheckpointHook

__all__ = ['CheckpointLayoutHook', 'DivergenceGuardHook', 'ProgressBarHook',
           'SafeCheckpointHook']
