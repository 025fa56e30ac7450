from .bf16_optim_wrapper import BF16OptimWrapper
from .skip_nonfinite_optim_wrapper import SkipNonFiniteOptimWrapper

__all__ = ['BF16OptimWrapper', 'SkipNonFiniteOptimWrapper']
