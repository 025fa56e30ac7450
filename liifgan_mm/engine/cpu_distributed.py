"""mmengine's ``pytorch``/``slurm`` launchers on a machine without CUDA.

mmengine's ``_init_dist_pytorch``/``_init_dist_slurm`` always call
``torch.cuda.set_device`` (and the slurm one divides by
``torch.cuda.device_count()``), and its runner hands
``device_ids=[LOCAL_RANK]`` to DDP, which CPU modules refuse. So
``mim train ... --launcher pytorch`` dies on a CPU machine before the first
iteration. :func:`install` (called on ``import liifgan_mm``, i.e. from a
config's ``custom_imports``, which mmengine runs in ``Config.fromfile``
before the runner initialises distributed) fixes exactly that, and only when
``torch.cuda.is_available()`` is False:

- the two launchers run unchanged except that ``set_device`` is a no-op,
  ``device_count`` is 1 and ``nccl`` (mmagic's default ``dist_cfg``)
  becomes ``gloo``;
- ``MMDistributedDataParallel`` drops ``device_ids`` for a module whose
  parameters are all on the CPU.

With CUDA nothing is patched (NCCL, one GPU per process, as mmengine does).
"""
import contextlib
import functools
import logging

import torch

_PATCHED = '_liifgan_cpu_patched'


@contextlib.contextmanager
def _no_cuda_devices():
    """``set_device`` a no-op and ``device_count() == 1`` meanwhile."""
    set_device, device_count = torch.cuda.set_device, torch.cuda.device_count
    torch.cuda.set_device = lambda device: None
    torch.cuda.device_count = lambda: 1
    try:
        yield
    finally:
        torch.cuda.set_device = set_device
        torch.cuda.device_count = device_count


def _cpu_launcher(init):
    """Run mmengine's launcher ``init`` on CPU with gloo."""

    @functools.wraps(init)
    def wrapper(backend, *args, **kwargs):
        if backend == 'nccl':
            from mmengine.logging import print_log
            print_log('no CUDA: distributed backend nccl -> gloo',
                      logger='current', level=logging.WARNING)
            backend = 'gloo'
        with _no_cuda_devices():
            return init(backend, *args, **kwargs)

    setattr(wrapper, _PATCHED, True)
    return wrapper


def _cpu_ddp_init(init):
    """``device_ids`` dropped for CPU modules (DDP refuses them)."""

    @functools.wraps(init)
    def wrapper(self, module, *args, **kwargs):
        if kwargs.get('device_ids') and all(
                p.device.type == 'cpu' for p in module.parameters()):
            kwargs['device_ids'] = None
        return init(self, module, *args, **kwargs)

    setattr(wrapper, _PATCHED, True)
    return wrapper


def install(cuda_available=None):
    """Patch mmengine for CPU-only distributed training when there is no
    CUDA (idempotent). Returns True if patched (now or before)."""
    if cuda_available is None:
        cuda_available = torch.cuda.is_available()
    if cuda_available:
        return False
    from mmengine.dist import utils as dist_utils
    from mmengine.model.wrappers import distributed as ddp_module
    for name in ('_init_dist_pytorch', '_init_dist_slurm'):
        init = getattr(dist_utils, name)
        if not getattr(init, _PATCHED, False):
            setattr(dist_utils, name, _cpu_launcher(init))
    cls = ddp_module.MMDistributedDataParallel
    if not getattr(cls.__init__, _PATCHED, False):
        cls.__init__ = _cpu_ddp_init(cls.__init__)
    return True
