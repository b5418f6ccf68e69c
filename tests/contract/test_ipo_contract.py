"""The three 打新 operations on every backend: the sim subscribes; the THS driver (on the emulated
client) says plainly that it does not support them yet and sends nothing, never an empty list
that would read as "no issues today" nor an outcome left open (`docs/ipo.md`)."""

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


def test_the_ipo_operations_subscribe_on_the_sim_and_are_refused_on_ths(h: Harness) -> None:
    _today_bond(h)
    command = IpoSubscribeOperation().command(IpoSubscribeOperation.Params(stock_code="754999"), "op-ipo")
    if h.broker.backend == "sim":
        [row] = [r for r in _run(IpoQueryOperation(), h)["ipo_list"] if r["证券代码"] == "113999"]
        assert (row["申购代码"], row["可申购数量"], row["已申购"]) == ("754999", 1000, False)
        ack = h.broker.submit(command)
        assert [r["合同编号"] for r in h.broker.today_orders()] == [ack.contract_no]
        [allot] = _run(IpoAllotmentQueryOperation(), h)["allotments"]
        assert (allot["状态"], allot["合同编号"]) == ("已申报", ack.contract_no)
        found = h.broker.reconcile(command, Evidence(by_reference=True))
        assert found is not None and found.contract_no == ack.contract_no
        return
    for op in (IpoQueryOperation(), IpoAllotmentQueryOperation()):
        with pytest.raises(BrokerRejected, match="不支持"):
            _run(op, h)
    with pytest.raises(BrokerRejected, match="不支持"):
        h.broker.submit(command)
    assert h.broker.reconcile(command, Evidence(before=())) is None
    assert h.sim.today_orders() == [] and h.sim.ipo_allotments() == []
    assert command.side is Side.BUY and command.kind is CommandKind.IPO
