"""What the engine costs, as ratios from one run (issue 8's targets).

Systems, each its own process on loopback, measured in interleaved rounds (A, B, C, A, B, C …)
by this process as the client; every figure printed is the median over rounds of a per-round
ratio, because on a shared 2-core machine absolute times swing by up to 2× between runs:
- EasyTHS (`easyths`, default settings, a benchmark-only `noop` operation),
- the floor: a trivial FastAPI POST+GET app on the same server stack (`trivial_app.py`),
- the original 2.0.7 (`--peer PYTHON`: a Python 3.12 venv with easyths==2.0.7, see bench/peer/README.md),
- with `--million`: EasyTHS again on a journal pre-filled with 10^6 finished operations.

Run: `.venv/bin/python bench/bench_engine.py --peer .venv-peer207/bin/python --million`
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
import servers

Phase = dict[str, float]


def pct(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    k = (len(ordered) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(ordered) - 1)
    return (ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)) * 1000


class Target:
    """How to drive one system: its submit→result cycle, its `?wait` cycle and its cheapest GET."""

    def __init__(self, server: servers.Server, kind: str) -> None:
        self.server = server
        self.kind = kind

    def cycle(self, c: httpx.Client) -> None:
        if self.kind == "floor":
            item = c.post("/items", json={"params": {}}).json()["data"]["id"]
            assert c.get(f"/items/{item}").json()["success"]
            return
        body: dict[str, Any] = {} if self.kind == "peer" else {"params": {}}
        r = c.post("/api/v1/operations/noop", json=body)
        op = r.json()["data"]["operation_id"]
        result = c.get(f"/api/v1/operations/{op}/result", params={"timeout": 10}).json()
        assert result["success"] is True, result

    def wait_cycle(self, c: httpx.Client) -> None:
        body = c.post("/api/v1/operations/noop", params={"wait": 10}, json={"params": {}}).json()
        assert body["data"]["result"]["success"] is True, body

    def get(self, c: httpx.Client) -> None:
        c.get("/ping" if self.kind == "floor" else "/api/v1/queue/stats").raise_for_status()


def timed(server: servers.Server, fn: Callable[[httpx.Client], None], n: int) -> Phase:
    with httpx.Client(base_url=server.base, timeout=30) as c:
        for _ in range(20):
            fn(c)
        samples = []
        cpu0 = server.cpu()
        for _ in range(n):
            t0 = time.perf_counter()
            fn(c)
            samples.append(time.perf_counter() - t0)
        cpu = server.cpu() - cpu0
    return {"p50": pct(samples, 50), "p99": pct(samples, 99), "cpu_ms": cpu * 1000 / n}


def loaded(server: servers.Server, fn: Callable[[httpx.Client], None], clients: int, per: int) -> Phase:
    samples: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    go = threading.Event()

    def client() -> None:
        mine = []
        with httpx.Client(base_url=server.base, timeout=60) as c:
            for _ in range(5):  # connection open before the clock starts (retried: 50 at once may be reset)
                try:
                    fn(c)
                    break
                except httpx.HTTPError:
                    errors.append("warm-up")
            go.wait()
            for _ in range(per):
                t0 = time.perf_counter()
                try:
                    fn(c)
                except httpx.HTTPError as exc:
                    errors.append(type(exc).__name__)
                    continue
                mine.append(time.perf_counter() - t0)
        with lock:
            samples.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    time.sleep(0.3)
    cpu0 = server.cpu()
    t0 = time.perf_counter()
    go.set()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    cpu = server.cpu() - cpu0
    return {
        "p50": pct(samples, 50),
        "p99": pct(samples, 99),
        "ops": len(samples) / wall,
        "cpu_ms": cpu * 1000 / len(samples),
    }


def measure(t: Target, n: int, per10: int, per50: int) -> dict[str, Phase]:
    out = {"cycle": timed(t.server, t.cycle, n), "get": timed(t.server, t.get, n)}
    if t.kind == "easyths":
        out["wait"] = timed(t.server, t.wait_cycle, n)
    out["c10"] = loaded(t.server, t.cycle, 10, per10)
    out["c50"] = loaded(t.server, t.cycle, 50, per50)
    return out


def med(values: list[float]) -> str:
    return f"{statistics.median(values):.2f}" if values else "-"


def report(rounds: list[dict[str, dict[str, Phase]]]) -> None:
    def r(fn: Callable[[dict[str, dict[str, Phase]]], float]) -> list[float]:
        found = []
        for one in rounds:
            with contextlib.suppress(KeyError):
                found.append(fn(one))
        return found

    e = "easyths"
    print(f"\nMedians over {len(rounds)} interleaved rounds (each figure a median of per-round ratios)")
    rows = [
        (
            "cycle p50 / trivial FastAPI POST+GET p50",
            r(lambda x: x[e]["cycle"]["p50"] / x["floor"]["cycle"]["p50"]),
            "≤ 1.5",
        ),
        ("?wait p50 / GET p50 (same server)", r(lambda x: x[e]["wait"]["p50"] / x[e]["get"]["p50"]), "≤ 1.5"),
        ("?wait p50 / trivial GET p50", r(lambda x: x[e]["wait"]["p50"] / x["floor"]["get"]["p50"]), ""),
        (
            "server CPU per cycle / trivial cycle",
            r(lambda x: x[e]["cycle"]["cpu_ms"] / x["floor"]["cycle"]["cpu_ms"]),
            "",
        ),
        ("p99 / p50 sequential", r(lambda x: x[e]["cycle"]["p99"] / x[e]["cycle"]["p50"]), "≤ 1.5"),
        ("p99 / p50 at 10 clients", r(lambda x: x[e]["c10"]["p99"] / x[e]["c10"]["p50"]), "≤ 1.5"),
        ("p99 / p50 at 50 clients", r(lambda x: x[e]["c50"]["p99"] / x[e]["c50"]["p50"]), ""),
        ("ops/s at 10 clients / 2.0.7", r(lambda x: x[e]["c10"]["ops"] / x["peer"]["c10"]["ops"]), "≥ 5"),
        ("ops/s at 50 clients / 2.0.7", r(lambda x: x[e]["c50"]["ops"] / x["peer"]["c50"]["ops"]), ""),
        ("cycle p50 2.0.7 / EasyTHS", r(lambda x: x["peer"]["cycle"]["p50"] / x[e]["cycle"]["p50"]), ""),
        (
            "server CPU per cycle 2.0.7 / EasyTHS",
            r(lambda x: x["peer"]["cycle"]["cpu_ms"] / x[e]["cycle"]["cpu_ms"]),
            "",
        ),
        (
            "cycle p50 at 10^6 ops / empty journal",
            r(lambda x: x["million"]["cycle"]["p50"] / x[e]["cycle"]["p50"]),
            "≤ 1.1",
        ),
        ("ops/s at 10 clients, 10^6 / empty", r(lambda x: x["million"]["c10"]["ops"] / x[e]["c10"]["ops"]), ""),
    ]
    for label, values, target in rows:
        if values:
            spread = f"(rounds: {min(values):.2f}–{max(values):.2f})"
            print(f"  {label:<42} {med(values):>6}×  {spread:<22} {('target ' + target) if target else ''}")
    print("\nAbsolute medians (ms; ops/s), for orientation only:")
    for name in ("easyths", "floor", "peer", "million"):
        if name not in rounds[0]:
            continue
        phases = rounds[0][name]
        parts = []
        for phase in phases:
            p50 = statistics.median(x[name][phase]["p50"] for x in rounds)
            p99 = statistics.median(x[name][phase]["p99"] for x in rounds)
            cpu = statistics.median(x[name][phase]["cpu_ms"] for x in rounds)
            extra = (
                f" {statistics.median(x[name][phase]['ops'] for x in rounds):.0f}/s" if "ops" in phases[phase] else ""
            )
            parts.append(f"{phase} p50 {p50:.2f} p99 {p99:.2f} cpu {cpu:.2f}{extra}")
        print(f"  {name:<8} " + " | ".join(parts))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--n", type=int, default=400, help="sequential requests per phase and round")
    ap.add_argument("--per10", type=int, default=60, help="cycles per client at 10 clients")
    ap.add_argument("--per50", type=int, default=12, help="cycles per client at 50 clients")
    ap.add_argument("--peer", help="python of a venv with easyths==2.0.7 (see README)")
    ap.add_argument("--peerbench", default=str(servers.HERE / "peer"), help="folder of server_bench.py")
    ap.add_argument("--million", action="store_true", help="also 10^6 journalled operations (minutes)")
    ap.add_argument("--count", type=int, default=1_000_000)
    args = ap.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]  # progress shows when redirected
    work = Path(tempfile.mkdtemp(prefix="easyths-bench-"))
    plugins = servers.install_noop(work / "plugins")
    started: list[servers.Server] = []
    try:
        targets = [Target(servers.easyths(work / "empty", plugins), "easyths"), Target(servers.floor(), "floor")]
        if args.peer:
            targets.append(Target(servers.peer(args.peer, Path(args.peerbench), work), "peer"))
        if args.million:
            home = work / "million"
            home.mkdir()
            t0 = time.perf_counter()
            servers.prefill(home / "journal.db", args.count)
            print(f"journal pre-filled with {args.count:,} finished operations in {time.perf_counter() - t0:.0f} s")
            targets.append(Target(servers.easyths(home, plugins), "million"))
        for t in targets:
            started.append(t.server.start())
            print(f"{t.kind:<8} started in {t.server.started_in:.2f} s, RSS {t.server.rss_mb():.0f} MB")
        rounds = []
        for i in range(args.rounds):
            one = {t.kind: measure(t, args.n, args.per10, args.per50) for t in targets}
            rounds.append(one)
            e = one["easyths"]
            print(
                f"round {i + 1}: easyths cycle p50 {e['cycle']['p50']:.2f} ms, "
                f"floor {one['floor']['cycle']['p50']:.2f} ms"
            )
        report(rounds)
        if args.million:
            million(targets, work)
    finally:
        for s in started:
            s.stop()


def million(targets: list[Target], work: Path) -> None:
    by = {t.kind: t.server for t in targets}
    empty, full = by["easyths"], by["million"]
    print(
        f"\n10^6 journalled operations (after the rounds): RSS {full.rss_mb():.0f} MB vs {empty.rss_mb():.0f} MB empty"
    )
    db = work / "million" / "journal.db"
    size = sum(p.stat().st_size for p in db.parent.glob("journal.db*")) / 2**20
    print(f"  journal size {size:.0f} MB")
    for server in (empty, full):
        server.stop()
        server.start()
    print(
        f"  restart, process start to first health answer: {full.started_in:.2f} s with 10^6, "
        f"{empty.started_in:.2f} s empty"
    )
    recover = {}
    for name in ("empty", "million"):
        recover[name] = recover_seconds(work / name / "journal.db")
    print(f"  of which journal open + recovery: {recover['million']:.3f} s with 10^6, {recover['empty']:.3f} s empty")


def recover_seconds(journal: Path) -> float:
    """What a restart spends on the journal itself: open it, recover, count (no imports, no HTTP)."""
    from easyths.engine.engine import Engine
    from easyths.engine.journal import Journal
    from easyths.operations.registry import Registry
    from easyths.settings import QueueSection

    registry = Registry()
    t0 = time.perf_counter()
    j = Journal(journal, checkpoint_interval=None)
    engine = Engine(j, registry, SimpleNamespace(backend="bench"), QueueSection())  # type: ignore[arg-type]  # no calls
    engine.start(threads=False)
    elapsed = time.perf_counter() - t0
    engine.shutdown(0)
    j.close()
    return elapsed


if __name__ == "__main__":
    main()
