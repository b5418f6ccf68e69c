"""Ctrl+C with a live event stream open: the stream ends and the service stops cleanly, instead of
uvicorn waiting out the graceful-shutdown timeout for a response that never ends."""

from __future__ import annotations

import threading
from pathlib import Path

import httpx

from tests.e2e.conftest import Server


def test_ctrl_c_ends_open_event_streams_and_stops_cleanly(server_factory: type[Server], tmp_path: Path) -> None:
    server = server_factory(tmp_path / "home", extra_env={"EASYTHS_QUEUE__SHUTDOWN_GRACE": "60"}).start()
    opened = threading.Event()
    lines: list[str] = []

    def listen() -> None:
        with httpx.stream("GET", f"{server.url}/api/v1/events", timeout=httpx.Timeout(5, read=None)) as r:
            opened.set()
            lines.extend(r.iter_lines())

    reader = threading.Thread(target=listen, daemon=True)
    reader.start()
    assert opened.wait(20)
    assert server.stop() == 0  # stop() kills after 20 s: a stream holding the shutdown would fail here
    reader.join(10)
    assert not reader.is_alive() and lines[0] == "retry: 2000"
    assert "Traceback" not in server.log.read_text(errors="replace")
