"""``register_all_modules``, as every OpenMMLab package has one:
``mmengine.hub.get_model('liifgan_mm::...')`` calls it."""
from mmengine.registry import DefaultScope


def register_all_modules(init_default_scope: bool = True) -> None:
    """Register mmagic's modules and liifgan_mm's (into mmagic's
    registries). With ``init_default_scope`` and no default scope yet, the
    default scope becomes ``'mmagic'``, the configs' ``default_scope``."""
    from mmagic.utils import register_all_modules as register_mmagic
    register_mmagic(init_default_scope=init_default_scope
                    and DefaultScope.get_current_instance() is None)
    import liifgan_mm  # noqa: F401
