"""A live service for tests that need a real socket: uvicorn in a thread on a free loopback port."""

from __future__ import annotations

import threading
import time

import uvicorn
from fastapi import FastAPI


class LiveServer:
    """Serves one app on 127.0.0.1:<free port> from a thread; stops it on `close()`."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app
        # Open event streams (a dashboard) would hold a graceful shutdown: give them a second, not forever.
        config = uvicorn.Config(
            app, host="127.0.0.1", port=0, log_level="warning", lifespan="on", timeout_graceful_shutdown=1
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, name="live-server", daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"

    def close(self) -> None:
        self.server.should_exit = True
        self.thread.join(15)
