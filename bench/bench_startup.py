"""Start-up cost of the `easyths` command: import time, process start to the first 200 from
`GET /api/v1/system/health`, and resident memory, on an empty journal and on one pre-filled with
`--count` finished operations (10^6 by default).

Why separate from `bench_engine.py`: a restart is what a user waits for after a crash or an
update, and it is cheap to measure on its own (seconds, not minutes, once the journal is filled).
Figures only; the target (issue 8) is a restart under 2 s and memory flat at 10^6.

Run: `.venv/bin/python bench/bench_startup.py [--count N] [--rounds R] [--journal PATH]`
(`--journal` reuses a pre-filled journal.db, copied, so repeated runs skip the prefill).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import servers  # bench/servers.py (the script's folder is on sys.path): the launcher bench_engine.py uses


def import_seconds(module: str = "easyths.cli.main") -> float:
    """Wall time of `python -c 'import module'` minus a bare interpreter start."""

    def run(code: str) -> float:
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        return time.perf_counter() - t0

    bare = min(run("pass") for _ in range(3))
    return min(run(f"import {module}") for _ in range(3)) - bare


def loaded_modules() -> int:
    """How many modules a served process has imported by the time it answers (its own count)."""
    code = "import sys, easyths.cli.main; print(len(sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    return int(out.strip())


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def measure(home: Path, plugins: Path, warm: int) -> dict[str, float]:
    """Start the service, wait for health, read RSS, drive `warm` requests that touch the journal
    (listing, counts), read RSS again, stop."""
    server = servers.easyths(home, plugins).start()
    try:
        rss_start, cpu_start = server.rss_mb(), server.cpu()
        with httpx.Client(base_url=server.base, timeout=30) as c:
            for _ in range(warm):
                c.get("/api/v1/operations", params={"limit": 50}).raise_for_status()
                c.get("/api/v1/queue/stats").raise_for_status()
                op = c.post("/api/v1/operations/noop?wait=5", json={}).json()
                assert op.get("success"), op
        return {"start": server.started_in, "cpu": cpu_start, "rss": rss_start, "rss_after": server.rss_mb()}
    finally:
        server.stop()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--count", type=int, default=1_000_000, help="operations pre-filled in the full journal")
    ap.add_argument("--rounds", type=int, default=5, help="starts of each service, interleaved")
    ap.add_argument("--warm", type=int, default=200, help="requests after start before the second RSS reading")
    ap.add_argument("--journal", type=Path, help="a pre-filled journal.db to copy instead of filling one")
    args = ap.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    work = Path(tempfile.mkdtemp(prefix="easyths-startup-"))
    try:
        print(f"load average before: {load_average()}  ({os.cpu_count()} CPUs)")
        print(f"import easyths.cli.main: {import_seconds() * 1000:.0f} ms, {loaded_modules()} modules")
        plugins = servers.install_noop(work / "plugins")
        empty, full = work / "empty", work / "full"
        empty.mkdir()
        full.mkdir()
        t0 = time.perf_counter()
        if args.journal:
            shutil.copy(args.journal, full / "journal.db")
        else:
            servers.prefill(full / "journal.db", args.count)
        print(f"full journal ready in {time.perf_counter() - t0:.0f} s ({args.count:,} operations)")
        rows: dict[str, list[dict[str, float]]] = {"empty": [], "full": []}
        for i in range(args.rounds):
            for name, home in (("empty", empty), ("full", full)):
                rows[name].append(measure(home, plugins, args.warm))
            e, f = rows["empty"][-1], rows["full"][-1]
            print(f"round {i + 1}: start {e['start']:.2f} s empty, {f['start']:.2f} s full  (load {load_average()})")
        print()
        for name in ("empty", "full"):
            r = rows[name]
            start = statistics.median(x["start"] for x in r)
            low, high = min(x["start"] for x in r), max(x["start"] for x in r)
            cpu = statistics.median(x["cpu"] for x in r)
            rss = statistics.median(x["rss"] for x in r)
            after = statistics.median(x["rss_after"] for x in r)
            label = "empty journal" if name == "empty" else f"{args.count:,} operations"
            print(
                f"{label:>20}: process start -> first health 200 {start:.2f} s ({low:.2f}-{high:.2f}), "
                f"server CPU by then {cpu:.2f} s, RSS {rss:.0f} MB at start, "
                f"{after:.0f} MB after {args.warm} rounds of requests"
            )
        size = sum(p.stat().st_size for p in full.glob("journal.db*")) / 2**20
        print(f"journal size {size:.0f} MB; load average after: {load_average()}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
