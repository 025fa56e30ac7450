"""What a checkpoint's weights are for, beyond their keys and shapes.

LIIF-GAN and LIIF-GAN-SF have the same keys and shapes: only ``mid_block``
(where decoder 1 reads the encoder) differs, so weights of one load into
the other without a word and give wrong pictures and numbers. Every
checkpoint this package writes records :func:`model_variant` in
``meta['model_variant']``; every loader compares it with the model it
builds (:func:`variant_mismatch`) and refuses a difference.

Checkpoints without the record (older ones, other projects') are checked
by keys and shapes only.
"""
import torch.nn as nn

META_KEY = 'model_variant'
# fields that must agree (the rest, e.g. train_scales, is information)
COMPARED = ('model', 'generator', 'mid_block', 'dual', 'decoder_widths')


def model_variant(model):
    """``dict`` describing ``model`` (an mmagic editor with a
    ``generator``): model and generator types, and for LIIF-GAN generators
    ``mid_block``, ``dual`` and decoder 1's layer widths. None for a model
    without a generator."""
    gen = getattr(model, 'generator', None)
    if gen is None:
        return None
    gen = getattr(gen, 'module', gen)  # a DDP-wrapped part
    variant = dict(model=type(model).__name__, generator=type(gen).__name__)
    if hasattr(gen, 'mid_block'):
        variant['mid_block'] = gen.mid_block
    head = getattr(gen, 'head', None)
    if head is not None and hasattr(head, 'decoder1'):
        variant['dual'] = bool(head.dual)
        variant['decoder_widths'] = [
            m.out_features for m in head.decoder1.modules()
            if isinstance(m, nn.Linear)]
    return variant


def describe(variant):
    """``LIIFGAN/LIIFGANEDSRNet mid_block=8 dual=True ...``"""
    return ' '.join([f"{variant.get('model')}/{variant.get('generator')}"] + [
        f'{k}={variant[k]}' for k in COMPARED[2:] if k in variant])


def variant_mismatch(saved, current, checkpoint='the checkpoint',
                     config='the config'):
    """None when ``saved`` (a checkpoint's record, may be None) agrees with
    ``current`` (the built model's :func:`model_variant`) on every field
    both have; else a one-line message naming both."""
    if not isinstance(saved, dict) or not current:
        return None
    diff = [k for k in COMPARED
            if k in saved and k in current and saved[k] != current[k]]
    if not diff:
        return None
    return (f'{checkpoint} holds a {describe(saved)} but {config} builds a '
            f'{describe(current)} (differs in {", ".join(diff)}): refusing '
            'to load weights into another variant')
