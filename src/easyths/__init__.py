"""EasyTHS: the 同花顺 trading client as a local HTTP service, with an embedded simulated broker."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("easyths")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0"

__all__ = ["__version__"]
