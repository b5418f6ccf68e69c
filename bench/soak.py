"""Soak: mixed load on the real service for a set time, printing what it costs as it goes.

Why: a leak or a store that grows with reads shows only over minutes. This starts `easyths` (sim
backend, manual quotes, the virtual clock standing at a session open) as its own process on a
free loopback port, then runs at once, until `--minutes` pass:
- `--workers` clients polling queries through `/api/v1/operations/{name}?wait=` (order_query,
  holding_query, funds_query, historical_commission_query) as fast as answered;
- one trader placing `--orders-per-second` limit buys below the market (they rest on the book)
  and cancelling them every 10 s;
- `--sse` clients reading `/api/v1/events` live;
- one dashboard polling `/api/v1/dashboard/account` (the shared account read) every second.
Every `--interval` seconds it prints the server's RSS (and peak), open descriptors, threads,
journal.db and events.db sizes (with their WAL files), operations done, and the bytes the two
databases grew per 1,000 operations since the start and over the last interval.

    .venv/bin/python bench/soak.py --minutes 12
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from servers import free_port

MIX = (  # the queries a strategy polls; orders come from `trader` at a trader's pace
    ("order_query", 40),
    ("holding_query", 25),
    ("funds_query", 25),
    ("historical_commission_query", 10),
)
QUERY_PARAMS = {"historical_commission_query": {"time_range": "当日"}}


def proc_status(pid: int) -> dict[str, int]:
    found: dict[str, int] = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM", "Threads"):
                found[key] = int(value.split()[0])
    found["fds"] = len(os.listdir(f"/proc/{pid}/fd"))
    return found


def db_bytes(home: Path, name: str) -> int:
    return sum(p.stat().st_size for p in home.glob(f"{name}*") if p.is_file())


class Load:
    def __init__(self, base: str, seed: int) -> None:
        self.base = base
        self.stop = threading.Event()
        self.ops = 0
        self.errors = 0
        self.events = 0
        self.lock = threading.Lock()
        self.rng = random.Random(seed)
        names = [name for name, weight in MIX for _ in range(weight)]
        self.names = names

    def worker(self, seed: int) -> None:
        rng = random.Random(seed)
        with httpx.Client(base_url=self.base, timeout=30) as c:
            while not self.stop.is_set():
                name = rng.choice(self.names)
                self.run(c, name, QUERY_PARAMS.get(name, {}))

    def run(self, c: httpx.Client, name: str, params: dict[str, object]) -> None:
        try:
            r = c.post(f"/api/v1/operations/{name}?wait=10", json={"params": params})
            ok = r.status_code == 200 and r.json()["data"]["status"] in ("success", "failed")
        except httpx.HTTPError:
            ok = False
        with self.lock:
            self.ops += 1
            self.errors += 0 if ok else 1

    def trader(self, per_second: float) -> None:
        with httpx.Client(base_url=self.base, timeout=30) as c:
            placed = 0
            while not self.stop.wait(1 / per_second):
                self.run(c, "buy", {"stock_code": "600000", "price": 9.5, "quantity": 100})
                placed += 1
                if placed % max(1, int(10 * per_second)) == 0:
                    self.run(c, "order_cancel", {"stock_code": "600000"})

    def listener(self) -> None:
        with httpx.Client(base_url=self.base, timeout=httpx.Timeout(30, read=None)) as c:
            while not self.stop.is_set():
                try:
                    with c.stream("GET", "/api/v1/events") as stream:
                        for line in stream.iter_lines():
                            if line.startswith("data:"):
                                with self.lock:
                                    self.events += 1
                            if self.stop.is_set():
                                return
                except httpx.HTTPError:
                    time.sleep(0.5)

    def dashboard(self) -> None:
        with httpx.Client(base_url=self.base, timeout=30) as c:
            while not self.stop.wait(1.0):
                try:
                    c.get("/api/v1/dashboard/account")
                except httpx.HTTPError:
                    with self.lock:
                        self.errors += 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=12.0)
    parser.add_argument("--interval", type=float, default=60.0, help="seconds between two printed rows")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--sse", type=int, default=5)
    parser.add_argument("--orders-per-second", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=19)
    args = parser.parse_args()

    home = Path(tempfile.mkdtemp(prefix="easyths-soak-"))
    port = free_port()
    env = {**os.environ, "EASYTHS_HOME": str(home), "EASYTHS_LOGGING__LEVEL": "WARNING"}
    env.pop("API_KEY", None)
    exe = str(Path(sys.executable).parent / "easyths")
    proc = subprocess.Popen([exe, "--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    load = Load(base, args.seed)
    threads: list[threading.Thread] = []
    try:
        with httpx.Client(base_url=base, timeout=10) as c:
            for _ in range(600):
                try:
                    if c.get("/api/v1/system/health").status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                time.sleep(0.1)
            r = c.put("/api/v1/sim/quotes/600000", json={"price": 10.0, "prev_close": 10.0})
            r.raise_for_status()
        threads += [
            threading.Thread(target=load.worker, args=(args.seed + i,), daemon=True) for i in range(args.workers)
        ]
        threads += [threading.Thread(target=load.listener, daemon=True) for _ in range(args.sse)]
        threads.append(threading.Thread(target=load.dashboard, daemon=True))
        threads.append(threading.Thread(target=load.trader, args=(args.orders_per_second,), daemon=True))
        for t in threads:
            t.start()
        start = time.monotonic()
        base_bytes = db_bytes(home, "journal.db") + db_bytes(home, "events.db")
        last_ops, last_bytes = 0, base_bytes
        print(
            f"soak: {args.workers} query workers, 1 trader ({args.orders_per_second:g} orders/s), {args.sse} SSE"
            f" clients, 1 dashboard, {args.minutes:g} min, home {home}"
        )
        header = (
            f"{'min':>5} {'ops':>7} {'err':>4} {'events':>8} {'RSS MB':>7} {'peak':>6} {'fds':>4} {'thr':>4} "
            f"{'journal MB':>10} {'events MB':>9} {'B/1k ops':>9} {'B/1k last':>9}"
        )
        print(header)
        end = start + args.minutes * 60
        while True:
            now = time.monotonic()
            time.sleep(max(0.0, min(args.interval, end - now)))
            st = proc_status(proc.pid)
            journal, events = db_bytes(home, "journal.db"), db_bytes(home, "events.db")
            with load.lock:
                ops, errors, seen = load.ops, load.errors, load.events
            grown = journal + events - base_bytes
            per_k = grown * 1000 / ops if ops else 0.0
            per_k_last = (journal + events - last_bytes) * 1000 / (ops - last_ops) if ops > last_ops else 0.0
            last_ops, last_bytes = ops, journal + events
            print(
                f"{(time.monotonic() - start) / 60:5.1f} {ops:7d} {errors:4d} {seen:8d} {st['VmRSS'] / 1024:7.1f} "
                f"{st['VmHWM'] / 1024:6.1f} {st['fds']:4d} {st['Threads']:4d} {journal / 2**20:10.2f} "
                f"{events / 2**20:9.2f} {per_k:9.0f} {per_k_last:9.0f}",
                flush=True,
            )
            if time.monotonic() >= end:
                break
    finally:
        load.stop.set()
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
        for t in threads:
            t.join(2)


if __name__ == "__main__":
    main()
