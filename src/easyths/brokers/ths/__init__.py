"""The THS (同花顺 xiadan.exe) backend: a driver written against a narrow GUI seam.

`ThsBroker(seam, config)` implements `easyths.brokers.base.Broker`; `PywinautoSeam` is the real
seam (Windows only, imported lazily), `easyths.brokers.ths.emulator.ThsEmulator` the emulated one.
"""

from easyths.brokers.ths.broker import ThsBroker
from easyths.brokers.ths.seam import ControlInfo, DialogInfo, GuiSeam, Locator, SeamError, WindowGone

__all__ = ["ControlInfo", "DialogInfo", "GuiSeam", "Locator", "SeamError", "ThsBroker", "WindowGone"]
