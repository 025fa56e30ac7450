"""liifgan_mm: LIIF-GAN for MMagic.

``custom_imports = dict(imports=['liifgan_mm'])`` in a config (or a plain
``import liifgan_mm``) registers this package's models, transforms, losses and
metrics into mmagic's own registries.
"""
import liifgan_compat

# No-op when tools/setup_env.sh's start-up hook already ran; otherwise this
# still fixes mmcv.ops and checkpoint loading (torchvision needs the hook).
liifgan_compat.install()

from . import datasets, engine, evaluation, models  # noqa: E402,F401
from . import registry  # noqa: E402,F401  (the liifgan_mm:: scope)
from . import visualization  # noqa: E402,F401

__version__ = '0.1.0'
