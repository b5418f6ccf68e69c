"""Driver time per operation on the emulated client, next to the peers' published timings.

The emulator answers at once (zero client latency, virtual time), so what is measured is the
driver's own cost plus the emulator and the sim behind it; the sim alone is measured too, so the
difference is the GUI-driving overhead. The peers' published 1.5–2.0 s per order is mostly fixed
sleeps (`docs/ths-facts.md#timings`, `#order-steps`); a driver that waits on state pays only what
the real client needs on top of these figures.

    python bench/bench_ths.py [-n 50] [--popups]

"client wait s" is the time the driver waited on the client per operation (virtual seconds on the
emulator, real seconds on a real client): with the popups off only failures come as dialogs, so
the driver waits `[broker].dialog_grace` where a dialog could still say "rejected".
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from easyths.brokers.base import Broker, MarketStrategy, Side
from easyths.brokers.sim import SimBroker, VirtualClock
from easyths.brokers.ths import ThsBroker
from easyths.brokers.ths.emulator import ThsEmulator
from easyths.settings import BrokerSection, SimSection

PUBLISHED = {  # seconds per operation on the real client, peers' GUI automation
    "buy": "1.5–2.0 s",
    "sell": "1.5–2.0 s",
    "market_buy": "2.5–3.5 s",
    "holdings": "1.6–3.2 s",
    "funds": "0.6–1.0 s",
    "today_orders": "2.8–3.3 s",
    "cancel_by_contract": "1.0–1.6 s",
    "repo_lend": "1.8–2.2 s",
    "condition_buy": "2.4–3.1 s",
}
D = Decimal


def setup(path: Path) -> SimBroker:
    sim = SimBroker(
        path,
        SimSection(initial_cash=D("100000000"), accounts=["主账户", "副账户"]),
        clock=VirtualClock(datetime(2026, 11, 25, 10, 0)),
    )
    sim.set_quote("600000", D("10.00"), D("10.00"), name="浦发银行")
    sim.place_order(Side.BUY, "600000", D("10.00"), 100_000)
    sim.advance(days=1)
    sim.set_quote("600000", D("10.00"), D("10.00"), name="浦发银行")
    sim.set_quote("000001", D("12.00"), D("12.00"), name="平安银行")
    sim.set_quote("204001", D("2.500"))
    return sim


def operations(b: Broker) -> dict[str, Callable[[], Any]]:
    def cancel_one() -> Callable[[], Any]:
        ack = b.place_order(Side.BUY, "000001", D("11.50"), 100)  # prepared outside the timing
        return lambda: b.cancel_orders(contract_no=ack.contract_no)

    def cancel_condition() -> Callable[[], Any]:
        b.place_condition_order(Side.BUY, "000001", D("11.00"), 100, 5)
        return lambda: b.cancel_condition_orders(stock_code="000001")

    return {
        "buy": lambda: b.place_order(Side.BUY, "600000", D("9.80"), 100),
        "sell": lambda: b.place_order(Side.SELL, "600000", D("10.50"), 100),
        "market_buy": lambda: b.place_market_order(Side.BUY, "600000", 100, MarketStrategy.FIVE_LEVEL_CANCEL),
        "holdings": b.holdings,
        "funds": b.funds,
        "today_orders": b.today_orders,
        "today_fills": b.today_fills,
        "history": lambda: b.order_history("近一周"),
        "cancel_by_contract": cancel_one,  # a factory: set-up untimed
        "repo_rates": b.repo_rates,
        "repo_lend": lambda: b.lend_repo("上海", 1, 1000),
        "condition_buy": lambda: b.place_condition_order(Side.BUY, "000001", D("11.00"), 100, 5),
        "stop_loss_profit": lambda: b.place_stop_loss_profit("600000", D("3"), D("5"), 100, 5),
        "condition_query": b.condition_orders,
        "condition_cancel": cancel_condition,
        "accounts": b.accounts,
        "switch_account": lambda: (b.switch_account("副账户"), b.switch_account("主账户")),
    }


FACTORIES = {"cancel_by_contract", "condition_cancel"}


def measure(
    make: Callable[[Path], tuple[Broker, ThsEmulator | None]], n: int
) -> dict[str, tuple[list[float], float, float]]:
    """Per operation: durations (ms), seam calls per run and the time the driver waited on the
    client's clock per run (virtual seconds: dialog waits that cost real time on a real client),
    each operation on a fresh account."""
    out: dict[str, tuple[list[float], float, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        names = list(operations(make(Path(tmp) / "probe.db")[0]))
        for i, name in enumerate(names):
            broker, emu = make(Path(tmp) / f"{i}.db")
            op = operations(broker)[name]
            times: list[float] = []
            steps = 0
            waited = 0.0
            for _ in range(n):
                call = op() if name in FACTORIES else op
                before = emu.steps if emu else 0
                clock = emu.now if emu else 0.0
                start = time.perf_counter()
                call()
                times.append((time.perf_counter() - start) * 1000)
                steps += (emu.steps - before) if emu else 0
                waited += (emu.now - clock) if emu else 0.0
            out[name] = (times, steps / n, waited / n)
    return out


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=50, help="runs per operation")
    parser.add_argument("--popups", action="store_true", help="client confirmation/success popups on")
    args = parser.parse_args()

    def ths(path: Path) -> tuple[Broker, ThsEmulator]:
        emu = ThsEmulator(setup(path), popups=args.popups)
        broker = ThsBroker(emu, BrokerSection(backend="ths", step_timeout=5))
        broker.startup_check()  # learns the popup setting, as in production
        return broker, emu

    def sim(path: Path) -> tuple[Broker, None]:
        return setup(path), None

    driver, bare = measure(ths, args.n), measure(sim, args.n)
    columns = f"{'operation':<20}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'sim p50':>9}{'seam calls':>12}"
    header = f"{columns}{'client wait s':>15}   published (real client)"
    popups = "on" if args.popups else "off"
    print(f"THS driver on the emulator, zero client latency, popups {popups}, n={args.n} per operation")
    print(header)
    print("-" * len(header))
    for name, (times, steps, waited) in driver.items():
        print(
            f"{name:<20}{pct(times, 0.50):>9.2f}{pct(times, 0.95):>9.2f}{pct(times, 0.99):>9.2f}"
            f"{statistics.median(bare[name][0]):>9.2f}{steps:>12.0f}{waited:>15.2f}   {PUBLISHED.get(name, '')}"
        )


if __name__ == "__main__":
    main()
