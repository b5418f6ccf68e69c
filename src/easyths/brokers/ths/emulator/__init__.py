"""The emulated 同花顺 client: a backend beside the driver it exercises (`--backend emulator`).

`ThsEmulator` is an emulated xiadan.exe window tree behind the driver's `GuiSeam`, trading
through a `Broker` passed in (the sim); `Faults` switches on what a real client does wrong;
`EmulatedThsBroker` (in `backend`) wires both into the service. Like httpx's `MockTransport`, it
ships beside the real thing so anyone can run the driver without Windows or an account.

Imports point one way: `client` (with its `dialogs` and `grids`) → `pages` → the page builders
(`order_form`, `cancel_page`, `conditions`, `condition_monitor`, `panels`) → `nodes`/`faults`;
pages see the client only through the `nodes.Screen` protocol.
"""

from easyths.brokers.ths.emulator.client import ThsEmulator
from easyths.brokers.ths.emulator.faults import FAULT_NAMES, Faults

__all__ = ["FAULT_NAMES", "Faults", "ThsEmulator"]
