from .dual_implicit_head import DualImplicitHead
from .liifgan import LIIFGAN
from .liifgan_net import LIIFGANEDSRNet

__all__ = ['DualImplicitHead', 'LIIFGAN', 'LIIFGANEDSRNet']
