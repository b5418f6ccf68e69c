"""Test doubles shipped with the package: `ThsEmulator`, an emulated THS client behind the
driver's GUI seam (like httpx's `MockTransport`)."""

from easyths.testing._ths_tree import Faults
from easyths.testing.ths_emulator import ThsEmulator

__all__ = ["Faults", "ThsEmulator"]
