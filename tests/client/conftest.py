"""The real app for SDK and CLI tests: in process (AppTransport / ASGITransport) and on loopback."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI

from easyths.api.app import create_app
from easyths.client import AppTransport, Client
from tests.conftest import make_settings

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture
def sim_app(tmp_path: Path) -> FastAPI:
    """The real app on the sim backend (virtual clock at a session open)."""
    return create_app(make_settings(tmp_path))


@pytest.fixture
def sdk(sim_app: FastAPI) -> Iterator[Client]:
    """The blocking SDK driving the real app in process."""
    with Client(transport=AppTransport(sim_app)) as client:
        yield client


class LoopbackServer:
    """uvicorn in a thread on a socket bound to 127.0.0.1:0 (a free port the OS picked)."""

    def __init__(self, app: FastAPI) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> LoopbackServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(15)
        self.sock.close()


@pytest.fixture
def loopback(sim_app: FastAPI) -> Iterator[LoopbackServer]:
    with LoopbackServer(sim_app) as server:
        yield server
