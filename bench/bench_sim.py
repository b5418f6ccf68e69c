"""Quote updates per second on a loaded sim book, and proof that a quote touches only its code.

The book: 10^4 resting limit orders and 10^4 waiting condition orders spread over 10^3 codes
(10 + 10 per code), none of which a quote in the measured range reaches, so every update pays
the full cost of looking at its code's orders and conditions without trading. Measured:
- `set_quote` (the control route's path): one quote, one transaction;
- `tick()` of the random source over all 10^3 codes (the background task's path): updates/s of
  the codes that moved;
- isolation: the order and condition rows read for one quote, counted with SQLite's trace hook.

    python bench/bench_sim.py [-n 2000] [--codes 1000] [--per-code 10]
"""

from __future__ import annotations

import argparse
import re
import tempfile
import time
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from easyths.brokers.base import Side
from easyths.brokers.sim import RandomWalkQuotes, SimBroker, VirtualClock
from easyths.domain import reference
from easyths.settings import SimSection

START = datetime(2026, 11, 25, 9, 30)


def _codes(n: int) -> list[str]:
    """Real main-board codes from the shipped reference data (600000, 600004, …)."""
    data = reference.load()
    return sorted(c for c, s in data.securities.items() if s.type in ("沪市主板", "深市主板"))[:n]


def build(path: Path, codes: list[str], per_code: int) -> SimBroker:
    sim = SimBroker(
        path,
        SimSection(initial_cash=Decimal(10) ** 9, quotes="random", tick_seconds=0),
        clock=VirtualClock(START),
        quotes=RandomWalkQuotes(seed=7),
    )
    for code in codes:
        sim.set_quote(code, Decimal("10.00"), Decimal("10.00"))
        for i in range(per_code):
            sim.place_order(Side.BUY, code, Decimal("9.50") - Decimal("0.01") * i, 100)  # below any tick
            sim.place_condition_order(Side.BUY, code, Decimal("9.00") - Decimal("0.01") * i, 100, 30)
    return sim


def measure_set_quote(sim: SimBroker, codes: list[str], n: int) -> float:
    prices = [Decimal("10.00"), Decimal("10.01"), Decimal("9.99"), Decimal("10.02")]
    t0 = time.perf_counter()
    for i in range(n):
        sim.set_quote(codes[i % len(codes)], prices[i % len(prices)])
    return n / (time.perf_counter() - t0)


def measure_ticks(sim: SimBroker, rounds: int) -> tuple[float, int]:
    moved = 0
    t0 = time.perf_counter()
    for _ in range(rounds):
        moved += sim.tick()
    elapsed = time.perf_counter() - t0
    return moved / elapsed, moved


def rows_read(sim: SimBroker, code: str) -> dict[str, set[str]]:
    """The codes whose order / condition rows one quote of `code` reads."""
    seen: dict[str, set[str]] = {"orders": set(), "conditions": set()}
    statements: list[str] = []
    sim.store.conn.set_trace_callback(statements.append)
    sim.set_quote(code, Decimal("10.01"))
    sim.store.conn.set_trace_callback(None)
    for sql in statements:
        for table in seen:
            if re.search(rf"FROM {table}\b", sql):
                seen[table].update(re.findall(r"code = '(\d{6})'", sql) or ["<all>"])
    return seen


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=2000, help="quotes to time through set_quote")
    parser.add_argument("--codes", type=int, default=1000)
    parser.add_argument("--per-code", type=int, default=10)
    parser.add_argument("--ticks", type=int, default=5, help="random-source ticks over all codes")
    args = parser.parse_args()
    codes = _codes(args.codes)
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        sim = build(Path(tmp) / "sim.db", codes, args.per_code)
        built = time.perf_counter() - t0
        orders = len(sim.today_orders())
        conditions = len(sim.condition_orders())
        print(f"book: {len(codes)} codes, {orders} resting orders, {conditions} conditions (built in {built:.1f} s)")
        rate = measure_set_quote(sim, codes, args.n)
        print(f"set_quote: {rate:,.0f} quote updates/s ({args.n} updates)")
        tick_rate, moved = measure_ticks(sim, args.ticks)
        print(f"tick (random source, all codes): {tick_rate:,.0f} quote updates/s ({moved} codes moved)")
        seen = rows_read(sim, codes[0])
        print(f"one quote of {codes[0]} read order rows of {sorted(seen['orders'])}")
        print(f"                  and condition rows of {sorted(seen['conditions'])}")
        assert len(sim.today_fills()) == 0, "the benchmark book must not trade"
        sim.close()


if __name__ == "__main__":
    main()
