"""Re-run issue 18's probes that are quick, in one process; prints the
rows of ``docs/reliability_probes.md`` (case, command, exit code, one-line
message or BAD).

Each tool's ``main(argv)`` is called in this process (as its command
line would, stderr captured); the training cases build mmengine's
``Runner`` on a tiny config and print what the train/test scripts print
(``liifgan_mm.engine.entry_errors.one_line`` for mmengine's errors, the
``SystemExit`` line for ours). An uncaught exception is *BAD
(traceback)*. ``python tests/probes/reliability_probes.py`` from the
repository root (about 2 CPU minutes; no GPU, no download); group
names as arguments run only those groups.
"""
import contextlib
import io
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
os.environ.setdefault('LIIFGAN_OFFLINE', '1')
CFG = str(REPO / 'configs/liifgan/small/liifgan_edsr-c32b8_1xb8-750it_'
          'photos.py')
CKPT = str(REPO / 'checkpoints/photos-small/liifgan.pth')
MODEL = ['--config', CFG, '--checkpoint', CKPT, '--device', 'cpu']
ROWS = []

from tests.tools.test_benchmark_table import load_tool  # noqa: E402


def _last_line(text):
    lines = [ln for ln in text.splitlines()  # no warnings, progress bars
             if ln.strip() and not ln[0].isspace() and '%|' not in ln
             and 'Warning' not in ln]
    return lines[-1].strip() if lines else ''


def probe(case, command, run, expect_ok=False):
    """Run ``run()``; record exit code and message (BAD when it raised a
    traceback, or exited 0 where a refusal was expected)."""
    err = io.StringIO()
    code, msg = 0, ''
    try:
        with contextlib.redirect_stderr(err):
            ret = run()
        code = ret if isinstance(ret, int) else 0
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else 1
        msg = '' if isinstance(e.code, int) else str(e.code)
    except Exception as e:  # noqa: BLE001  a traceback for the user
        from liifgan_mm.engine.entry_errors import one_line
        line = one_line(e)
        code, msg = (1, line) if line else (1, f'BAD (traceback: '
                                                f'{type(e).__name__}: {e})')
    msg = msg or _last_line(err.getvalue())
    if code == 0 and not expect_ok:
        msg = f'BAD (exit 0) {msg}'
    elif code == 0 and not msg:
        msg = 'ran'
    ROWS.append((case, command, code, msg.replace('|', '\\|')[:300]))


def png_header(path, width, height):
    """A tiny PNG whose header declares ``width`` x ``height``."""
    def chunk(kind, data):
        return (struct.pack('>I', len(data)) + kind + data +
                struct.pack('>I', zlib.crc32(kind + data)))
    ihdr = struct.pack('>IIBBBBB', width, height, 8, 2, 0, 0, 0)
    Path(path).write_bytes(b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', ihdr) +
                           chunk(b'IDAT', zlib.compress(b'\0' * 64)) +
                           chunk(b'IEND', b''))


def images(folder):
    import cv2
    from skimage import data
    folder.mkdir(parents=True, exist_ok=True)
    for name in ('coffee', 'rocket'):
        cv2.imwrite(str(folder / f'{name}.png'),
                    getattr(data, name)()[:30, :41, ::-1])
    return folder


def upsample_probes(tmp):
    up = load_tool('upsample')
    src = images(tmp / 'in')
    a = str(src / 'coffee.png')
    probe('1 input as output', f'upsample {a} -o {a} --scale 2',
          lambda: up.main([a, '-o', a, '--scale', '2', *MODEL]))
    shutil.copy(a, src / 'coffee_x2.png')
    probe('1 folder holding a.png and a_x2.png', 'upsample in/ -o in/ '
          '--scale 2 --overwrite', lambda: up.main(
              [str(src), '-o', str(src), '--scale', '2', '--overwrite',
               *MODEL]))
    os.remove(src / 'coffee_x2.png')
    out = tmp / 'out'
    out.mkdir()
    (out / 'coffee_x2.png').write_bytes(b'mine')
    probe('1 existing output', 'upsample in/ -o out/ --scale 2 (out/ '
          'holds coffee_x2.png)', lambda: up.main(
              [str(src), '-o', str(out), '--scale', '2', *MODEL]))
    probe('1 -o -', 'upsample a.png -o - --scale 2',
          lambda: up.main([a, '-o', '-', '--scale', '2', *MODEL]))
    cwd = os.getcwd()
    os.chdir(tmp)
    try:
        probe('1 -o out.png in the current folder', 'upsample a.png -o '
              'out.png --scale 2', lambda: up.main(
                  [a, '-o', 'out.png', '--scale', '2', *MODEL]),
              expect_ok=True)
    finally:
        os.chdir(cwd)
    huge = tmp / 'huge.png'
    png_header(huge, 20000, 20000)
    probe('5 PNG declaring 20000x20000', 'upsample huge.png -o o/ '
          '--scale 2', lambda: up.main([str(huge), '-o', str(tmp / 'o1'),
                                        '--scale', '2', *MODEL]))
    (tmp / 'x.hdr').write_bytes(b'#?RADIANCE\n')
    probe('6 .hdr input', 'upsample x.hdr -o o/ --scale 2', lambda: up.main(
        [str(tmp / 'x.hdr'), '-o', str(tmp / 'o2'), '--scale', '2', *MODEL]))
    probe('6 pipe as input', 'upsample /dev/stdin -o o/ --scale 2',
          lambda: up.main(['/dev/stdin', '-o', str(tmp / 'o3'), '--scale',
                           '2', *MODEL]))
    mixed = images(tmp / 'mixed')
    import cv2
    cv2.imwrite(str(mixed / 'c.webp'), cv2.imread(a))
    os.rename(mixed / 'rocket.png', mixed / 'R.Jpg')
    cv2.imwrite(str(mixed / 'R.Jpg'), cv2.imread(a))
    (mixed / 'dir.png').mkdir()
    probe('6 .webp, .Jpg and a folder named dir.png', 'upsample mixed/ -o '
          'o/ --scale 2', lambda: up.main(
              [str(mixed), '-o', str(tmp / 'o4'), '--scale', '2', *MODEL]),
          expect_ok=True)
    ROWS[-1] = ROWS[-1][:3] + (ROWS[-1][3] + ' (outputs: ' + ', '.join(
        sorted(os.listdir(tmp / 'o4'))) + ')',)
    probe('7 typo in a model key', 'upsample a.png ... --cfg-options '
          'model.generator.mid_blok=1', lambda: up.main(
              [a, '-o', str(tmp / 'o5'), '--scale', '2', *MODEL,
               '--cfg-options', 'model.generator.mid_blok=1']))
    probe('7 --device cuda without CUDA', 'upsample a.png --device cuda',
          lambda: up.main([a, '-o', str(tmp / 'o6'), '--scale', '2',
                           '--config', CFG, '--checkpoint', CKPT,
                           '--device', 'cuda']))
    afile = tmp / 'afile'
    afile.write_text('x')
    probe('7 a file as -o folder', 'upsample in/ -o afile --scale 2',
          lambda: up.main([str(src), '-o', str(afile), '--scale', '2',
                           *MODEL]))


def sweep_table_photos_probes(tmp):
    sweep = load_tool('alpha_sweep')
    src = images(tmp / 'sw')
    base = [str(src), '--config', CFG, '--checkpoint', CKPT,
            '--device', 'cpu', '-o']
    for flags in (['--scale', 'inf'], ['--scale', '1e9'],
                  ['--max-images', '-1'], ['--crop', '0']):
        probe(f'6/7 alpha_sweep {" ".join(flags)}',
              f'alpha_sweep sw/ {" ".join(flags)}',
              lambda f=flags: sweep.main(base + [str(tmp / 'sw_o'), *f]))
    (tmp / 'sw_file').write_text('x')
    probe('alpha_sweep a file as -o', 'alpha_sweep sw/ -o afile',
          lambda: sweep.main(base + [str(tmp / 'sw_file')]))
    table = load_tool('benchmark_table')
    for flags in (['--scales', 'nan'], ['--scales', 'inf'],
                  ['--scales', '1e9'], ['--row', 'my|row=' + CFG],
                  ['--row', 'a=b=configs/x.py']):
        probe(f'6/7 benchmark_table {" ".join(flags)[:30]}',
              f'benchmark_table data/ out/ --row Bicubic {" ".join(flags)}',
              lambda f=flags: table.main([str(src), str(tmp / 'tab'),
                                          '--row', 'Bicubic', *f]))
    photos = load_tool('prepare_photos')
    (tmp / 'ph_file').write_text('x')
    tree = tmp / 'tree'
    tree.mkdir()
    for flags, out in ((['--val-fraction', '2'], 'ph'),
                       (['--sub-crop', '-1'], 'ph'),
                       ([], 'ph_file')):
        probe(f'6/7 prepare_photos {" ".join(flags) or "file as output"}',
              f'prepare_photos {out} --tree tree/ {" ".join(flags)}',
              lambda f=flags, o=out: photos.main(
                  [str(tmp / o), '--tree', str(tree), '--no-progress', *f]))


def training_probes(tmp):
    """mmengine's Runner on the tiny config of the engine tests."""
    from mmagic.utils import register_all_modules
    register_all_modules()
    import liifgan_mm  # noqa: F401
    from tests.engine.tiny_runner import tiny_runner
    data = images(tmp / 'train')
    import cv2
    for name in ('coffee', 'rocket'):  # the tiny config's 16 px patches
        cv2.imwrite(str(data / f'{name}.png'), cv2.resize(
            cv2.imread(str(data / f'{name}.png')), (64, 64)))
    afile = tmp / 'afile'
    afile.write_text('x')
    probe('7 a file as work_dir', 'mim train mmagic CFG --work-dir afile',
          lambda: tiny_runner(tmp / 't1', data, work_dir=str(afile)))
    ro = tmp / 'ro'  # root writes into chmod 555: a read-only bind mount
    ro.mkdir()
    mounted = os.geteuid() == 0 and not any(subprocess.run(
        cmd, capture_output=True).returncode for cmd in (
            ['mount', '--bind', str(ro), str(ro)],
            ['mount', '-o', 'remount,bind,ro', str(ro)]))
    if os.geteuid() != 0:
        ro.chmod(0o555)
    if mounted or os.geteuid() != 0:
        probe('7 read-only work_dir', 'mim train mmagic CFG --work-dir ro/'
              + (' (read-only bind mount)' if mounted else ' (chmod 555)'),
              lambda: tiny_runner(tmp / 't1', data, work_dir=str(ro)))
    else:
        ROWS.append(('7 read-only work_dir', 'mim train mmagic CFG '
                     '--work-dir ro/', '-', 'not probed: root, and no '
                     'read-only mount permitted here'))
    subprocess.run(['umount', str(ro)], capture_output=True)
    ro.chmod(0o755)
    for key, value in (('default_hooks.checkpoint.max_keep_ckpt', 1),
                       ('default_hooks.logger.intervl', 5),
                       ('default_hooks.divergence_guard.max_consecutiv', 3)):
        probe(f'4 typo {key}', f'mim train ... --cfg-options {key}={value}',
              lambda k=key, v=value: tiny_runner(tmp / 't2', data,
                                                 **{k: v}))
    probe('4 typo train_cfg.val_intervl', 'mim train ... --cfg-options '
          'train_cfg.val_intervl=5', lambda: tiny_runner(
              tmp / 't3', data, **{'train_cfg.val_intervl': 5}).train())
    work = tmp / 't4' / 'work'
    probe('2 first training', 'mim train (2 iterations)', lambda: tiny_runner(
        tmp / 't4', data).train() and 0, expect_ok=True)
    probe('2 a new training over its checkpoints', 'mim train (again)',
          lambda: tiny_runner(tmp / 't5', data,
                              work_dir=str(work)).train())
    os.remove(work / 'last_checkpoint')
    probe('2 --resume without last_checkpoint', 'mim train --resume '
          '(max_iters 3)', lambda: tiny_runner(
              tmp / 't6', data, iters=3, work_dir=str(work),
              resume=True).train() and 0, expect_ok=True)
    ROWS[-1] = ROWS[-1][:3] + (ROWS[-1][3] + ' checkpoints: ' + ', '.join(
        sorted(p.name for p in work.glob('iter_*'))),)
    torn = tmp / 'torn.pth'
    torn.write_bytes(b'PK\x03\x04' + b'\0' * 64)
    probe('7 truncated checkpoint to load', 'mim train --cfg-options '
          'load_from=torn.pth', lambda: tiny_runner(
              tmp / 't7', data, load_from=str(torn)).train())
    loop = tmp / 'loop'
    loop.mkdir()
    for name in ('coffee', 'rocket'):
        shutil.copy(data / f'{name}.png', loop)
    os.symlink(loop, loop / 'self')  # a folder link: not an image, skipped
    probe('7 a link to its own folder in the training folder', 'mim train '
          '(data_root holding self -> .)', lambda: tiny_runner(
              tmp / 't8', loop).train() and 0, expect_ok=True)
    os.symlink('loop.png', loop / 'loop.png')  # the issue's: a file loop
    probe('7 symlink loop in the training folder', 'mim train (data_root '
          'holding loop.png -> loop.png)', lambda: tiny_runner(
              tmp / 't9', loop).train())

if __name__ == '__main__':
    with tempfile.TemporaryDirectory() as d:
        groups = (upsample_probes, sweep_table_photos_probes,
                  training_probes)
        for group in groups:
            if sys.argv[1:] and group.__name__ not in sys.argv[1:]:
                continue
            (Path(d) / group.__name__).mkdir()
            try:
                group(Path(d) / group.__name__)
            except BaseException as e:  # noqa: BLE001  report and go on
                ROWS.append((group.__name__, '-', '-',
                             f'harness stopped: {type(e).__name__}: {e}'))
    print('| case | command | exit | one-line message |')
    print('|---|---|---|---|')
    for case, command, code, msg in ROWS:
        print(f'| {case} | `{command}` | {code} | {msg} |')
