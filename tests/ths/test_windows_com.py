"""The Windows-only edges of the pywinauto seam, run here against stand-ins for pywin32 and
pywinauto: which COM apartment the GUI worker joins, and a capture without Pillow."""

from __future__ import annotations

import sys
import threading
import types

import pytest

from easyths.brokers.ths import pywinauto_support
from easyths.brokers.ths.pywinauto_support import com_ready, png_bytes
from easyths.brokers.ths.seam import SeamError


class FakeComError(Exception):
    pass


@pytest.fixture
def pythoncom(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """A pythoncom that records each thread's CoInitializeEx flags; a fresh per-thread state."""
    calls: list[int] = []
    module = types.SimpleNamespace(
        COINIT_MULTITHREADED=0,
        COINIT_APARTMENTTHREADED=2,
        com_error=FakeComError,
        CoInitializeEx=calls.append,
    )
    monkeypatch.setitem(sys.modules, "pythoncom", module)
    monkeypatch.setitem(sys.modules, "pywinauto", types.ModuleType("pywinauto"))
    monkeypatch.setattr(pywinauto_support, "thread_state", threading.local())
    return calls


def in_a_worker_thread() -> None:
    worker = threading.Thread(target=com_ready)
    worker.start()
    worker.join()


def test_the_gui_worker_joins_the_multithreaded_apartment_pywinauto_set_up(
    pythoncom: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """pywinauto sets sys.coinit_flags = 0 (MTA) on import; the worker used to ask for STA (2)."""
    monkeypatch.setattr(sys, "coinit_flags", 0, raising=False)
    in_a_worker_thread()
    assert pythoncom == [0]


def test_the_worker_follows_an_apartment_chosen_before_pywinauto(
    pythoncom: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "coinit_flags", 2, raising=False)
    in_a_worker_thread()
    assert pythoncom == [2]


def test_com_is_initialised_once_per_thread(pythoncom: list[int], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "coinit_flags", 0, raising=False)

    def twice() -> None:
        com_ready()
        com_ready()

    worker = threading.Thread(target=twice)
    worker.start()
    worker.join()
    in_a_worker_thread()
    assert pythoncom == [0, 0]


def test_a_thread_set_up_otherwise_is_logged_not_fatal(
    pythoncom: list[int], monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def refuse(flags: int) -> None:
        raise FakeComError("RPC_E_CHANGED_MODE")

    monkeypatch.setattr(sys.modules["pythoncom"], "CoInitializeEx", refuse)
    com_ready()
    assert "线程模型" in caplog.text


def test_a_capture_without_pillow_is_a_named_seam_error_not_an_attribute_error() -> None:
    with pytest.raises(SeamError, match="Pillow"):
        png_bytes(None)
