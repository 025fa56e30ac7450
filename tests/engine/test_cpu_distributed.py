"""The CPU fix for mmengine's launchers: active only without CUDA."""
import os

import pytest
import torch

from liifgan_mm.engine import cpu_distributed as cd


def test_nothing_patched_with_cuda():
    assert cd.install(cuda_available=True) is False


def test_patched_here_without_cuda():
    from mmengine.dist import utils
    from mmengine.model.wrappers.distributed import MMDistributedDataParallel
    assert not torch.cuda.is_available()  # this machine: CPU only
    assert cd.install() is True  # idempotent: already done on import
    for init in (utils._init_dist_pytorch, utils._init_dist_slurm,
                 MMDistributedDataParallel.__init__):
        assert getattr(init, cd._PATCHED)
    wrapped = utils._init_dist_pytorch.__wrapped__
    assert not getattr(wrapped, cd._PATCHED, False)  # patched only once


def test_launcher_runs_without_set_device_and_with_gloo(monkeypatch):
    seen = {}

    def mmengine_like_init(backend, **kwargs):
        torch.cuda.set_device(int('1'))  # what mmengine does
        seen['gpus'] = torch.cuda.device_count()
        seen['backend'] = backend

    def no_cuda(device):
        raise AssertionError('set_device called on a CPU machine')

    monkeypatch.setattr(torch.cuda, 'set_device', no_cuda)
    cd._cpu_launcher(mmengine_like_init)('nccl')
    assert seen == {'gpus': 1, 'backend': 'gloo'}
    assert torch.cuda.set_device is no_cuda  # restored afterwards
    cd._cpu_launcher(mmengine_like_init)('mpi')
    assert seen['backend'] == 'mpi'


def test_ddp_device_ids_dropped_for_cpu_modules():
    got = {}

    def init(self, module, **kwargs):
        got.update(kwargs)

    cd._cpu_ddp_init(init)(None, torch.nn.Linear(1, 1), device_ids=[0],
                           broadcast_buffers=False)
    assert got == {'device_ids': None, 'broadcast_buffers': False}


@pytest.mark.parametrize('launcher', ['pytorch', 'slurm'])
def test_mmengine_launchers_reach_init_process_group_on_cpu(monkeypatch,
                                                            launcher):
    """mmengine's own launcher code (patched): the slurm one would divide
    by ``torch.cuda.device_count() == 0``, both call ``set_device``."""
    from mmengine.dist import utils
    calls = []
    monkeypatch.setattr(utils.torch_dist, 'init_process_group',
                        lambda backend, **kw: calls.append(backend))
    env = dict(RANK='0', LOCAL_RANK='0', WORLD_SIZE='1', SLURM_PROCID='0',
               SLURM_NTASKS='1', SLURM_NODELIST='node1',
               MASTER_ADDR='127.0.0.1', MASTER_PORT='29999')
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    monkeypatch.delenv('SLURM_LOCALID', raising=False)
    # what init_dist calls (not init_dist itself: it would switch this
    # process to the 'spawn' start method), with mmagic's default backend
    getattr(utils, f'_init_dist_{launcher}')('nccl')
    assert calls == ['gloo']
    assert os.environ['LOCAL_RANK'] == '0'
