"""Kept for scripts written against earlier releases: the emulated client now lives beside the
driver, in `easyths.brokers.ths.emulator` (it is a backend, not test code)."""

from easyths.brokers.ths.emulator import Faults, ThsEmulator

__all__ = ["Faults", "ThsEmulator"]
