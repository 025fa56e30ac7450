"""``mim test liifgan_mm CONFIG --checkpoint CKPT``: mmagic's own
``tools/test.py``, plus testing on a folder of one's own images.

mim runs ``<package>/tools/test.py`` (here ``.mim/tools/test.py``) of the
package named on its command line; the config is a path or a file name
among the package's configs. Without the two flags below this is mmagic's
script, run unchanged (same arguments as ``mim test mmagic``) after
``import liifgan_mm``.

``--data-root DIR``: every test loader (all nine scales of the continuous
test) reads the ground-truth images in DIR instead of the config's test set,
and the metrics are named after ``--data-name`` (``NAMEx4/PSNR``; without
it just ``x4/PSNR``, never the config's data set name). Examples::

    mim test liifgan_mm liifgan_edsr-c32b8_1xb8-750it_photos.py \\
        --checkpoint liifgan.pth --data-root ~/my_photos --data-name Mine
    python tools/test.py CONFIG CKPT --data-root DIR --work-dir out
"""
import argparse
import os.path as osp
import re
import runpy
import sys
import tempfile

from liifgan_compat.installed_path import mmagic_tool

# a metric prefix: data set name + scale tag (x4, x4.5, x3.2x4.7)
PREFIX = re.compile(r'(?P<name>.*?)(?P<scale>x\d[\d.]*(?:x\d[\d.]*)?)')


def parse_args(argv):
    """Our flags, and mmagic's arguments (the rest)."""
    p = argparse.ArgumentParser(add_help=False)
    p.add_argument('--data-root', metavar='DIR')
    p.add_argument('--data-name', default='', metavar='NAME')
    args, rest = p.parse_known_args(argv)
    if args.data_name and not args.data_root:
        p.error('--data-name names the images of --data-root: give both')
    if args.data_root and not osp.isdir(args.data_root):
        p.error(f'--data-root {args.data_root}: no such folder')
    if args.data_name and not re.fullmatch(r'[\w.-]+', args.data_name):
        p.error(f'--data-name {args.data_name!r}: letters, digits, "_", '
                '"-" and "." only (it names metrics and image files)')
    return args, rest


def renamed(prefix, data_name):
    """``DIV2Kx4.5`` -> ``<data_name>x4.5``."""
    m = PREFIX.fullmatch(prefix or '')
    return data_name + (m.group('scale') if m else (prefix or ''))


def _metrics_of(evaluator):
    """The metric dicts of one evaluator (a list, an ``Evaluator`` dict or
    one metric)."""
    if isinstance(evaluator, list):
        return evaluator
    metrics = evaluator.get('metrics', evaluator)
    return metrics if isinstance(metrics, list) else [metrics]


def on_folder(test_dataloader, test_evaluator, data_root, data_name=''):
    """The test loaders and evaluators (plain dicts/lists: one of each, or
    ``MultiTestLoop``'s lists) pointed at ``data_root``, their metrics
    named ``data_name`` + the scale (in place; returned)."""
    several = isinstance(test_dataloader, list)
    for loader in test_dataloader if several else [test_dataloader]:
        loader['dataset'].update(data_root=osp.abspath(data_root),
                                 ann_file='', data_prefix=dict(gt=''))
    for evaluator in test_evaluator if several else [test_evaluator]:
        for metric in _metrics_of(evaluator):
            if metric.get('prefix') or data_name:
                metric['prefix'] = renamed(metric.get('prefix'), data_name)
    return test_dataloader, test_evaluator


def folder_config(config, data_root, data_name, out_dir):
    """Write ``out_dir/<config's name>``: the config with its test pointed
    at ``data_root`` (inherits it; only the test loaders and evaluators are
    replaced). Returns its path."""
    from mmengine.config import Config
    cfg = Config.fromfile(config).to_dict()
    loaders, evaluators = on_folder(cfg['test_dataloader'],
                                    cfg['test_evaluator'], data_root,
                                    data_name)
    path = osp.join(out_dir, osp.basename(config))
    with open(path, 'w') as f:
        f.write(f'_base_ = {osp.abspath(config)!r}\n'
                f'test_dataloader = {loaders!r}\n'
                f'test_evaluator = {evaluators!r}\n')
    return path


def main(argv=None):
    args, rest = parse_args(sys.argv[1:] if argv is None else argv)
    script = mmagic_tool('test.py')
    if {'-h', '--help'} & set(rest):
        print(__doc__.split('\n\n', 2)[-1].rstrip() + '\n\nmmagic\'s '
              'arguments:')
    else:
        import liifgan_mm  # noqa: F401  registers into mmagic's registries
    with tempfile.TemporaryDirectory() as tmp:
        if args.data_root:
            i = next((i for i, a in enumerate(rest)
                      if not a.startswith('-')), None)
            if i is None:
                raise SystemExit('--data-root: give the config first')
            rest[i] = folder_config(rest[i], args.data_root, args.data_name,
                                    tmp)
            print(f'testing on {osp.abspath(args.data_root)} (metrics '
                  f'{renamed("x4", args.data_name)}/...)', file=sys.stderr)
        sys.argv = [script] + rest
        runpy.run_path(script, run_name='__main__')


if __name__ == '__main__':
    main()
