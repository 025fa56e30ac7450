"""Inference helpers for mmagic's own inferencer, the model zoo and one
image at any size (not imported by ``import liifgan_mm``: ``mmagic.apis``
is heavy). :mod:`.sr_session` is what ``liifgan-web`` serves."""
from .inference import check_knobs, inference_config, set_output_size
from .model_zoo import zoo_models
from .upsampling import image_upsampler, upsample

__all__ = ['check_knobs', 'inference_config', 'set_output_size',
           'zoo_models', 'image_upsampler', 'upsample']
