"""Console streams that cannot die on Chinese text, whatever code page Windows gives them.

Why: with output redirected (`easyths orders > orders.txt`, a pipe, Task Scheduler's log), Python
encodes stdout in the ANSI code page. Chinese Windows (code page 936, GBK) carries our column
names; any other code page (1252 on an English or European Windows) cannot, and stdout's default
`strict` error handler ended the command with UnicodeEncodeError after the order was placed.
Such a stream is switched to UTF-8, what editors read by default; `--json` on it is written with
`\\uXXXX` escapes instead, because a PowerShell pipeline decodes a program's output in the console's
code page, and ASCII JSON decodes to the same keys (合同编号) under every code page
(docs/windows.md, "输出编码").
"""

from __future__ import annotations

import sys
from typing import TextIO

_PROBE = "合同编号：买入已成"

# False when stdout could not carry Chinese as its reader expects it: JSON then goes out as ASCII.
_state = {"stdout_native": True}


def carries_chinese(stream: TextIO) -> bool:
    try:
        _PROBE.encode(stream.encoding or "ascii")
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def prepare(stdout: TextIO | None = None, stderr: TextIO | None = None) -> None:
    """Switch each stream that cannot encode Chinese to UTF-8; remember it for stdout."""
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    for stream in (stdout, stderr):
        if stream is None or carries_chinese(stream):
            continue
        if stream is stdout:
            _state["stdout_native"] = False
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(encoding="utf-8", errors="replace")


def json_ascii() -> bool:
    """`ensure_ascii` for JSON printed on stdout."""
    return not _state["stdout_native"]


__all__ = ["carries_chinese", "json_ascii", "prepare"]
