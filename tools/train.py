"""``mim train liifgan_mm CONFIG``: mmagic's own ``tools/train.py``.

mim runs ``<package>/.mim/tools/train.py`` of the package named on its
command line, with a config given by path or found by file name among the
package's configs (``mim train liifgan_mm
liifgan_edsr-c64b16_1xb128-125k_div2k.py``). This script is mmagic's, run
unchanged (same arguments as ``mim train mmagic``) after ``import
liifgan_mm``, so a config of one's own that uses LIIF-GAN's models without
``custom_imports`` trains too.
"""
import runpy
import sys

from liifgan_compat.installed_path import mmagic_tool


def main(argv=None):
    script = mmagic_tool('train.py')
    sys.argv = [script] + list(sys.argv[1:] if argv is None else argv)
    if not {'-h', '--help'} & set(sys.argv):
        import liifgan_mm  # noqa: F401  registers into mmagic's registries
    runpy.run_path(script, run_name='__main__')


if __name__ == '__main__':
    main()
