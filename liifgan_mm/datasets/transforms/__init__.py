from .random_group_sampling import RandomGroupSampling

__all__ = ['RandomGroupSampling']
