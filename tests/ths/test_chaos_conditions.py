"""Condition orders under every emulator fault, alone and all at once: the status the user sees
agrees with the emulator's condition book (`success` names a condition on it, `failed` left none,
`unknown` is settled by reconciling), none is set twice, none reaches the book with a price,
quantity or direction other than asked, a query never answers a list other than the book's, and
a delete never touches another condition."""

from __future__ import annotations

import contextlib
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from easyths.brokers.base import ConditionAck, Side
from easyths.brokers.ths.emulator import Faults
from easyths.brokers.ths.emulator.faults import FAULT_NAMES
from easyths.errors import BrokerError, BrokerRejected, BrokerUnavailable, OutcomeUnknown
from tests.ths.support import D, Harness, ths_harness


def harness(tmp_path: Path, popups: bool, rates: dict[str, float]) -> Harness:
    h = ths_harness(tmp_path / "sim.db", faults=Faults(seed=11), popups=popups)
    h.quote("600000", "10.00", name="浦发银行")
    h.quote("000001", "12.00", name="平安银行")
    h.sim.place_order(Side.BUY, "600000", D("10.00"), 1000)  # a holding, sellable tomorrow
    h.sim.advance(days=1)
    h.quote("600000", "10.00", "10.00", name="浦发银行")
    h.quote("000001", "12.00", "12.00", name="平安银行")
    assert h.emu is not None
    h.emu.faults.rates.update(rates)  # faults from here: the set-up above is the user's, by hand
    return h


def conditions(h: Harness) -> dict[str, dict[str, Any]]:
    return {str(r["条件单编号"]): r for r in h.sim.condition_orders()}


def status(h: Harness, place: Callable[[], ConditionAck]) -> tuple[str, str | None]:
    """What the engine would finally show: unknown is reconciled (bounded) as the engine does."""
    assert h.emu is not None
    try:
        return "success", place().condition_id
    except (BrokerRejected, BrokerUnavailable):
        return "failed", None  # refused, or stopped before 提交确认
    except OutcomeUnknown as exc:
        hint: Any = exc.details
    for _ in range(8):
        try:
            ack = h.broker.settle_hint(hint)
        except BrokerError:
            h.emu.now += 5.0  # the engine retries later
            continue
        return ("success", ack.condition_id) if ack is not None else ("failed", None)
    return "unknown", None


def agrees(h: Harness, outcome: tuple[str, str | None], before: set[str], asked: dict[str, str]) -> None:
    book = conditions(h)
    new = [c for c in book if c not in before]
    assert len(new) <= 1, f"set twice: {new}"
    kind, cid = outcome
    assert kind != "unknown", "never settled"
    if kind == "success":
        assert new == [cid], (cid, new)
        row = book[str(cid)]
        assert all(text in str(row[column]) for column, text in asked.items()), (row, asked)
    else:
        assert new == [], f"{kind} but the book has {new}"


def query_agrees(h: Harness) -> None:
    try:
        shown = h.broker.condition_orders()
    except BrokerError:
        return  # a failed query says so; it never answers "nothing"
    assert [r["条件单编号"] for r in shown] == list(conditions(h))


def delete_agrees(h: Harness, code: str) -> None:
    before = conditions(h)
    with contextlib.suppress(BrokerError):  # failed or unknown: the book decides below
        h.broker.cancel_condition_orders(stock_code=code, side=Side.BUY)
    after = conditions(h)
    others = {c for c, r in before.items() if not (r["证券代码"] == code and r["方向"] == "买入")}
    assert others <= set(after), f"a delete touched another condition: {others - set(after)}"


def run(h: Harness, steps: int) -> dict[str, int]:
    assert h.emu is not None
    rng = random.Random(4)
    seen: dict[str, int] = {}
    for i in range(steps):
        h.emu.now += 1.0
        before = set(conditions(h))
        choice = i % 3
        if choice == 0:
            code, price, qty = ("600000", "000001")[i % 2], D("9.00") - D(i) / 100, 100 * (1 + i % 3)
            asked = {"方向": "买入", "触发条件": f"≤{price}", "委托单": f"{qty}股", "证券代码": code}
            outcome = status(h, lambda c=code, p=price, q=qty: h.broker.place_condition_order(Side.BUY, c, p, q, 5))
        elif choice == 1:
            price = D("11.00") + D(i) / 100
            asked = {"方向": "卖出", "触发条件": f"≥{price}", "委托单": "100股", "证券代码": "600000"}
            outcome = status(h, lambda p=price: h.broker.place_condition_order(Side.SELL, "600000", p, 100, 20))
        else:
            asked = {"条件类型": "止盈止损", "委托单": "200股", "证券代码": "600000"}
            outcome = status(h, lambda: h.broker.place_stop_loss_profit("600000", D("3"), D("5"), 200, 10))
        agrees(h, outcome, before, asked)
        seen[outcome[0]] = seen.get(outcome[0], 0) + 1
        if rng.random() < 0.3:
            query_agrees(h)
        if rng.random() < 0.15:
            delete_agrees(h, rng.choice(("600000", "000001")))
    assert h.emu.blind_confirms == 0
    return seen


@pytest.mark.parametrize("popups", [False, True], ids=["popups-off", "popups-on"])
@pytest.mark.parametrize("fault", sorted(FAULT_NAMES))
def test_each_fault_alone(tmp_path: Path, fault: str, popups: bool) -> None:
    run(harness(tmp_path, popups, {fault: 1.0}), 4)


@pytest.mark.parametrize("popups", [False, True], ids=["popups-off", "popups-on"])
def test_all_faults_at_a_quarter_over_thirty_conditions(tmp_path: Path, popups: bool) -> None:
    seen = run(harness(tmp_path, popups, {name: 0.25 for name in FAULT_NAMES}), 30)
    assert seen.get("success", 0) > 0, seen


def test_without_faults_every_condition_is_set(tmp_path: Path) -> None:
    assert run(harness(tmp_path, False, {}), 9) == {"success": 9}
