"""The ``liifgan_mm`` scope: one child of each of mmagic's registries.

A user config that inherits ``_base_ = 'liifgan_mm::liifgan/...'`` gets
``_scope_='liifgan_mm'`` on every dict it inherits (mmengine does this for
``pkg::`` bases). Building such a dict, mmengine imports
``liifgan_mm.registry`` (this module) and looks for a registry of scope
``liifgan_mm`` in the root registry's tree. The children below are those
registries: empty themselves, they find every name through their parent,
mmagic's registry (where ``liifgan_mm`` registers its classes), and then
mmengine's. Importing any of them (``locations``) imports mmagic's modules
and ``liifgan_mm`` first, as mmagic's own registries do.
"""
from mmengine.registry import Registry

import mmagic.registry as mm

__all__ = [
    'RUNNERS', 'RUNNER_CONSTRUCTORS', 'LOOPS', 'HOOKS', 'LOG_PROCESSORS',
    'OPTIMIZERS', 'OPTIM_WRAPPERS', 'OPTIM_WRAPPER_CONSTRUCTORS',
    'PARAM_SCHEDULERS', 'DATASETS', 'DATA_SAMPLERS', 'TRANSFORMS', 'MODELS',
    'MODEL_WRAPPERS', 'WEIGHT_INITIALIZERS', 'TASK_UTILS',
    'DIFFUSION_SCHEDULERS', 'METRICS', 'EVALUATORS', 'VISUALIZERS',
    'VISBACKENDS'
]
SCOPE = 'liifgan_mm'


def _child(parent):
    """An empty registry of scope ``liifgan_mm`` under ``parent``."""
    existing = parent.children.get(SCOPE)
    if existing is not None:  # this module reloaded: keep the first one
        return existing
    return Registry(parent.name, parent=parent, scope=SCOPE,
                    locations=[*parent._locations, 'liifgan_mm'])


RUNNERS = _child(mm.RUNNERS)
RUNNER_CONSTRUCTORS = _child(mm.RUNNER_CONSTRUCTORS)
LOOPS = _child(mm.LOOPS)
HOOKS = _child(mm.HOOKS)
LOG_PROCESSORS = _child(mm.LOG_PROCESSORS)
OPTIMIZERS = _child(mm.OPTIMIZERS)
OPTIM_WRAPPERS = _child(mm.OPTIM_WRAPPERS)
OPTIM_WRAPPER_CONSTRUCTORS = _child(mm.OPTIM_WRAPPER_CONSTRUCTORS)
PARAM_SCHEDULERS = _child(mm.PARAM_SCHEDULERS)
DATASETS = _child(mm.DATASETS)
DATA_SAMPLERS = _child(mm.DATA_SAMPLERS)
TRANSFORMS = _child(mm.TRANSFORMS)
MODELS = _child(mm.MODELS)
MODEL_WRAPPERS = _child(mm.MODEL_WRAPPERS)
WEIGHT_INITIALIZERS = _child(mm.WEIGHT_INITIALIZERS)
TASK_UTILS = _child(mm.TASK_UTILS)
DIFFUSION_SCHEDULERS = _child(mm.DIFFUSION_SCHEDULERS)
METRICS = _child(mm.METRICS)
EVALUATORS = _child(mm.EVALUATORS)
VISUALIZERS = _child(mm.VISUALIZERS)
VISBACKENDS = _child(mm.VISBACKENDS)
