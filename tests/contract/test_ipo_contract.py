"""The three 打新 operations on every backend: the sim, and the THS driver on the emulated client
(popups off and on). Both list today's issue with the account's 可申购数量, subscribe once with a
合同编号 that is on the book as 配售申购, refuse a second subscription with nothing sent, and list
it as subscribed. 配号/中签: the sim answers; the driver refuses plainly and touches nothing, never
an empty list that would read as "no subscriptions" (`docs/ipo.md`, `docs/ths-facts.md#ipo`)."""

from __future__ import annotations

from typing import Any

import pytest

from easyths.brokers.base import Evidence, Side
from easyths.domain.commands import CommandKind
from easyths.domain.ipo import nth_session
from easyths.errors import BrokerRejected
from easyths.operations.ipo_allotment_query import IpoAllotmentQueryOperation
from easyths.operations.ipo_query import IpoQueryOperation
from easyths.operations.ipo_subscribe import IpoSubscribeOperation
from tests.ths.support import Harness


def _today_bond(h: Harness) -> None:
    day = h.sim.clock.now().date()
    h.sim.add_ipo(
        {
            "stock_code": "113999",
            "subscribe_code": "754999",
            "name": "契约转债",
            "kind": "bond",
            "price": "100",
            "cap": "1000",
            "subscribe_date": day.isoformat(),
            "winning_rate": "1",
            "listing_date": nth_session(day, 5).isoformat(),
        }
    )


def _run(op: Any, h: Harness, **params: Any) -> dict[str, Any]:
    return op.run(h.broker, op.Params.model_validate(params))


def _bond_row(h: Harness) -> dict[str, Any]:
    [row] = [r for r in _run(IpoQueryOperation(), h)["ipo_list"] if r["申购代码"] == "754999"]
    return row


def test_query_subscribe_once_and_refuse_the_second(h: Harness) -> None:
    _today_bond(h)
    row = _bond_row(h)
    assert (row["证券名称"], row["类型"], row["可申购数量"], row["已申购"]) == ("契约转债", "可转债", 1000, False)
    command = IpoSubscribeOperation().command(IpoSubscribeOperation.Params(stock_code="754999"), "op-ipo")
    assert command.side is Side.BUY and command.kind is CommandKind.IPO
    ack = h.broker.submit(command)
    assert ack.contract_no and ack.quantity == 1000
    [placed] = h.sim.today_orders()
    assert (placed["合同编号"], placed["操作"], placed["委托数量"]) == (ack.contract_no, "配售申购", 1000)
    assert _bond_row(h)["已申购"] is True
    again = IpoSubscribeOperation().command(IpoSubscribeOperation.Params(stock_code="754999"), "op-ipo-2")
    with pytest.raises(BrokerRejected, match="申购"):
        h.broker.submit(again)
    assert [r["合同编号"] for r in h.sim.today_orders()] == [ack.contract_no]
    if h.broker.backend == "sim":
        found = h.broker.reconcile(command, Evidence(by_reference=True))
        assert found is not None and found.contract_no == ack.contract_no


def test_allotments_on_the_sim_and_a_plain_refusal_on_ths(h: Harness) -> None:
    _today_bond(h)
    command = IpoSubscribeOperation().command(IpoSubscribeOperation.Params(stock_code="754999"), "op-ipo")
    ack = h.broker.submit(command)
    if h.broker.backend == "sim":
        [allot] = _run(IpoAllotmentQueryOperation(), h)["allotments"]
        assert (allot["状态"], allot["合同编号"]) == ("已申报", ack.contract_no)
        return
    assert h.emu is not None
    steps, page = h.emu.steps, h.emu.current_page
    with pytest.raises(BrokerRejected, match="不支持查询新股/新债的配号与中签"):
        _run(IpoAllotmentQueryOperation(), h)
    assert (h.emu.steps, h.emu.current_page) == (steps, page)  # the client was not touched
    assert len(h.sim.ipo_allotments()) == 1


def test_an_issue_the_account_has_no_quota_for_is_listed_with_0_and_refused(h: Harness) -> None:
    [row] = [r for r in _run(IpoQueryOperation(), h)["ipo_list"] if r["申购代码"] == "732777"]
    assert (row["可申购数量"], row["已申购"]) == (0, False)
    command = IpoSubscribeOperation().command(IpoSubscribeOperation.Params(stock_code="732777"), "op-none")
    with pytest.raises(BrokerRejected, match=r"可申购数量为0|额度为0"):
        h.broker.submit(command)
    assert h.sim.today_orders() == []
