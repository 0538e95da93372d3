"""gansampler: learn an empirical distribution with a GAN and sample from it.

The estimators and networks are imported on first use, so that importing the
package (and running ``gansampler --help``) does not import torch; and so is
``__version__``, which reads the installed package's metadata.
"""

import importlib as _importlib

__all__ = [
    "ColumnStatistics",
    "DataMap",
    "Discriminator",
    "GANNet",
    "GANResampler",
    "GANSampler",
    "Generator",
    "RowReservoir",
    "TableMap",
    "__version__",
    "dask",
    "draw_rows",
    "exceptions",
    "iter_rows",
    "load",
    "metrics",
]

_HOMES = {
    "ColumnStatistics": "._reservoir",
    "DataMap": "._preprocessing",
    "Discriminator": "._networks",
    "GANNet": "._net",
    "GANResampler": "._resampler",
    "GANSampler": "._sampler",
    "Generator": "._networks",
    "RowReservoir": "._reservoir",
    "TableMap": "._table",
    "__version__": "._version",
    "dask": ".dask",
    "draw_rows": "._drawing",
    "exceptions": ".exceptions",
    "iter_rows": "._drawing",
    "load": "._loading",
    "metrics": ".metrics",
    # Reached as an attribute, not imported by *: it needs matplotlib to draw.
    "plotting": ".plotting",
}


def __getattr__(name):
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'gansampler' has no attribute {name!r}")
    module = _importlib.import_module(home, __name__)
    value = module if home.lstrip(".") == name else getattr(module, name)
    globals()[name] = value
    return value


def __dir__():
    # The public names, loaded or not: no private helper of this module.
    loaded = {name for name in globals() if not name.startswith("_")}
    return sorted(loaded | set(__all__) | set(_HOMES))
