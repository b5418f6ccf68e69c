"""EasyTHS: the 同花顺 trading client as a local HTTP service, with an embedded simulated broker.

`from easyths import Client, AsyncClient` gives the typed SDK; it is imported on first use, so
the service and the CLI do not pay for it.
"""

from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

try:
    __version__ = version("easyths")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0"

if TYPE_CHECKING:
    from easyths.client import ApiError, AsyncClient, Client, OperationFailed, OperationTimeout

_LAZY = {"Client", "AsyncClient", "ApiError", "OperationFailed", "OperationTimeout"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import easyths.client

        return getattr(easyths.client, name)
    raise AttributeError(f"module 'easyths' has no attribute {name!r}")


__all__ = ["ApiError", "AsyncClient", "Client", "OperationFailed", "OperationTimeout", "__version__"]
