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
