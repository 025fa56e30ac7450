"""liifgan_mm: LIIF-GAN as an OpenMMLab MMagic plugin.

Into an existing mmagic 1.2 environment: ``pip install -e .`` (or ``mim
install -e .``, which also picks an mmcv); ``requirements/runtime.txt`` holds
ranges only. ``bash tools/setup_env.sh`` builds a fresh ``.venv`` with the
exact set of ``requirements/constraints.txt`` (see README "Install").

Besides the packages, the wheel carries:

* ``liifgan_mm/.mim/{configs,tools,model-index.yml}`` (OpenMMLab's layout, as
  mmagic's own setup.py): ``mim search liifgan_mm`` and
  ``_base_ = 'liifgan_mm::liifgan/...'`` find them; and ``.mim/checkpoints``
  (the shipped ~0.5 MB weights, the metafile's ``liifgan_mm://checkpoints/``
  URLs: ``mim download`` copies them). Editable installs get symlinks into
  the repo, wheels get copies.
* ``liifgan_compat.pth`` at the top of site-packages, recorded in the wheel so
  ``pip uninstall`` removes it (also for ``pip install -e .``): it activates
  :mod:`liifgan_compat`'s gated start-up fixes.
"""
import os
import os.path as osp
import shutil
import sys

from setuptools import find_packages, setup
from setuptools.command.build_py import build_py
from setuptools.command.egg_info import egg_info

HERE = osp.dirname(osp.abspath(__file__))
PTH_NAME = 'liifgan_compat.pth'
# Never fails an interpreter start: does nothing once the package is gone.
PTH_LINE = ("import importlib.util as _u; _u.find_spec('liifgan_compat') and "
            "__import__('liifgan_compat').install()\n")
MIM_FILES = ('configs', 'tools', 'model-index.yml', 'checkpoints')


def read_requirements(name):
    """Requirement lines of ``requirements/<name>.txt`` (comments dropped)."""
    with open(osp.join(HERE, 'requirements', name + '.txt')) as f:
        lines = (line.split('#')[0].strip() for line in f)
        return [line for line in lines if line]


def add_mim_extension():
    """Put configs, tools and model-index.yml into ``liifgan_mm/.mim``:
    symlinks for editable installs, copies when building a wheel/sdist."""
    if any(a in sys.argv for a in ('develop', 'editable_wheel')):
        mode = 'symlink'
    elif any(a in sys.argv for a in ('sdist', 'bdist_wheel', 'build',
                                     'build_py', 'install')):
        mode = 'copy'
    else:
        return
    mim = osp.join(HERE, 'liifgan_mm', '.mim')
    os.makedirs(mim, exist_ok=True)
    for name in MIM_FILES:
        src, dst = osp.join(HERE, name), osp.join(mim, name)
        if not osp.exists(src):  # building from an sdist: already copied
            continue
        if osp.islink(dst) or osp.isfile(dst):
            os.remove(dst)
        elif osp.isdir(dst):
            shutil.rmtree(dst)
        if mode == 'symlink':
            os.symlink(osp.relpath(src, mim), dst)
        elif osp.isdir(src):
            shutil.copytree(src, dst, ignore=shutil.ignore_patterns(
                '__pycache__', '*.pyc'))
        else:
            shutil.copyfile(src, dst)


class BuildPyWithPth(build_py):
    """Regular wheels: ``liifgan_compat.pth`` at the wheel's top level."""

    def run(self):
        super().run()
        path = osp.join(self.build_lib, PTH_NAME)
        with open(path, 'w') as f:
            f.write(PTH_LINE)
        self.outputs_pth = [path]

    def get_outputs(self, *args, **kwargs):
        return super().get_outputs(*args, **kwargs) + [
            osp.join(self.build_lib, PTH_NAME)]


class EggInfoMainFirst(egg_info):
    """``top_level.txt`` lists ``liifgan_mm`` first: mim and mmengine take
    its first line as the package's folder (sorted, it would be
    ``liifgan_cli``)."""

    def run(self):
        super().run()
        path = osp.join(self.egg_info, 'top_level.txt')
        if osp.exists(path):
            with open(path) as f:
                names = [n for n in f.read().split() if n]
            names.sort(key=lambda n: (n != 'liifgan_mm', n))
            with open(path, 'w') as f:
                f.write('\n'.join(names) + '\n')


CMDCLASS = {'build_py': BuildPyWithPth, 'egg_info': EggInfoMainFirst}

try:  # editable wheels (PEP 660): add the .pth next to setuptools' own
    from setuptools.command.editable_wheel import editable_wheel

    class _StrategyWithPth:

        def __init__(self, strategy):
            self._strategy = strategy

        def __call__(self, wheel, files, mapping):
            self._strategy(wheel, files, mapping)
            wheel.writestr(PTH_NAME, PTH_LINE)

        def __enter__(self):
            self._strategy.__enter__()
            return self

        def __exit__(self, *exc):
            return self._strategy.__exit__(*exc)

    class EditableWheelWithPth(editable_wheel):

        def _select_strategy(self, *args, **kwargs):
            return _StrategyWithPth(super()._select_strategy(*args, **kwargs))

    CMDCLASS['editable_wheel'] = EditableWheelWithPth
except ImportError:  # setuptools < 64: no PEP 660
    pass

add_mim_extension()

setup(
    name='liifgan_mm',
    version='0.1.0',
    description='LIIF-GAN (continuous-scale realistic SR) for MMagic',
    long_description=open(osp.join(HERE, 'README.md')).read(),
    long_description_content_type='text/markdown',
    python_requires='>=3.9',
    packages=find_packages(include=['liifgan_mm', 'liifgan_mm.*',
                                    'liifgan_compat', 'liifgan_compat.*']),
    py_modules=['liifgan_cli'],
    package_data={'liifgan_mm': [
        '.mim/model-index.yml', '.mim/configs/**/*.py',
        '.mim/configs/**/*.yml', '.mim/configs/**/*.md',
        '.mim/tools/*.py', '.mim/tools/*.sh', '.mim/tools/*.json',
        '.mim/tools/*.html', '.mim/tools/model_converters/*.py',
        '.mim/checkpoints/photos-*/*.pth',
        '.mim/checkpoints/photos-*/SHA256SUMS']},
    install_requires=read_requirements('runtime'),
    extras_require={
        'offline': read_requirements('offline'),
        'demo': read_requirements('demo'),
        'tests': read_requirements('tests'),
        'web': read_requirements('web'),
        'mim': read_requirements('mminstall'),
        # no GPU: mmcv without compiled ops (liifgan_compat covers the rest)
        'cpu': ['mmcv-lite>=2.0.0,<2.2.0'],
    },
    entry_points={'console_scripts': [
        'liifgan-demo = liifgan_cli:demo',
        'liifgan-upsample = liifgan_cli:upsample',
        'liifgan-alpha-sweep = liifgan_cli:alpha_sweep',
        'liifgan-benchmark = liifgan_cli:benchmark',
        'liifgan-prepare-photos = liifgan_cli:prepare_photos',
        'liifgan-make-subimages = liifgan_cli:make_subimages',
        'liifgan-publish-model = liifgan_cli:publish_model',
        'liifgan-web = liifgan_cli:web',
    ]},
    cmdclass=CMDCLASS,
    zip_safe=False,
)
