"""What could not be read is never "nothing": a grid read that fails is an error, and the
verdicts built on reads (before-snapshots, reconciles, cancels) stay `unknown` instead of
`failed`, never credit an older order, never call a live order cancelled."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from easyths.brokers.base import Side
from easyths.brokers.ths.emulator import Faults
from easyths.brokers.ths.grid import parse_tsv, require_columns
from easyths.errors import BrokerError, BrokerUnavailable, GridUnavailable, OutcomeUnknown
from tests.ths.support import D, Harness, ths_harness


def harness(tmp_path: Path, *, read: str = "copy", popups: bool = False) -> Harness:
    h = ths_harness(tmp_path / "sim.db", faults=Faults(), popups=popups, config={"grid_read": read})
    h.quote("600000", "10.00", name="浦发银行")
    return h


def buy(h: Harness, price: str = "9.90") -> str:
    return h.broker.place_order(Side.BUY, "600000", D(price), 100).contract_no


def fault(h: Harness, name: str, rate: float = 1.0) -> None:
    assert h.emu is not None
    h.emu.faults.rates[name] = rate


def after_the_client_acts(h: Harness, method: str, then: str | None, *, answer: Any = None) -> None:
    """Switch fault `then` on the moment the client hands `method` to the exchange (the sim):
    everything read after that point fails. `answer`: the client says this instead of acting."""
    real = getattr(h.sim, method)

    def hooked(*args: Any, **kwargs: Any) -> Any:
        if then is not None:
            fault(h, then)
        return real(*args, **kwargs) if answer is None else answer(*args, **kwargs)

    setattr(h.sim, method, hooked)


def test_a_read_without_its_pages_columns_is_an_error_not_an_empty_table() -> None:
    with pytest.raises(GridUnavailable, match="没有表头"):
        require_columns(parse_tsv("", {}), ("证券代码",), "持仓")
    with pytest.raises(GridUnavailable, match="合同编号"):
        require_columns(parse_tsv("证券代码\t股票余额\n600000\t100\n", {}), ("证券代码", "合同编号"), "当日委托")


def test_an_empty_table_is_its_header_and_placeholder_rows_are_not_rows() -> None:
    text = "证券代码\t合同编号\t委托数量\t\r\n\t\t0\t\r\n--\t--\t0.00\t\r\n"
    assert require_columns(parse_tsv(text, {}), ("证券代码", "合同编号"), "当日委托").rows() == []


@pytest.mark.parametrize("name", ["empty_clipboard", "stale_clipboard", "headerless_grid"])
def test_a_failed_copy_is_a_failed_query_never_an_empty_list(tmp_path: Path, name: str) -> None:
    h = harness(tmp_path)
    buy(h, "10.00")
    h.broker.holdings()  # the clipboard now holds the holdings table
    fault(h, name)
    for query in (h.broker.today_orders, h.broker.holdings, h.broker.today_fills):
        with pytest.raises(BrokerUnavailable, match="表格"):
            query()


def test_a_headerless_export_is_a_failed_query(tmp_path: Path) -> None:
    h = harness(tmp_path, read="export")
    buy(h, "10.00")
    fault(h, "headerless_grid")
    with pytest.raises(BrokerUnavailable, match="表头"):
        h.broker.holdings()


def test_a_headerless_condition_table_is_a_failed_query(tmp_path: Path) -> None:
    h = harness(tmp_path)
    h.broker.place_condition_order(Side.BUY, "600000", D("9.50"), 100, 5)
    fault(h, "headerless_grid")
    with pytest.raises(BrokerUnavailable, match="表头"):
        h.broker.condition_orders()


def test_a_late_copy_captcha_is_answered_and_the_read_is_whole(tmp_path: Path) -> None:
    h = harness(tmp_path)
    buy(h)
    fault(h, "copy_captcha_late")
    assert [r["合同编号"] for r in h.broker.today_orders()] == [r["合同编号"] for r in h.sim.today_orders()]


def test_an_unreadable_before_snapshot_sends_nothing(tmp_path: Path) -> None:
    h = harness(tmp_path)
    buy(h)  # an older identical order on the book
    fault(h, "empty_clipboard")
    with pytest.raises(BrokerUnavailable):
        buy(h)
    assert h.orders_in_sim() == 1


def test_reads_failing_after_a_send_leave_it_unknown_and_reconcile_cannot_call_it_not_placed(
    tmp_path: Path,
) -> None:
    h = harness(tmp_path)
    buy(h)  # an older identical order the reconcile must not take for ours
    after_the_client_acts(h, "place_order", then="empty_clipboard")
    with pytest.raises(OutcomeUnknown) as info:
        buy(h)
    with pytest.raises(BrokerError):
        h.broker.settle_hint(info.value.details)  # cannot tell: stays unknown, never "not placed"
    assert h.emu is not None
    h.emu.faults.rates.clear()
    ack = h.broker.settle_hint(info.value.details)
    assert ack is not None and ack.contract_no == h.sim.today_orders()[-1]["合同编号"]
    assert h.orders_in_sim() == 2


def test_cancel_all_with_an_unreadable_re_read_is_unknown_not_cancelled(tmp_path: Path) -> None:
    h = harness(tmp_path)
    buy(h, "9.90")
    buy(h, "9.80")
    after_the_client_acts(h, "cancel_orders", then="empty_clipboard", answer=lambda **kw: ["0"])
    with pytest.raises(OutcomeUnknown):
        h.broker.cancel_orders()
    assert [r["备注"] for r in h.sim.today_orders()] == ["未成交", "未成交"]


def test_a_cancel_still_live_on_the_book_is_unknown_not_done(tmp_path: Path) -> None:
    h = harness(tmp_path)
    contract = buy(h)
    # the client takes the 撤单 but the exchange has not acted yet: the row still reads 未成交
    after_the_client_acts(h, "cancel_orders", then=None, answer=lambda **kw: [kw.get("contract_no")])
    with pytest.raises(OutcomeUnknown, match=contract):
        h.broker.cancel_orders(contract_no=contract)


def test_the_export_captcha_in_place_of_save_as_is_answered_and_the_export_completes(tmp_path: Path) -> None:
    h = harness(tmp_path, read="export")
    buy(h, "10.00")
    fault(h, "save_captcha")
    assert h.broker.holdings() == h.sim.holdings() != []
    assert h.broker.session.grids.export_works is True  # answered, saved: no fall back to copy
    assert h.emu is not None and h.emu.dialogs_open == []
