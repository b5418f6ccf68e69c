"""Servers the engine benchmark compares, each a separate process on a free loopback port.

- `easyths`: the real `easyths` command (sim backend, default settings) with a benchmark-only
  `noop` operation registered through the `easyths.operations` entry-point group, so the engine
  and HTTP layer are measured, not the sim.
- `floor`: `trivial_app.py` under `python -m uvicorn` with the same stack (uvloop, httptools,
  access log off).
- `peer`: the original 2.0.7 through `bench/peer/server_bench.py` in its own venv
  (`--log-mode quiet`: its engine without its logging, the most favourable case for it).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
CLK_TCK = os.sysconf("SC_CLK_TCK")

NOOP_PLUGIN = '''
from typing import ClassVar

from easyths.operations.base import NoParams, Operation


class NoopOperation(Operation):
    """Benchmark only: no broker call, so what is measured is the service around it."""

    name: ClassVar[str] = "noop"
    description: ClassVar[str] = "benchmark no-op"
    Params = NoParams
    read_only: ClassVar[bool] = True

    def run(self, broker, params):
        return {"message": "noop"}
'''


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, name: str, argv: list[str], env: dict[str, str], port: int | None, health: str) -> None:
        self.name = name
        self.argv = argv
        self.env = env
        self.port = port
        self.health = health
        self.proc: subprocess.Popen[bytes] | None = None
        self.port_file: Path | None = None
        self.started_in = 0.0

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 120) -> Server:
        t0 = time.perf_counter()
        self.proc = subprocess.Popen(self.argv, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        with httpx.Client(timeout=2) as c:
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"{self.name} exited with {self.proc.returncode}")
                if self.port is None and self.port_file is not None and self.port_file.exists():
                    text = self.port_file.read_text().strip()
                    self.port = int(text) if text else None
                if self.port is not None:
                    try:
                        if c.get(self.base + self.health).status_code == 200:
                            self.started_in = time.perf_counter() - t0
                            return self
                    except httpx.HTTPError:
                        pass
                time.sleep(0.02)
        raise RuntimeError(f"{self.name} did not start")

    def cpu(self) -> float:
        """Server CPU seconds so far (user + system, from /proc)."""
        assert self.proc is not None
        with open(f"/proc/{self.proc.pid}/stat") as f:
            parts = f.read().rsplit(")", 1)[1].split()
        return (int(parts[11]) + int(parts[12])) / CLK_TCK

    def rss_mb(self) -> float:
        assert self.proc is not None
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        return 0.0

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


def install_noop(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "bench_noop.py").write_text(NOOP_PLUGIN, encoding="utf-8")
    info = root / "bench_noop-0.1.dist-info"
    info.mkdir(exist_ok=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: bench-noop\nVersion: 0.1\n", encoding="utf-8")
    (info / "entry_points.txt").write_text("[easyths.operations]\nnoop = bench_noop:NoopOperation\n")
    return root


def easyths(home: Path, plugins: Path) -> Server:
    port = free_port()
    env = {**os.environ, "EASYTHS_HOME": str(home), "EASYTHS_LOGGING__LEVEL": "WARNING", "PYTHONPATH": str(plugins)}
    env.pop("API_KEY", None)
    exe = str(Path(sys.executable).parent / "easyths")
    return Server("easyths", [exe, "--port", str(port)], env, port, "/api/v1/system/health")


def floor() -> Server:
    port = free_port()
    argv = [sys.executable, "-m", "uvicorn", "trivial_app:app", "--port", str(port), "--no-access-log"]
    argv += ["--log-level", "warning", "--app-dir", str(HERE)]
    return Server("floor", argv, dict(os.environ), port, "/ping")


def peer(python: str, peerbench: Path, workdir: Path) -> Server:
    port_file = workdir / "peer.port"
    port_file.unlink(missing_ok=True)
    argv = [python, str(peerbench / "server_bench.py"), "--port-file", str(port_file), "--log-mode", "quiet"]
    argv += ["--log-file", str(workdir / "peer.log")]
    server = Server(
        "peer", argv, {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}, None, "/api/v1/queue/stats"
    )
    server.port_file = port_file
    return server


def prefill(journal: Path, count: int) -> None:
    """`count` finished noop operations, as the journal stores them, written in bulk."""
    from easyths.engine.journal import Journal

    Journal(journal, checkpoint_interval=None).close()  # the schema, as the service creates it
    db = sqlite3.connect(journal, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=OFF")
    start = db.execute("SELECT COALESCE(MAX(seq), 0) FROM operations").fetchone()[0]
    stamp = datetime.now(timezone(timedelta(hours=8))) - timedelta(hours=1)
    iso = stamp.isoformat()
    result = json.dumps({"success": True, "data": {"message": "noop", "success": True}, "message": "noop",
                         "timestamp": iso})  # fmt: skip
    batch = 50_000
    for first in range(start + 1, start + count + 1, batch):
        rows = [
            (str(uuid.uuid4()), seq, "noop", "{}", 0, "success", result, None, iso, iso, iso, iso, None, None, None)
            for seq in range(first, min(first + batch, start + count + 1))
        ]
        columns = "id, seq, name, params, priority, status, result, error, created_at, updated_at, started_at, "
        columns += "finished_at, idempotency_key, body_hash, hint"  # command and report stay NULL: a read
        db.execute("BEGIN")
        db.executemany(f"INSERT INTO operations ({columns}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
        db.execute("COMMIT")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
