from .skip_nonfinite_optim_wrapper import SkipNonFiniteOptimWrapper

__all__ = ['SkipNonFiniteOptimWrapper']
