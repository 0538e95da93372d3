"""The installed version of gansampler, declared once in pyproject.toml."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("gansampler")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"
