"""gansampler: learn an empirical distribution with a GAN and sample from it."""

from . import exceptions, metrics
from ._net import GANNet
from ._networks import Discriminator, Generator
from ._resampler import GANResampler
from ._sampler import GANSampler
from ._version import __version__

__all__ = [
    "Discriminator",
    "GANNet",
    "GANResampler",
    "GANSampler",
    "Generator",
    "__version__",
    "exceptions",
    "metrics",
]
