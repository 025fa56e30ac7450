"""Inference helpers for mmagic's own inferencer (not imported by
``import liifgan_mm``: ``mmagic.apis`` is heavy)."""
from .inference import check_knobs, inference_config, set_output_size

__all__ = ['check_knobs', 'inference_config', 'set_output_size']
