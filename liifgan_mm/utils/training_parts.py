"""The training-only parts of an SR GAN model: one list for every reader
of checkpoints (the strict loader, warm start, ``tools/publish_model.py``)
and for building a model for inference."""

# top-level parts of SR GAN models (state-dict prefixes, model-config keys)
# that inference never builds
TRAIN_ONLY = ('discriminator', 'perceptual_loss', 'gan_loss', 'pixel_loss',
              'vgg', 'ema_model', 'discriminator_ema')
# parts of a whole-model state dict that are not the generator's weights
NOT_GENERATOR = TRAIN_ONLY + ('data_preprocessor', 'generator_ema')
# the training-only parts a model config builds as modules (set to None for
# inference; ``pixel_loss`` stays: mmagic's restorers build it always)
_BUILT_FOR_TRAINING = ('discriminator', 'perceptual_loss', 'gan_loss')


def top_part(key):
    """``'generator.head.x' -> 'generator'``."""
    return key.split('.', 1)[0]


def drop_training_parts(model_cfg):
    """Set the parts of an SR GAN model config that only training uses
    (discriminator, perceptual and GAN losses) to None, so inference never
    builds (or downloads) them. Changes ``model_cfg`` and returns it."""
    for key in _BUILT_FOR_TRAINING:
        if model_cfg.get(key):
            model_cfg[key] = None
    return model_cfg
