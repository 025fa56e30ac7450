"""The README's main job: train a small LIIF-GAN on the embedded photos and
evaluate it at the paper's nine scales against bicubic.

    .venv/bin/python tools/demo.py [--iters 300] [--work-dir work_dirs/demo]

Writes to the work dir: the checkpoint and logs (mmengine), and the
comparison ``table.md``/``table.csv`` with PSNR/SSIM/LPIPS-vs-scale plots and
a crop grid (``tools/benchmark_table.py``). Runs in a few minutes on 2 CPU
cores; uses the GPU when there is one.
"""
import argparse
import os.path as osp
import sys

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
DEFAULT_CFG = osp.join(
    REPO, 'configs/liifgan/demo/liifgan_edsr-c32b8_1xb8-300it_photos.py')


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--config', default=DEFAULT_CFG)
    p.add_argument('--work-dir', default=osp.join(REPO, 'work_dirs', 'demo'))
    p.add_argument('--iters', type=int, default=None,
                   help='training iterations (default: the config\'s)')
    p.add_argument('--skip-train', action='store_true',
                   help='evaluate the existing checkpoint only')
    return p.parse_args()


def main():
    args = parse_args()
    import liifgan_mm  # noqa: F401  (first: compat fixes without the .pth)
    from liifgan_mm.datasets.demo_photos import make_demo_dataset
    from mmagic.utils import register_all_modules
    from mmengine.config import Config
    from mmengine.runner import Runner
    register_all_modules()

    train_dir, test_dir = make_demo_dataset(osp.join(args.work_dir, 'data'))
    print(f'[demo] data: {train_dir} (train), {test_dir} (test)')
    cfg = Config.fromfile(args.config)
    cfg.work_dir = args.work_dir
    cfg.train_dataloader.dataset.data_root = str(train_dir)
    cfg.val_dataloader.dataset.data_root = str(test_dir)
    if args.iters:
        cfg.train_cfg.max_iters = args.iters
        cfg.train_cfg.val_interval = args.iters
        cfg.default_hooks.checkpoint.interval = args.iters
        cfg.param_scheduler.milestones = [args.iters * 2 // 3]
    ckpt = osp.join(args.work_dir, f'iter_{cfg.train_cfg.max_iters}.pth')
    if not args.skip_train:
        Runner.from_cfg(cfg).train()
    cfg_path = osp.join(args.work_dir, 'demo_config.py')
    cfg.dump(cfg_path)

    sys.path.insert(0, osp.join(REPO, 'tools'))
    import benchmark_table
    out = osp.join(args.work_dir, 'table')
    benchmark_table.main([
        str(test_dir), out, '--row', 'Bicubic',
        '--row', f'LIIF-GAN (demo)={cfg_path}:{ckpt}',
        '--title', 'LIIF-GAN demo (embedded photos, small model)'
    ])
    print(f'[demo] table, plots and crop grid in {out}')
    with open(osp.join(out, 'table.md')) as f:
        print(f.read())


if __name__ == '__main__':
    sys.exit(main())
