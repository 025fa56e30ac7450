"""Where ``tools/upsample.py`` writes each input's output, checked before
any work: no two inputs on one file, never an input overwritten, an
existing output kept unless asked, a folder that can be written."""
import os.path as osp

from .cli_checks import writable_folder


def output_paths(files, out, tag, overwrite=False):
    """``{input: output path}``: ``out`` itself when it is a ``.png``
    file (one input), else ``out/<stem>_<tag>.png``.

    Raises:
        ValueError: naming both paths when two inputs would write the same
            file (e.g. ``a/x.png`` and ``b/x.jpg``), when an output is one
            of the inputs, or (unless ``overwrite``) when an output exists
            already; or when the output folder cannot be written.
    """
    if out.lower().endswith('.png'):
        paths = {files[0]: out}
    else:
        paths, seen = {}, {}
        for f in files:
            stem = osp.splitext(osp.basename(f))[0]
            path = osp.join(out, f'{stem}_{tag}.png')
            if path in seen:
                raise ValueError(f'{seen[path]} and {f} would both write '
                                 f'{path}: rename one or run them separately')
            seen[path] = paths[f] = path
    writable_folder(osp.dirname(next(iter(paths.values()))) or '.', '-o')
    inputs = {osp.realpath(f): f for f in files}
    for f, path in paths.items():
        same = inputs.get(osp.realpath(path))
        if same is not None:
            raise ValueError(f'{path} (the output of {f}) is the input '
                             f'{same}: not overwriting it; choose another -o')
        if osp.isdir(path):
            raise ValueError(f'{path} (the output of {f}) is a folder')
        if osp.lexists(path) and not overwrite:
            raise ValueError(f'{path} (the output of {f}) exists: pass '
                             '--overwrite to replace it, or choose another -o')
    return paths
