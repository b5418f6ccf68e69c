"""A stub `pywinauto` (and `win32clipboard`/`win32gui`) that behaves as the evidence describes
pywinauto 0.6.8/0.6.9 (`docs/ths-facts.md#pywinauto`), so `PywinautoSeam`'s few lines run on
Linux: the tree's `select(path)` is fuzzy (difflib ratio, accepted at >= 0.6), `get_item(path,
exact=True)` raises `IndexError` for a missing caption, the clipboard's `GetData` raises when it
holds no text and `GetFormats` fails when the clipboard cannot be opened."""

from __future__ import annotations

import difflib
import sys
import threading
import types
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

CF_UNICODETEXT = 13


class Clipboard:
    """The system clipboard: `text` None holds nothing; `broken` makes OpenClipboard fail."""

    def __init__(self) -> None:
        self.text: str | None = None
        self.broken = False

    def GetFormats(self) -> list[int]:
        if self.broken:
            raise OSError("OpenClipboard: 拒绝访问")  # pywintypes.error in the field (easytrader #275)
        return [] if self.text is None else [CF_UNICODETEXT]

    def GetData(self, format_id: int = CF_UNICODETEXT) -> str:
        if format_id not in self.GetFormats():
            raise RuntimeError("That format is not available")
        assert self.text is not None
        return self.text


def _ratio(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b).ratio()


class TreeItem:
    def __init__(self, text: str, children: list[TreeItem] | None = None) -> None:
        self._text = text
        self._children = children or []
        self.selected = False

    def text(self) -> str:
        return self._text

    def children(self) -> list[TreeItem]:
        return self._children

    def select(self) -> None:
        self.selected = True


class TreeView:
    """`TreeViewWrapper` as 0.6.9 resolves paths: each level by the best `SequenceMatcher` ratio,
    rejected only below 0.6; `exact=True` compares equal texts and raises `IndexError`."""

    def __init__(self, roots: list[TreeItem]) -> None:
        self._roots = roots

    def roots(self) -> list[TreeItem]:
        return self._roots

    def get_item(self, path: str | list[str], exact: bool = False) -> TreeItem:
        parts = [p for p in path.split("\\") if p] if isinstance(path, str) else list(path)
        level = self._roots
        item: TreeItem | None = None
        for part in parts:
            if exact:
                found = [i for i in level if i.text() == part]
                if not found:
                    raise IndexError(f"There is no root element equal to '{part}'")
                item = found[0]
            else:
                best = max(level, key=lambda i: _ratio(part, i.text()))
                if _ratio(part, best.text()) < 0.6:
                    raise IndexError(f"There is no root element similar to '{part}'")
                item = best
            level = item.children()
        assert item is not None
        return item

    def select(self, path: str) -> None:
        self.get_item(path).select()  # never exact: the 0.6.9 behaviour


class Control:
    """A win32 control wrapper (`HwndWrapper`) with the calls the seam makes; keystrokes, clicks
    and edit texts are recorded, `on_keys` lets a test make the client answer a keystroke."""

    def __init__(
        self,
        handle: int = 1,
        text: str = "",
        *,
        class_name: str = "Static",
        control_id: int = 0,
        visible: bool = True,
        children: list[Control] | None = None,
    ) -> None:
        self.handle = handle
        self._text = text
        self._class = class_name
        self._id = control_id
        self._visible = visible
        self._children = children or []
        self.keys: list[str] = []
        self.key_options: list[dict[str, Any]] = []
        self.clicks: list[tuple[int, int]] = []
        self.edit_text: str | None = None
        self.on_keys: Any = None

    def window_text(self) -> str:
        return self._text

    def class_name(self) -> str:
        return self._class

    def control_id(self) -> int:
        return self._id

    def is_visible(self) -> bool:
        return self._visible

    def children(self) -> list[Control]:
        return self._children

    def type_keys(self, keys: str, **options: Any) -> None:
        self.keys.append(keys)
        self.key_options.append(options)
        if self.on_keys is not None:
            self.on_keys(keys)

    def click(self, coords: tuple[int, int] = (0, 0), **_: Any) -> None:
        """`HwndWrapper.click`: button messages posted at client `coords`."""
        self.clicks.append(coords)

    def set_edit_text(self, text: str) -> None:
        self.edit_text = text

    def set_focus(self) -> None:
        return None

    def close(self) -> None:
        return None


class Spec:
    """`WindowSpecification` for the Save-As window: exists once `window` is set."""

    def __init__(self) -> None:
        self.window: Control | None = None

    def exists(self, timeout: float = 0) -> bool:
        return self.window is not None

    def wrapper_object(self) -> SaveDialog:
        assert isinstance(self.window, SaveDialog)
        return self.window


class SaveDialog(Control):
    """另存为: its file-name Edit and 保存 button, found by `child_window`."""

    def __init__(self) -> None:
        super().__init__(handle=500, text="另存为", class_name="#32770")
        self.name_box = Control(501, class_name="Edit")
        self.save_button = Control(502, "保存(S)", class_name="Button")

    def child_window(self, **criteria: Any) -> Control:
        return self.name_box if criteria.get("class_name") == "Edit" else self.save_button


class App:
    """`Application(backend="win32")` as the seam uses it after attach: its process and the
    Save-As spec; `windows` are the process's visible top-level windows (`find_elements`)."""

    def __init__(self) -> None:
        self.process = 4242
        self.save = Spec()
        self.windows: list[Control] = []

    def window(self, **_: Any) -> Spec:
        return self.save


def modules(clipboard: Clipboard, app: App) -> dict[str, types.ModuleType]:
    pywinauto = types.ModuleType("pywinauto")
    findwindows = types.ModuleType("pywinauto.findwindows")
    findwindows.find_elements = lambda **_: list(app.windows)  # type: ignore[attr-defined]
    controls = types.ModuleType("pywinauto.controls")
    hwndwrapper = types.ModuleType("pywinauto.controls.hwndwrapper")
    hwndwrapper.HwndWrapper = lambda element: element  # type: ignore[attr-defined]  # elements are wrappers here
    clip = types.ModuleType("pywinauto.clipboard")
    clip.GetFormats = clipboard.GetFormats  # type: ignore[attr-defined]
    clip.GetData = clipboard.GetData  # type: ignore[attr-defined]
    handleprops = types.ModuleType("pywinauto.handleprops")
    handleprops.iswindow = lambda handle: True  # type: ignore[attr-defined]
    timings = types.ModuleType("pywinauto.timings")

    class TimeoutError(RuntimeError):
        pass

    timings.TimeoutError = TimeoutError  # type: ignore[attr-defined]
    pywinauto.Application = object  # type: ignore[attr-defined]
    pywinauto.findwindows = findwindows  # type: ignore[attr-defined]
    pywinauto.controls = controls  # type: ignore[attr-defined]
    controls.hwndwrapper = hwndwrapper  # type: ignore[attr-defined]
    pywinauto.handleprops = handleprops  # type: ignore[attr-defined]
    pywinauto.timings = timings  # type: ignore[attr-defined]
    pywinauto.clipboard = clip  # type: ignore[attr-defined]
    win32clipboard = types.ModuleType("win32clipboard")
    win32clipboard.CF_UNICODETEXT = CF_UNICODETEXT  # type: ignore[attr-defined]
    pythoncom = types.ModuleType("pythoncom")
    pythoncom.COINIT_MULTITHREADED = 0  # type: ignore[attr-defined]
    pythoncom.com_error = OSError  # type: ignore[attr-defined]
    pythoncom.CoInitializeEx = lambda flags: None  # type: ignore[attr-defined]
    win32gui = types.ModuleType("win32gui")
    win32gui.SetForegroundWindow = lambda handle: None  # type: ignore[attr-defined]
    return {
        "pywinauto": pywinauto,
        "pywinauto.clipboard": clip,
        "pywinauto.findwindows": findwindows,
        "pywinauto.controls": controls,
        "pywinauto.controls.hwndwrapper": hwndwrapper,
        "pywinauto.handleprops": handleprops,
        "pywinauto.timings": timings,
        "win32clipboard": win32clipboard,
        "win32gui": win32gui,
        "pythoncom": pythoncom,
    }


@contextmanager
def installed(monkeypatch: pytest.MonkeyPatch, clipboard: Clipboard, app: App | None = None) -> Iterator[Any]:
    """A `PywinautoSeam` built on the stubs, attached to a stub main window (and `app`)."""
    app = app or App()
    for name, module in modules(clipboard, app).items():
        monkeypatch.setitem(sys.modules, name, module)
    monkeypatch.setattr(sys, "platform", "win32")
    from easyths.brokers.ths import pywinauto_support
    from easyths.brokers.ths.pywinauto_seam import PywinautoSeam

    monkeypatch.setattr(pywinauto_support, "thread_state", threading.local())

    seam = PywinautoSeam(poll=0.001)
    seam._main = Control(handle=100, text="网上股票交易系统5.0", class_name="AfxFrameOrView140s")
    seam._app = app
    yield seam
