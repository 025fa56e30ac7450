from . import transforms  # noqa: F401
from .checked_image_dataset import CheckedImageDataset  # noqa: F401,E402
