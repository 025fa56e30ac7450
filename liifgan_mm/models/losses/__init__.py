from .perceptual_loss import OfflinePerceptualVGG, VGG19PerceptualLoss

__all__ = ['OfflinePerceptualVGG', 'VGG19PerceptualLoss']
