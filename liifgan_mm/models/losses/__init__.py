from .latent_grid_loss import latent_grid_l1
from .perceptual_loss import OfflinePerceptualVGG, VGG19PerceptualLoss

__all__ = ['OfflinePerceptualVGG', 'VGG19PerceptualLoss', 'latent_grid_l1']
