"""``import liifgan_mm`` registers into mmagic's own registries, with names
mmagic does not use (a clash would make registration raise)."""
import importlib


def test_names_registered_in_mmagic_registries(mm):
    models = ['LIIFGAN', 'LIIFGANEDSRNet', 'DualImplicitHead',
              'VGG19PerceptualLoss']
    for name in models:
        assert mm.MODELS.get(name).__module__.startswith('liifgan_mm.')
    for name in ('RandomGroupSampling', 'FixedScaleDownSampling',
                 'SetOutputSize'):
        assert mm.TRANSFORMS.get(name).__module__.startswith('liifgan_mm.')
    assert mm.METRICS.get('LPIPS').__module__.startswith('liifgan_mm.')


def test_no_name_taken_from_mmagic(mm):
    import mmagic.registry as reg
    ours = [(reg.MODELS, n) for n in ('LIIFGAN', 'LIIFGANEDSRNet',
                                      'DualImplicitHead',
                                      'VGG19PerceptualLoss')]
    ours += [(reg.TRANSFORMS, n) for n in ('RandomGroupSampling',
                                           'FixedScaleDownSampling',
                                           'SetOutputSize')]
    ours += [(reg.METRICS, 'LPIPS')]
    for registry, name in ours:
        cls = registry.get(name)
        assert not cls.__module__.startswith('mmagic.'), name


def test_reimport_is_harmless(mm):
    import liifgan_mm
    importlib.reload(liifgan_mm)


def test_liifgan_mm_scope_builds_what_mmagic_scope_builds(mm):
    """Dicts inherited through ``liifgan_mm::`` bases carry
    ``_scope_='liifgan_mm'``: mmengine's root registries must find our and
    mmagic's classes under that scope, and mmengine's own."""
    from mmengine.registry import HOOKS, MODELS, DefaultScope
    from mmengine.registry import METRICS
    with DefaultScope.overwrite_default_scope('mmagic'):
        hook = HOOKS.build(dict(type='CheckpointLayoutHook',
                                _scope_='liifgan_mm'))
        assert type(hook).__name__ == 'CheckpointLayoutHook'
        assert type(HOOKS.build(dict(type='IterTimerHook',
                                     _scope_='liifgan_mm'))).__name__ \
            == 'IterTimerHook'
        loss = MODELS.build(dict(type='L1Loss', _scope_='liifgan_mm'))
        assert type(loss).__module__.startswith('mmagic.')
        psnr = METRICS.build(dict(type='PSNR', _scope_='liifgan_mm'))
        assert type(psnr).__module__.startswith('mmagic.')
        with MODELS.switch_scope_and_registry('liifgan_mm') as reg:
            assert reg.scope == 'liifgan_mm'
            assert reg.get('LIIFGAN') is mm.MODELS.get('LIIFGAN')


def test_registry_reimport_keeps_one_child(mm):
    import liifgan_mm.registry as ours
    first = ours.MODELS
    importlib.reload(ours)
    assert ours.MODELS is first
    assert mm.MODELS.children['liifgan_mm'] is first
