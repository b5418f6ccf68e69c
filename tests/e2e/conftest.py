"""Run the real `easyths` command as a subprocess on a free loopback port."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

EASYTHS = str(Path(sys.executable).parent / "easyths")
# Windows delivers Ctrl+Break to a process group, so each server gets its own; uvicorn stops on SIGBREAK.
NEW_GROUP = getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0)
STOP_SIGNAL = getattr(signal, "CTRL_BREAK_EVENT", signal.SIGINT)
# A hand-built environment still needs these on Windows: without SYSTEMROOT Python cannot start.
WINDOWS_ESSENTIALS = {name: os.environ[name] for name in ("SYSTEMROOT",) if name in os.environ}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, home: Path, extra_env: dict[str, str] | None = None, args: list[str] | None = None) -> None:
        self.home = home
        self.port = free_port()
        self.env = {**os.environ, "EASYTHS_HOME": str(home), **(extra_env or {})}
        self.env.pop("API_KEY", None) if "API_KEY" not in (extra_env or {}) else None
        self.args = args or []
        self.proc: subprocess.Popen[bytes] | None = None
        self.log = home / f"server-{self.port}.out"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Server:
        self.home.mkdir(parents=True, exist_ok=True)
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(
                [EASYTHS, "--port", str(self.port), *self.args],
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                cwd=self.home,
                creationflags=NEW_GROUP,
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"easyths exited: {self.log.read_text(errors='replace')}")
            try:
                if httpx.get(f"{self.url}/api/v1/system/health", timeout=1, headers=self.headers).status_code in (
                    200,
                    401,
                ):
                    return self
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError(f"easyths did not start: {self.log.read_text(errors='replace')}")

    @property
    def headers(self) -> dict[str, str]:
        key = self.env.get("API_KEY")
        return {"Authorization": f"Bearer {key}"} if key else {}

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, headers=self.headers, timeout=30)

    def kill(self) -> None:
        """SIGKILL on POSIX, TerminateProcess on Windows: no handler runs, nothing is drained."""
        assert self.proc is not None
        self.proc.kill()
        self.proc.wait(10)

    def stop(self) -> int:
        """Ctrl+C as a user gives it (Ctrl+Break to the process group on Windows, which has no SIGINT to send)."""
        assert self.proc is not None
        if self.proc.poll() is None:
            self.proc.send_signal(STOP_SIGNAL)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        return self.proc.returncode


@pytest.fixture(params=["sim", "emulator"])
def backend(request: pytest.FixtureRequest) -> str:
    """The same end-to-end script under `--backend sim` and `--backend emulator` (the THS driver
    against the emulated client, popups off as in the reference's settings)."""
    return str(request.param)


def backend_args(backend: str) -> list[str]:
    return [] if backend == "sim" else ["--backend", backend]


@pytest.fixture
def server_factory(tmp_path: Path) -> Iterator[type[Server]]:
    started: list[Server] = []

    class Tracked(Server):
        def start(self) -> Server:
            started.append(self)
            return super().start()

    yield Tracked
    for server in started:
        if server.proc is not None and server.proc.poll() is None:
            server.proc.kill()
            server.proc.wait(5)
