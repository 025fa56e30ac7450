from .output_size import FixedScaleDownSampling, SetOutputSize
from .random_group_sampling import RandomGroupSampling

__all__ = ['FixedScaleDownSampling', 'RandomGroupSampling', 'SetOutputSize']
