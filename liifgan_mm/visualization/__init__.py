from .per_scale_hook import PerScaleVisualizationHook

__all__ = ['PerScaleVisualizationHook']
