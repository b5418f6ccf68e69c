"""What each THS operation costs: GUI actions counted on the emulated client, a modelled time
from a stated per-action latency profile, beside easytrader's and the original's flows.

The emulator answers at once, so wall time here is the driver's own cost (and the sim's behind
it); what an operation costs on a real client is its GUI actions, each of which takes the client
some time. The actions are counted by the driver's counting seam (the same counts `/metrics`
exports as `easyths_ths_gui_actions_total`), and turned into seconds by `PROFILE` below. The
peers' counts are counted by hand from their flows as `docs/ths-facts.md` describes them
(`#order-steps`, `#navigation`, `#copy`, `#export`, `#cancel-by-contract`, `#funds`); their
published timings (`docs/ths-facts.md#timings`) are printed beside. A modelled time is a model:
it ranks flows by what they ask of the client, it proves nothing about a given client.

    python bench/bench_ths.py [-n 20] [--popups] [--markdown]

"client wait s" is the time the driver waited on the client per operation (virtual seconds on the
emulator): with the popups off only failures come as dialogs, so the driver waits
`[broker].dialog_grace` where a dialog could still say "rejected".
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
from easyths.brokers.ths.counting import ACTIONS
from easyths.brokers.ths.emulator import ThsEmulator
from easyths.settings import BrokerSection, SimSection

# Seconds the client takes per action (one profile, stated; edit it to model another client).
# Sources, docs/ths-facts.md#timings: easytrader waits 0.2 s after a menu selection and easyths
# 0.15 + 0.1 s; easyths 0.08 s between fields and easytrader 0.1 s after the code; pywinauto waits
# 0.09 s after a click and 0.06 s after focusing; easyths waits 0.25-0.3 s for a popup, 0.2 s for
# a combo to open; a copy pauses 0.2 s between Ctrl+A and Ctrl+C (#copy); an export waits for the
# save dialog and the file (easytrader polls 10 x 0.2 s, #export).
PROFILE: dict[str, float] = {
    "menu": 0.25,  # a tree selection and the page's repaint
    "key": 0.05,  # a keystroke (F5, Enter, Backspace) to a window
    "type": 0.10,  # one field typed
    "click": 0.10,
    "select": 0.20,  # a combo item, or a grid row ticked / focused
    "dialog": 0.10,  # a popup's button pressed (or the popup closed)
    "popup_check": 0.02,  # one look at the open top-level windows
    "popup_wait": 0.30,  # waiting for a popup that may come
    "wait": 0.10,  # waiting for a page or a field to show
    "copy": 0.50,  # Ctrl+A, 0.2 s, Ctrl+C, the clipboard read
    "export": 0.70,  # Ctrl+S, the save dialog, the file written and read
    "captcha": 0.30,  # a captcha image read and its answer typed (#timings: recognition about 0.3 s)
    "read": 0.01,  # one control found or its text read
    "attach": 0.05,
}

PUBLISHED = {  # seconds per operation on the real client, the original's README (#timings)
    "buy": "1.5–2.0",
    "sell": "1.5–2.0",
    "market_buy": "2.5–3.5",
    "holding_query": "1.6–3.2",
    "funds_query": "0.6–1.0",
    "order_query": "2.8–3.3",
    "historical_commission_query": "2.8–3.3",
    "order_cancel": "1.0–1.6",
    "reverse_repo_buy": "1.8–2.2",
    "reverse_repo_query": "0.9–1.3",
    "condition_buy": "2.4–3.1",
    "stop_loss_profit": "2.6–3.2",
    "condition_order_query": "1.7–2.1",
    "condition_order_cancel": "2.0–2.5",
}

Counts = dict[str, int]
_ORDER_ON: Counts = {"popup_wait": 1, "dialog": 2}  # 委托确认 answered 是, the 提示 with 合同编号 closed
# easytrader (ET, docs/ths-facts.md#sources): navigation closes popups, selects the tree item and
# sends F5 (#navigation); an order types 3 fields and clicks 1006, then checks for popups
# (#order-steps); a grid read is its default Copy strategy (#copy); a cancel by 合同编号 refreshes,
# reads the 撤单 grid, double-clicks the row and handles the popups (#cancel-by-contract); funds
# are the statics of the 资金股票 page (#funds). (counts with the popups off, extra when on)
_ET_NAV: Counts = {"popup_check": 1, "menu": 1, "key": 1}
PEERS: dict[str, dict[str, tuple[Counts, Counts]]] = {
    "easytrader": {
        "buy": ({**_ET_NAV, "type": 3, "click": 1, "popup_wait": 1}, _ORDER_ON),
        "sell": ({**_ET_NAV, "type": 3, "click": 1, "popup_wait": 1}, _ORDER_ON),
        "market_buy": ({**_ET_NAV, "type": 2, "select": 1, "click": 1, "popup_wait": 1}, _ORDER_ON),
        "holding_query": ({**_ET_NAV, "copy": 1}, {}),
        "order_query": ({**_ET_NAV, "copy": 1}, {}),
        "funds_query": ({**_ET_NAV, "read": 7}, {}),
        "order_cancel": ({**_ET_NAV, "key": 2, "copy": 1, "select": 1, "popup_wait": 1}, _ORDER_ON),
    },
    # the original (EZ v1.7.1; its 2.x for the cancel by 合同编号): F3 then F1/F2, 3 fields typed,
    # Enter, a wait for a popup, then 1036 read (#order-steps, #read-back); F4 for the holdings;
    # a grid read clicks the grid and copies (#copy); a cancel presses F3, copies the grid and
    # double-clicks the estimated row (#cancel-by-contract).
    "original": {
        "buy": ({"key": 3, "type": 3, "popup_wait": 1, "read": 1}, _ORDER_ON),
        "sell": ({"key": 3, "type": 3, "popup_wait": 1, "read": 1}, _ORDER_ON),
        "market_buy": ({"menu": 1, "key": 2, "type": 2, "select": 1, "popup_wait": 1, "read": 1}, _ORDER_ON),
        "holding_query": ({"key": 1, "click": 1, "copy": 1, "popup_check": 1}, {}),
        "order_query": ({"menu": 1, "key": 1, "click": 1, "copy": 1, "popup_check": 1}, {}),
        "funds_query": ({"key": 1, "read": 7}, {}),
        "order_cancel": ({"key": 1, "copy": 1, "select": 1, "popup_wait": 1}, _ORDER_ON),
    },
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
    """Each operation under the name the API gives it (the `operation` label in /metrics)."""

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
        "holding_query": b.holdings,
        "funds_query": b.funds,
        "order_query": b.today_orders,
        "today_fills": b.today_fills,
        "historical_commission_query": lambda: b.order_history("近一周"),
        "order_cancel": cancel_one,  # by 合同编号; a factory: set-up untimed
        "reverse_repo_query": b.repo_rates,
        "reverse_repo_buy": lambda: b.lend_repo("上海", 1, 1000),
        "condition_buy": lambda: b.place_condition_order(Side.BUY, "000001", D("11.00"), 100, 5),
        "stop_loss_profit": lambda: b.place_stop_loss_profit("600000", D("3"), D("5"), 100, 5),
        "condition_order_query": b.condition_orders,
        "condition_order_cancel": cancel_condition,
        "account_query": b.accounts,
        "account_switch": lambda: (b.switch_account("副账户"), b.switch_account("主账户")),
    }


FACTORIES = {"order_cancel", "condition_order_cancel"}


Measured = dict[str, tuple[list[float], Counts, float]]


def measure(make: Callable[[Path], tuple[Broker, ThsEmulator | None]], n: int) -> Measured:
    """Per operation: durations (ms), GUI actions per run (by action) and the time the driver
    waited on the client's clock per run (virtual seconds), each operation on a fresh account."""
    out: Measured = {}
    with tempfile.TemporaryDirectory() as tmp:
        names = list(operations(make(Path(tmp) / "probe.db")[0]))
        for i, name in enumerate(names):
            broker, emu = make(Path(tmp) / f"{i}.db")
            op = operations(broker)[name]
            times: list[float] = []
            waited = 0.0
            for _ in range(n):
                call = op() if name in FACTORIES else op
                clock = emu.now if emu else 0.0
                start = time.perf_counter()
                if isinstance(broker, ThsBroker):
                    with broker.operation_scope(name):
                        call()
                else:
                    call()
                times.append((time.perf_counter() - start) * 1000)
                waited += (emu.now - clock) if emu else 0.0
            total = broker.gui_actions.of(name) if isinstance(broker, ThsBroker) else {}
            out[name] = (times, {a: round(c / n) for a, c in total.items()}, waited / n)
    return out


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def modelled(counts: Counts) -> float:
    return sum(PROFILE[a] * c for a, c in counts.items())


def peer(name: str, operation: str, popups: bool) -> Counts | None:
    flow = PEERS[name].get(operation)
    if flow is None:
        return None
    counts = dict(flow[0])
    for action, extra in (flow[1] if popups else {}).items():
        counts[action] = counts.get(action, 0) + extra
    return counts


def brief(counts: Counts) -> str:
    """The actions that cost most, e.g. "4 menu, 6 popup_wait, 2 export"."""
    keep = [a for a in ACTIONS if counts.get(a) and a not in ("read", "popup_check", "attach")]
    return ", ".join(f"{counts[a]} {a}" for a in keep)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=20, help="runs per operation")
    parser.add_argument("--popups", action="store_true", help="client confirmation/success popups on")
    parser.add_argument("--markdown", action="store_true", help="the cost table as Markdown (for the README)")
    args = parser.parse_args()

    def ths(path: Path) -> tuple[Broker, ThsEmulator]:
        emu = ThsEmulator(setup(path), popups=args.popups)
        # [broker].popups states the client's setting, as a user states theirs; the start-up
        # check refuses a client whose dialogs disagree with it, as in production
        popups = "on" if args.popups else "off"
        broker = ThsBroker(emu, BrokerSection(backend="ths", step_timeout=5, popups=popups))
        broker.startup_check()
        return broker, emu

    def sim(path: Path) -> tuple[Broker, None]:
        return setup(path), None

    driver, bare = measure(ths, args.n), measure(sim, args.n)
    popups = "on" if args.popups else "off"
    profile = ", ".join(f"{a} {v:g}" for a, v in PROFILE.items())
    print(f"THS driver on the emulator, popups {popups}, n={args.n} per operation; profile (s): {profile}")
    if args.markdown:
        print("\n| 操作 | 我们的界面动作 | 模型耗时 s | easytrader s | 原版 s | 原版公布 s |")
        print("|---|---|---:|---:|---:|---|")
    else:
        print(f"\n{'operation':<28}{'modelled s':>11}{'easytrader':>11}{'original':>10}{'published':>11}   our actions")
    for name, (_, counts, _) in driver.items():
        et, ez = peer("easytrader", name, args.popups), peer("original", name, args.popups)
        cells = [f"{modelled(c):.2f}" if c is not None else "—" for c in (et, ez)]
        if args.markdown:
            published = PUBLISHED.get(name, "—")
            print(f"| {name} | {brief(counts)} | {modelled(counts):.2f} | {cells[0]} | {cells[1]} | {published} |")
        else:
            print(
                f"{name:<28}{modelled(counts):>11.2f}{cells[0]:>11}{cells[1]:>10}{PUBLISHED.get(name, '—'):>11}"
                f"   {brief(counts)}"
            )
    if args.markdown:
        return
    header = f"{'operation':<28}" + "".join(f"{a:>{len(a) + 2}}" for a in ACTIONS)
    print(f"\nGUI actions per operation (ours)\n{header}\n{'-' * len(header)}")
    for name, (_, counts, _) in driver.items():
        print(f"{name:<28}" + "".join(f"{counts.get(a, 0):>{len(a) + 2}}" for a in ACTIONS))
    for name in PEERS:
        print(f"\nGUI actions per operation ({name}, counted from its flows as docs/ths-facts.md describes them)")
        print(f"{header}\n{'-' * len(header)}")
        for op in PEERS[name]:
            counts = peer(name, op, args.popups) or {}
            print(f"{op:<28}" + "".join(f"{counts.get(a, 0):>{len(a) + 2}}" for a in ACTIONS))
    print(f"\n{'operation':<28}{'p50 ms':>9}{'p95 ms':>9}{'sim p50':>9}{'client wait s':>15}")
    for name, (times, _, waited) in driver.items():
        sim_p50 = statistics.median(bare[name][0])
        print(f"{name:<28}{pct(times, 0.50):>9.2f}{pct(times, 0.95):>9.2f}{sim_p50:>9.2f}{waited:>15.2f}")


if __name__ == "__main__":
    main()
