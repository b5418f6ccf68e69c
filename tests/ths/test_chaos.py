"""Orders, cancels and queries under every emulator fault, alone and all at once: the status the
user sees agrees with the emulator's book, nothing is placed twice, no order reaches the book
with a quantity other than asked, no query answers an empty or partial list while the book has
rows, and no cancel touches another order."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from easyths.brokers.base import Side
from easyths.brokers.ths.emulator import Faults
from easyths.brokers.ths.emulator.faults import FAULT_NAMES
from easyths.errors import BrokerError, BrokerRejected, OutcomeUnknown
from tests.ths.support import D, Harness, ths_harness
from tests.ths.test_verdicts import agrees, user_status


def harness(tmp_path: Path, popups: bool, rates: dict[str, float]) -> Harness:
    h = ths_harness(
        tmp_path / "sim.db",
        faults=Faults(rates=rates, seed=5),
        popups=popups,
        config={"popups": "on" if popups else "off"},
    )
    h.quote("600000", "10.00", name="浦发银行")
    h.quote("000001", "12.00", name="平安银行")
    return h


def book(h: Harness) -> dict[str, str]:
    return {str(r["合同编号"]): str(r["备注"]) for r in h.sim.today_orders()}


def cancel_status(h: Harness, contract: str) -> tuple[str, list[str]]:
    """What the engine would show for a cancel: success with what it cancelled, failed, or
    unknown settled (bounded) as the engine's reconciliation does."""
    assert h.emu is not None
    try:
        return "success", h.broker.cancel_orders(contract_no=contract)
    except OutcomeUnknown as exc:
        hint: Any = exc.details
    except BrokerError:
        return "failed", []
    for _ in range(8):
        try:
            ack = h.broker.settle_hint({**hint, "kind": "order_cancel"})
        except BrokerRejected:
            return "failed", []
        except BrokerError:
            h.emu.now += 5.0
            continue
        assert ack is not None
        return "success", list(ack.cancelled)
    return "unknown", []


def cancel_agrees(h: Harness, contract: str, before: dict[str, str], outcome: tuple[str, list[str]]) -> None:
    after = book(h)
    assert set(after) == set(before), "a cancel placed an order (改单?)"
    touched = [c for c in before if c != contract and after[c] != before[c]]
    assert touched == [], f"a cancel touched another order: {touched}"
    status, cancelled = outcome
    assert status != "unknown", "never settled"
    assert set(cancelled) <= {contract}
    if contract in cancelled:  # said cancelled: the book shows it
        assert "撤" in after[contract], (contract, after[contract])
    else:  # failed, or nothing cancelled: the book shows it untouched
        assert after[contract] == before[contract], (status, contract, before[contract], after[contract])


def query_agrees(h: Harness) -> None:
    try:
        shown = {str(r["合同编号"]) for r in h.broker.today_orders()}
    except BrokerError:
        return  # a failed query says so; it never answers "nothing"
    assert shown == set(book(h))


def run(h: Harness, steps: int) -> dict[str, int]:
    assert h.emu is not None
    rng = random.Random(3)
    seen: dict[str, int] = {}
    for i in range(steps):
        h.emu.now += 1.0  # the user's requests come a second apart
        code = ("600000", "000001")[i % 2]
        price = D(f"{9.50 if code == '600000' else 11.50}") - D(i) / 100
        before_ids = list(book(h))
        status = user_status(h, lambda code=code, price=price: h.broker.place_order(Side.BUY, code, price, 100))
        agrees(h, status, before_ids)
        seen[f"order {status[0]}"] = seen.get(f"order {status[0]}", 0) + 1
        live = [c for c, remark in book(h).items() if remark == "未成交"]
        if live and rng.random() < 0.4:
            target, before = rng.choice(live), book(h)
            outcome = cancel_status(h, target)
            cancel_agrees(h, target, before, outcome)
            said = f"cancel {outcome[0]}{'' if outcome[1] else ' (none)'}"
            seen[said] = seen.get(said, 0) + 1
        if rng.random() < 0.5:
            query_agrees(h)
    assert h.emu.blind_confirms == 0 and h.emu.blind_modifies == 0
    return seen


@pytest.mark.parametrize("popups", [False, True], ids=["popups-off", "popups-on"])
@pytest.mark.parametrize("fault", sorted(FAULT_NAMES))
def test_each_fault_alone(tmp_path: Path, fault: str, popups: bool) -> None:
    run(harness(tmp_path, popups, {fault: 1.0}), 6)


@pytest.mark.parametrize("popups", [False, True], ids=["popups-off", "popups-on"])
def test_all_faults_at_a_quarter_over_thirty_orders(tmp_path: Path, popups: bool) -> None:
    seen = run(harness(tmp_path, popups, {name: 0.25 for name in FAULT_NAMES}), 30)
    assert seen.get("order success", 0) > 0 and any(k.startswith("cancel") for k in seen), seen
    if popups:  # with 撤单确认 on, cancels go through despite everything
        assert seen.get("cancel success", 0) > 0, seen
