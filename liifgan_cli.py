"""Console entry points (``liifgan-demo``, ``liifgan-upsample``,
``liifgan-web``, ...).

Each one runs a script of the repo's ``tools/`` folder, as shipped in
``liifgan_mm/.mim/tools`` (OpenMMLab's layout), by calling its
``main(argv)``. This module lives outside :mod:`liifgan_mm` so that nothing
heavy (torch, mmagic) is imported before the tool has parsed its arguments:
``--help`` answers at once.
"""
import importlib.util
import os.path as osp
import sys

from liifgan_compat.installed_path import importable_path

__all__ = ['tools_dir', 'run_tool']

# entry point -> tool scripts, first existing one wins
TOOLS = {
    'demo': ['demo.py'],
    'upsample': ['upsample.py'],
    'alpha_sweep': ['alpha_sweep.py'],
    'benchmark': ['benchmark_table.py'],
    'prepare_photos': ['prepare_photos.py'],
    'make_subimages': ['make_subimages.py'],
    'publish_model': ['publish_model.py'],
    'web': ['web_demo.py'],
}


def tools_dir():
    """``liifgan_mm/.mim/tools`` (installed) or the repo's ``tools/``, with
    symlinks resolved: in an editable install ``.mim/tools`` links to the
    repo's ``tools/``, and the tools find the repo (checkpoints, data) from
    their own path."""
    pkg = importable_path('liifgan_mm')  # does not import it
    for path in (osp.join(pkg, '.mim', 'tools'),
                 osp.join(osp.dirname(pkg), 'tools')):
        if osp.isdir(path):
            return osp.realpath(path)
    raise SystemExit(f'liifgan_mm tools not found: no {path} (reinstall '
                     'liifgan_mm: pip install -e .)')


def run_tool(name, argv=None):
    """Load ``tools/<script>`` for entry point ``name``; call ``main(argv)``."""
    folder = tools_dir()
    scripts = [osp.join(folder, s) for s in TOOLS[name]]
    path = next((p for p in scripts if osp.exists(p)), None)
    if path is None:
        raise SystemExit(f'liifgan-{name.replace("_", "-")}: none of '
                         f'{", ".join(scripts)} exists')
    mod_name = '_liifgan_tool_' + osp.basename(path)[:-3]
    spec = importlib.util.spec_from_file_location(mod_name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[mod_name] = module
    if folder not in sys.path:  # tools import their siblings
        sys.path.insert(0, folder)
    spec.loader.exec_module(module)
    return module.main(sys.argv[1:] if argv is None else argv)


def _entry(name):

    def main(argv=None):
        return run_tool(name, argv)

    main.__name__ = name
    main.__doc__ = f'Console entry point: tools/{TOOLS[name][0]}.'
    return main


demo = _entry('demo')
upsample = _entry('upsample')
alpha_sweep = _entry('alpha_sweep')
benchmark = _entry('benchmark')
prepare_photos = _entry('prepare_photos')
make_subimages = _entry('make_subimages')
publish_model = _entry('publish_model')
web = _entry('web')
