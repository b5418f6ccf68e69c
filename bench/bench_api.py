"""Service overhead: submit→result over HTTP against a bare GET on the same server.

Starts `easyths` (sim backend, fresh EASYTHS_HOME) on a free loopback port and prints latency
percentiles and throughput. DESIGN §3 targets: a submit→result cycle within 2× a bare GET round
trip; p99 under load within 2× of p50. Run: `.venv/bin/python bench/bench_api.py [--n 500]`.
`--wide` binds 0.0.0.0 with a key instead, so the service runs the bounded h11 protocol it uses
where strangers can connect (header size and time limits, connection cap) instead of httptools:
the two runs side by side are what those bounds cost (reached over 127.0.0.1 either way).
"""

from __future__ import annotations

import argparse
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pct(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] * 1000


def line(label: str, samples: list[float]) -> str:
    return (
        f"{label:<34} n={len(samples):<6} p50={pct(samples, 50):7.2f} ms  p95={pct(samples, 95):7.2f} ms  "
        f"p99={pct(samples, 99):7.2f} ms  mean={statistics.fmean(samples) * 1000:7.2f} ms"
    )


def cycle(c: httpx.Client, name: str = "funds_query") -> float:
    t0 = time.perf_counter()
    op = c.post(f"/api/v1/operations/{name}", json={"params": {}}).json()["data"]["operation_id"]
    body = c.get(f"/api/v1/operations/{op}/result", params={"timeout": 30}).json()
    assert body["success"], body
    return time.perf_counter() - t0


def cycle_inline(c: httpx.Client) -> float:
    """One request: submit with ?wait= returns the result inline."""
    t0 = time.perf_counter()
    body = c.post("/api/v1/operations/funds_query", params={"wait": 30}, json={"params": {}}).json()
    assert body["data"]["result"]["success"], body
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=500)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--wide", action="store_true", help="bind 0.0.0.0 with a key (bounded h11 protocol)")
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="easyths-bench-"))
    port = free_port()
    exe = str(Path(sys.executable).parent / "easyths")
    env = {**os.environ, "EASYTHS_HOME": str(home), "EASYTHS_LOGGING__LEVEL": "WARNING"}
    env.pop("API_KEY", None)
    argv, headers = [exe, "--port", str(port)], {}
    if args.wide:
        key = secrets.token_urlsafe(24)
        env["API_KEY"] = key
        argv += ["--host", "0.0.0.0"]
        headers = {"Authorization": f"Bearer {key}"}
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, timeout=30, headers=headers) as c:
            for _ in range(300):
                try:
                    c.get("/api/v1/system/health")
                    break
                except httpx.HTTPError:
                    time.sleep(0.1)
            for _ in range(50):  # warm-up
                c.get("/api/v1/queue/stats")
                cycle(c)
            bare = []
            for _ in range(args.n):
                t0 = time.perf_counter()
                c.get("/api/v1/queue/stats")
                bare.append(time.perf_counter() - t0)
            cycles = [cycle(c) for _ in range(args.n)]
            inline = [cycle_inline(c) for _ in range(args.n)]

        loaded: list[float] = []
        lock = threading.Lock()

        def worker(count: int) -> None:
            with httpx.Client(base_url=base, timeout=60, headers=headers) as wc:
                mine = [cycle(wc) for _ in range(count)]
            with lock:
                loaded.extend(mine)

        per = max(1, args.n // args.clients)
        threads = [threading.Thread(target=worker, args=(per,)) for _ in range(args.clients)]
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - t0

        protocol = "bound 0.0.0.0: bounded h11" if args.wide else "loopback: httptools"
        print(f"EasyTHS service overhead (sim backend, funds_query, {os.cpu_count()} CPUs, {protocol})")
        print(line("bare GET /queue/stats", bare))
        print(line("submit→result, one client", cycles))
        print(line("submit?wait (one request)", inline))
        print(line(f"submit→result, {args.clients} clients", loaded))
        ratio = statistics.median(cycles) / statistics.median(bare)
        print(f"cycle / bare GET (p50):            {ratio:.2f}×   (target ≤ 2×; original 2.0.7: 3.2×)")
        inline_ratio = statistics.median(inline) / statistics.median(bare)
        print(f"submit?wait / bare GET (p50):      {inline_ratio:.2f}×")
        print(f"p99 / p50 under load:              {pct(loaded, 99) / pct(loaded, 50):.2f}×   (target ≤ 2×)")
        print(f"throughput under load:             {len(loaded) / elapsed:.0f} operations/s")
    finally:
        proc.terminate()
        proc.wait(10)


if __name__ == "__main__":
    main()
