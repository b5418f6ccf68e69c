"""A command kind a backend does not know is refused with nothing done: the THS dispatch used to
send any kind it did not list into "delete condition orders"."""

from __future__ import annotations

from dataclasses import replace

import pytest

from easyths.brokers.base import Side
from easyths.domain.commands import CommandKind, OrderCommand
from easyths.errors import BrokerRejected
from tests.ths.support import D, Harness


def test_a_kind_the_backend_does_not_know_deletes_nothing(h: Harness) -> None:
    h.quote("600000", "10.00", name="浦发银行")
    h.broker.place_condition_order(Side.BUY, "600000", D("9.00"), 100, 5)
    armed = h.sim.condition_orders()
    assert len(armed) == 1
    future = replace(OrderCommand("op-x", CommandKind.CANCEL_CONDITIONS), kind="a_kind_from_a_later_version")
    with pytest.raises(BrokerRejected, match="不支持"):
        h.broker.submit(future)  # type: ignore[arg-type]
    assert h.sim.condition_orders() == armed
