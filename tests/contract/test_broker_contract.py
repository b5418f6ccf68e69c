"""One contract for every `Broker`: the sim, and the THS driver on the emulated client.

Each test runs twice (fixture `h`, params sim/ths) with identical expectations: the same rows,
keys, types and verdicts, so a strategy cannot tell the backends apart.
"""

from __future__ import annotations

import pytest

from easyths.brokers.base import Broker, Evidence, MarketStrategy, Side
from easyths.domain.commands import CommandKind, OrderCommand
from easyths.errors import BrokerRejected, CancelAmbiguous, OrderNotCancellable
from tests.ths.support import D, Harness


def test_every_broker_satisfies_the_protocol(h: Harness) -> None:
    assert isinstance(h.broker, Broker)
    health = h.broker.health()
    assert health.connected and health.logged_in and health.problems == []


# --- orders ------------------------------------------------------------------------------------
def test_limit_buy_returns_the_contract_number_that_today_orders_show(h: Harness) -> None:
    h.quote("600000", "10.00", name="浦发银行")
    ack = h.broker.place_order(Side.BUY, "600000", D("9.90"), 200)
    assert ack.contract_no.isdigit()
    rows = h.broker.today_orders()
    assert [r["合同编号"] for r in rows] == [ack.contract_no]
    row = rows[0]
    assert (row["证券代码"], row["操作"], row["备注"], row["委托数量"]) == ("600000", "买入", "未成交", 200)
    assert row["委托价格"] == D("9.90") and isinstance(row["合同编号"], str)


def test_codes_keep_their_leading_zeros(h: Harness) -> None:
    h.quote("000001", "12.00", name="平安银行")
    h.broker.place_order(Side.BUY, "000001", D("12.00"), 100)
    assert h.broker.holdings()[0]["证券代码"] == "000001"
    assert h.broker.today_fills("000001")[0]["证券代码"] == "000001"
    assert h.broker.today_orders("000001")[0]["交易市场"] == "深圳Ａ股"


def test_a_filled_buy_shows_in_fills_holdings_and_funds_like_the_sim(h: Harness) -> None:
    h.quote("600000", "10.00", name="浦发银行")
    ack = h.broker.place_order(Side.BUY, "600000", D("10.00"), 100)
    fills = h.broker.today_fills()
    assert [(f["合同编号"], f["成交数量"], f["成交均价"]) for f in fills] == [(ack.contract_no, 100, D("10.00"))]
    assert h.broker.holdings() == h.sim.holdings()
    funds = h.broker.funds()
    assert {k: funds[k] for k in h.sim.funds()} == h.sim.funds()
    assert funds["资金余额"] == funds["可用金额"] + funds["冻结金额"]


def test_sell_the_next_day(h: Harness) -> None:
    h.quote("600000", "10.00", name="浦发银行")
    h.broker.place_order(Side.BUY, "600000", D("10.00"), 300)
    with pytest.raises(BrokerRejected, match="不足"):
        h.broker.place_order(Side.SELL, "600000", D("10.00"), 100)  # T+1
    h.sim.advance(days=1)
    h.quote("600000", "10.50", "10.00")
    ack = h.broker.place_order(Side.SELL, "600000", D("10.50"), 100)
    assert h.broker.today_orders()[-1]["合同编号"] == ack.contract_no
    assert h.broker.holdings()[0]["股票余额"] == 200


def test_market_buy_and_sell(h: Harness) -> None:
    h.quote("000001", "12.00", name="平安银行")
    ack = h.broker.place_market_order(Side.BUY, "000001", 100, MarketStrategy.IMMEDIATE_CANCEL)
    row = h.broker.today_orders()[-1]
    assert row["合同编号"] == ack.contract_no and "买入" in row["操作"]
    h.sim.advance(days=1)
    h.quote("000001", "12.10", "12.00")
    ack = h.broker.place_market_order(Side.SELL, "000001", 100, MarketStrategy.COUNTERPARTY_BEST)
    assert "卖出" in h.broker.today_orders()[-1]["操作"]


def test_rejections_carry_the_brokers_own_words(h: Harness) -> None:
    h.quote("600000", "10.00", name="浦发银行")
    with pytest.raises(BrokerRejected, match=r"超出涨跌停限制: \[9.00 - 11.00\]"):
        h.broker.place_order(Side.BUY, "600000", D("12.00"), 100)
    with pytest.raises(BrokerRejected, match="可用金额不足"):
        h.broker.place_order(Side.BUY, "600000", D("10.00"), 1_000_000)


def test_orders_outside_trading_hours_are_refused(h: Harness) -> None:
    h.quote("600000", "10.00", name="浦发银行")
    h.sim.advance(to=h.sim.clock.now().replace(hour=16))
    with pytest.raises(BrokerRejected, match="不允许委托"):
        h.broker.place_order(Side.BUY, "600000", D("10.00"), 100)


# --- cancels -----------------------------------------------------------------------------------
def _book(h: Harness) -> dict[str, str]:
    """Two resting buys and one resting sell."""
    h.quote("600000", "10.00", name="浦发银行")
    h.quote("000001", "12.00", name="平安银行")
    h.broker.place_order(Side.BUY, "000001", D("12.00"), 500)
    h.sim.advance(days=1)
    h.quote("600000", "10.00", "10.00")
    h.quote("000001", "12.00", "12.00")
    return {
        "buy_a": h.broker.place_order(Side.BUY, "600000", D("9.80"), 100).contract_no,
        "buy_b": h.broker.place_order(Side.BUY, "000001", D("11.80"), 100).contract_no,
        "sell": h.broker.place_order(Side.SELL, "000001", D("12.50"), 100).contract_no,
    }


def test_cancel_one_order_by_contract_number(h: Harness) -> None:
    ids = _book(h)
    if not h.tells_orders_apart:  # 000001 has two open orders: refused, nothing touched
        with pytest.raises(CancelAmbiguous) as refused:
            h.broker.cancel_orders(contract_no=ids["buy_b"])
        assert refused.value.error_code == "CANCEL_AMBIGUOUS"
        assert {r["备注"] for r in h.broker.today_orders()} == {"未成交"}
        assert h.broker.cancel_orders(contract_no=ids["buy_a"]) == [ids["buy_a"]]  # the sole 600000
        return
    assert h.broker.cancel_orders(contract_no=ids["buy_b"]) == [ids["buy_b"]]
    remarks = {r["合同编号"]: r["备注"] for r in h.broker.today_orders()}
    assert remarks == {ids["buy_a"]: "未成交", ids["buy_b"]: "已撤", ids["sell"]: "未成交"}


def test_cancelling_an_order_that_is_not_open_says_what_it_is(h: Harness) -> None:
    """It used to answer success ("没有可撤销的委托") for a filled, cancelled or unknown number."""
    ids = _book(h)
    filled = h.broker.place_order(Side.BUY, "600000", D("10.00"), 100).contract_no
    h.broker.cancel_orders(contract_no=ids["buy_a"])
    for number, state in ((filled, "已成"), (ids["buy_a"], "已撤"), ("999999999", "当日无此委托")):
        with pytest.raises(OrderNotCancellable) as info:
            h.broker.cancel_orders(contract_no=number)
        assert info.value.error_code == "ORDER_NOT_CANCELLABLE"
        assert info.value.details == {"合同编号": number, "状态": state}, info.value.details
    assert h.broker.cancel_orders(stock_code="600000") == []  # by code, nothing open: still 0, no error


@pytest.mark.parametrize(("side", "expected"), [("buy", {"buy_a", "buy_b"}), ("sell", {"sell"})])
def test_cancel_by_side(h: Harness, side: str, expected: set[str]) -> None:
    ids = _book(h)
    assert sorted(h.broker.cancel_orders(side=side)) == sorted(ids[k] for k in expected)  # type: ignore[arg-type]


def test_cancel_all_and_by_code(h: Harness) -> None:
    ids = _book(h)
    assert sorted(h.broker.cancel_orders(stock_code="000001")) == sorted([ids["buy_b"], ids["sell"]])
    assert h.broker.cancel_orders() == [ids["buy_a"]]
    assert h.broker.cancel_orders() == []


def test_history_keeps_dates_and_filters_by_code(h: Harness) -> None:
    _book(h)
    week = h.broker.order_history("近一周")
    assert len(week) == 4 and {r["委托日期"] for r in week} == {"20261125", "20261126"}
    assert [r["证券代码"] for r in h.broker.order_history("当日", "600000")] == ["600000"]


def test_reconcile_of_an_order_that_never_existed_is_none(h: Harness) -> None:
    command = OrderCommand("op-x", CommandKind.LIMIT, code="600000", side=Side.BUY, price=D("9.99"), quantity=100)
    assert h.broker.reconcile(command, Evidence(before=())) is None


# --- reverse repo ------------------------------------------------------------------------------
def test_repo_rates_and_lending(h: Harness) -> None:
    h.quote("204001", "2.500")
    h.quote("131810", "2.350")
    rates = h.broker.repo_rates()
    assert rates == h.sim.repo_rates()
    assert {"市场类型": "上海市场", "时间类型": "1天期", "年化利率": "2.500%", "证券代码": "204001"} in rates
    ack = h.broker.lend_repo("上海", 1, 10_000)
    assert (ack.code, ack.rate) == ("204001", D("2.5"))
    assert ack.contract_no in [r["合同编号"] for r in h.broker.today_orders()]


# --- condition orders --------------------------------------------------------------------------
def test_condition_buy_and_sell_are_listed_and_cancelled(h: Harness) -> None:
    h.quote("600000", "10.00", name="浦发银行")
    h.broker.place_order(Side.BUY, "600000", D("10.00"), 300)
    h.sim.advance(days=1)
    h.quote("600000", "10.00", "10.00")
    buy = h.broker.place_condition_order(Side.BUY, "600000", D("9.50"), 100, 5)
    sell = h.broker.place_condition_order(Side.SELL, "600000", D("10.80"), 100, 30)
    assert buy.quantity == 100 and buy.condition_id != sell.condition_id
    rows = h.broker.condition_orders()
    assert rows == h.sim.condition_orders()
    assert [(r["条件单编号"], r["方向"], r["证券代码"]) for r in rows] == [
        (buy.condition_id, "买入", "600000"),
        (sell.condition_id, "卖出", "600000"),
    ]
    assert h.broker.cancel_condition_orders(stock_code="600000", side=Side.SELL) == 1
    assert [r["条件单编号"] for r in h.broker.condition_orders()] == [buy.condition_id]
    assert h.broker.cancel_condition_orders() == 1
    assert h.broker.condition_orders() == []


def test_stop_loss_profit_on_a_holding(h: Harness) -> None:
    h.quote("600000", "10.00", name="浦发银行")
    h.broker.place_order(Side.BUY, "600000", D("10.00"), 300)
    h.sim.advance(days=1)
    h.quote("600000", "10.00", "10.00")
    ack = h.broker.place_stop_loss_profit("600000", D("3"), D("5"), None, 10)
    assert ack.quantity == 300
    assert h.broker.condition_orders()[0]["条件单编号"] == ack.condition_id
    assert h.broker.place_stop_loss_profit("600000", D("3"), D("5"), 100, 10).quantity == 100
    with pytest.raises(BrokerRejected, match="没有相应的股票持仓记录"):
        h.broker.place_stop_loss_profit("000001", D("3"), D("5"), None, 10)


# --- accounts ----------------------------------------------------------------------------------
def test_accounts_and_switch(h: Harness) -> None:
    assert h.broker.accounts() == [
        {"account_name": "主账户", "account_index": 0, "current": True},
        {"account_name": "信用账户", "account_index": 1, "current": False},
    ]
    h.quote("600000", "10.00", name="浦发银行")
    h.broker.place_order(Side.BUY, "600000", D("10.00"), 100)
    h.broker.switch_account("信用账户")
    assert h.broker.current_account() == "信用账户"
    assert h.broker.holdings() == [] and h.broker.today_orders() == []
    with pytest.raises(BrokerRejected):
        h.broker.switch_account("不存在的账户")


def test_cancels_in_the_no_cancel_auction_window_are_refused(h: Harness) -> None:
    h.quote("600000", "10.00", name="浦发银行")
    h.sim.advance(to=h.sim.clock.now().replace(day=26, hour=9, minute=16))
    h.quote("600000", "10.00", "10.00")
    ack = h.broker.place_order(Side.BUY, "600000", D("9.90"), 100)
    h.sim.advance(to=h.sim.clock.now().replace(minute=22))
    with pytest.raises(BrokerRejected, match="不允许撤单"):
        h.broker.cancel_orders(contract_no=ack.contract_no)
    assert h.broker.today_orders()[0]["备注"] == "未成交"


# --- the port: every kind of command through `submit`, on every backend ---------------------------
def cmd(kind: CommandKind, **fields: object) -> OrderCommand:
    return OrderCommand("op-contract", kind, **fields)  # type: ignore[arg-type]


def test_every_command_kind_through_submit_answers_with_the_venues_ids(h: Harness) -> None:
    h.quote("600000", "10.00", name="浦发银行")
    h.quote("204001", "2.500")
    bought = h.broker.submit(cmd(CommandKind.LIMIT, code="600000", side=Side.BUY, price=D("10.00"), quantity=300))
    assert bought.contract_no is not None and bought.condition_id is None
    resting = h.broker.submit(cmd(CommandKind.LIMIT, code="600000", side=Side.BUY, price=D("9.50"), quantity=100))
    market = h.broker.submit(
        cmd(CommandKind.MARKET, code="600000", side=Side.BUY, quantity=100, strategy=MarketStrategy.FIVE_LEVEL_CANCEL)
    )
    lent = h.broker.submit(cmd(CommandKind.REPO, side=Side.SELL, market="上海", term_days=1, amount=10_000))
    assert (lent.repo_code, lent.rate) == ("204001", D("2.5"))
    numbers = [r["合同编号"] for r in h.broker.today_orders()]
    assert {bought.contract_no, resting.contract_no, market.contract_no, lent.contract_no} <= set(numbers)
    cancelled = h.broker.submit(cmd(CommandKind.CANCEL_ORDERS, contract_no=resting.contract_no))
    assert cancelled.cancelled == (resting.contract_no,) and cancelled.contract_no is None
    h.sim.advance(days=1)
    h.quote("600000", "10.00", "10.00")
    armed = h.broker.submit(
        cmd(CommandKind.CONDITION, code="600000", side=Side.BUY, price=D("9.00"), quantity=100, expire_days=5)
    )
    stop = h.broker.submit(
        cmd(
            CommandKind.STOP_LOSS_PROFIT,
            code="600000",
            side=Side.SELL,
            stop_loss_percent=D("3"),
            stop_profit_percent=D("5"),
            expire_days=10,
        )
    )
    assert armed.condition_id and stop.condition_id and armed.contract_no is None  # ids in their own field
    assert stop.quantity == 400  # none given: all that is sellable
    listed = [r["条件单编号"] for r in h.broker.condition_orders()]
    assert listed == [armed.condition_id, stop.condition_id]
    deleted = h.broker.submit(cmd(CommandKind.CANCEL_CONDITIONS, code="600000", side=Side.BUY))
    assert deleted.cancelled == (armed.condition_id,)
    assert [r["条件单编号"] for r in h.broker.condition_orders()] == [stop.condition_id]
