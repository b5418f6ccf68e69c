"""`PywinautoSeam` against a stub pywinauto that behaves as the evidence says: the seam reports
what it saw and raises what went wrong; it never turns an error into "" nor picks a fuzzy match."""

from __future__ import annotations

import pytest

from easyths.errors import SeamError
from tests.ths.stub_pywinauto import Clipboard, installed


def test_the_clipboard_text_is_read_as_it_is(monkeypatch: pytest.MonkeyPatch) -> None:
    clipboard = Clipboard()
    clipboard.text = "证券代码\t合同编号\t\r\n"
    with installed(monkeypatch, clipboard) as seam:
        assert seam.clipboard_text() == "证券代码\t合同编号\t\r\n"


def test_a_clipboard_with_no_text_is_empty_not_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    with installed(monkeypatch, Clipboard()) as seam:
        assert seam.clipboard_text() == ""  # GetData would raise "That format is not available"


def test_a_clipboard_that_cannot_be_read_is_an_error_never_empty(monkeypatch: pytest.MonkeyPatch) -> None:
    clipboard = Clipboard()
    clipboard.text = "证券代码\t合同编号\t\r\n"
    clipboard.broken = True
    with installed(monkeypatch, clipboard) as seam, pytest.raises(SeamError, match="OpenClipboard"):
        seam.clipboard_text()
