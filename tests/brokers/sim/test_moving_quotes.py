"""Random and replay quotes move by themselves, touching only the orders of the codes that moved."""

from __future__ import annotations

import threading
from datetime import datetime
from pathlib import Path
from typing import Any

from easyths.brokers.base import Side
from easyths.brokers.sim import RandomWalkQuotes, ReplayQuotes, SimBroker, VirtualClock
from easyths.settings import SimSection, load_settings
from tests.brokers.sim.support import D

WED = datetime(2026, 11, 25, 9, 30)


def _random_sim(path: Path, start: datetime = WED) -> SimBroker:
    return SimBroker(path, SimSection(quotes="random"), clock=VirtualClock(start), quotes=RandomWalkQuotes(3))


def test_a_tick_moves_the_book_and_looks_only_at_the_codes_that_moved(tmp_path: Path) -> None:
    sim = _random_sim(tmp_path / "sim.db")
    codes = ["600000", "600004", "600006", "600007", "600008", "600009"]
    for code in codes:
        sim.set_quote(code, D("10.00"), D("10.00"))
        sim.place_order(Side.BUY, code, D("9.00"), 100)
    touched: list[str] = []
    reachable = sim.ctx.ledger.reachable

    def spy(code: str, *args: Any) -> Any:
        touched.append(code)
        return reachable(code, *args)

    sim.ctx.ledger.reachable = spy  # type: ignore[method-assign]
    before = {q["stock_code"]: q["price"] for q in sim.state()["quotes"]}
    moved = sim.tick()
    after = {q["stock_code"]: q["price"] for q in sim.state()["quotes"]}
    changed = {c for c in codes if before[c] != after[c]}
    assert moved == len(changed) and 0 < moved < len(codes)  # the walk also stands still sometimes
    assert set(touched) == changed  # no scan, no look at a code that did not move
    sim.close()


def test_nothing_moves_while_the_market_is_paused(tmp_path: Path) -> None:
    sim = _random_sim(tmp_path / "sim.db", WED.replace(hour=12))
    sim.set_quote("600000", D("10.00"), D("10.00"))
    assert sim.tick() == 0
    sim.close()


def test_a_replay_tick_on_the_virtual_clock_takes_the_next_timestamp(tmp_path: Path) -> None:
    csv = tmp_path / "day.csv"
    csv.write_text(
        "time,code,price,prev_close\n2026-11-25T10:00:00,600000,10.10,10.00\n"
        "2026-11-25T10:00:00,000001,12.00,12.00\n2026-11-25T10:05:00,600000,10.20,\n",
        encoding="utf-8",
    )
    sim = SimBroker(tmp_path / "sim.db", SimSection(quotes="replay", replay_file=csv), clock=VirtualClock(WED))
    assert isinstance(sim.quotes, ReplayQuotes)
    assert sim.tick() == 2
    assert sim.clock.now().strftime("%H:%M") == "10:00"
    assert sim.tick() == 1 and sim.state()["quotes"][1]["price"] == D("10.20")
    assert sim.tick() == 0  # the file is exhausted
    sim.close()


def test_the_service_sim_ticks_in_the_background_until_closed(tmp_path: Path) -> None:
    settings = load_settings(None, app={"home": str(tmp_path / "home")}, sim={"quotes": "random", "tick_seconds": 0.01})
    sim = SimBroker.from_settings(settings)
    assert sim._ticker is not None
    sim.set_quote("600000", D("10.00"), D("10.00"))
    moved = threading.Event()
    original = sim.tick

    def tick() -> int:
        n = original()
        if sim.clock.now() and n:
            moved.set()
        return n

    sim.tick = tick  # type: ignore[method-assign]
    assert moved.wait(5)
    sim.close()
    assert sim._ticker is None


def test_a_manual_source_starts_no_ticker(tmp_path: Path) -> None:
    sim = SimBroker.from_settings(load_settings(None, app={"home": str(tmp_path / "home")}))
    assert sim._ticker is None
    sim.close()
