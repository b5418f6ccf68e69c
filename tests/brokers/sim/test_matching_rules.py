"""Matching as the exchange does it: own-price resting fills, the cage at entry only, the 09:25 and
15:00 call auctions, 盘后固定价格交易, conditions on resumption. Numbers as in `docs/rules.md`."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from easyths.brokers.base import Side
from easyths.brokers.sim import SimBroker
from easyths.brokers.sim.book import auction_price
from easyths.errors import BrokerRejected
from tests.brokers.sim.support import D, open_broker

WED = datetime(2026, 11, 25, 9, 30)


def _at(sim: SimBroker, hour: int, minute: int = 0) -> None:
    sim.advance(to=sim.clock.now().replace(hour=hour, minute=minute, second=0))


def _buy_shares(sim: SimBroker, code: str = "600000", qty: int = 1000) -> None:
    sim.set_quote(code, D("10.00"), D("10.00"), name="浦发银行")
    sim.place_order(Side.BUY, code, D("10.00"), qty)
    sim.advance(days=1)


# --- continuous trading -------------------------------------------------------------------------


def test_a_resting_sell_the_market_trades_through_fills_at_its_own_price(sim: SimBroker) -> None:
    _buy_shares(sim)
    sim.set_quote("600000", D("10.30"), D("10.00"), bid=D("10.29"), ask=D("10.31"))
    sim.place_order(Side.SELL, "600000", D("10.50"), 1000)
    sim.set_quote("600000", D("10.80"), bid=D("10.79"), ask=D("10.81"))  # through 10.50 in one jump
    [fill] = sim.today_fills()
    assert (fill["成交均价"], fill["成交数量"]) == (D("10.50"), 1000)


def test_a_resting_buy_fills_when_the_market_gaps_below_it_beyond_the_cage(sim: SimBroker) -> None:
    sim.set_quote("600000", D("10.25"), D("10.25"), bid=D("10.24"), ask=D("10.25"))
    sim.place_order(Side.BUY, "600000", D("10.20"), 500)  # in the cage at entry (≤ 10.46)
    # ask 9.90: a cage around it would end at max(9.90×1.02, 9.90+0.10) = 10.10 < 10.20
    sim.set_quote("600000", D("9.90"), bid=D("9.89"), ask=D("9.90"))
    [order] = sim.today_orders()
    assert (order["备注"], order["成交均价"]) == ("已成", D("10.20"))


def test_an_order_outside_the_cage_at_entry_waits_until_the_cage_admits_it(sim: SimBroker) -> None:
    sim.set_quote("600000", D("10.00"), D("10.00"), bid=D("9.99"), ask=D("10.00"))
    sim.place_order(Side.BUY, "600000", D("10.50"), 100)  # cage: ≤ max(10.20, 10.10) = 10.20
    sim.set_quote("600000", D("9.80"), bid=D("9.79"), ask=D("9.80"))  # crosses, but still outside
    assert sim.today_orders()[0]["备注"] == "未成交"
    sim.set_quote("600000", D("10.40"), bid=D("10.39"), ask=D("10.40"))  # cage now ≤ 10.61
    [order] = sim.today_orders()
    assert (order["备注"], order["成交均价"]) == ("已成", D("10.40"))  # it arrives: takes the ask


def test_an_order_entered_at_lunch_trades_when_the_afternoon_opens(sim: SimBroker) -> None:
    sim.set_quote("600000", D("10.00"), D("10.00"))
    _at(sim, 12)
    sim.place_order(Side.BUY, "600000", D("10.05"), 100)
    assert sim.today_orders()[0]["备注"] == "未成交"
    _at(sim, 13, 1)
    [fill] = sim.today_fills()
    assert (fill["成交均价"], fill["成交时间"]) == (D("10.00"), "13:00:00")


# --- call auctions ------------------------------------------------------------------------------


def test_the_auction_price_maximises_volume_then_leaves_the_least_imbalance() -> None:
    # the quote: 300 for sale and 300 wanted at 10.00; a user bids 500 at 10.20
    buys = [(D("10.20"), 500), (D("10.00"), 300)]
    sells = [(D("10.00"), 300)]
    assert auction_price(buys, sells, D("10.00")) == (D("10.20"), 300)
    # nothing crosses: the reference stands
    assert auction_price([(D("9.90"), 100)], [(D("10.10"), 100)], D("10.00")) == (D("10.00"), 0)
    # volumes tie at 10.05 and 10.10, imbalance too: nearest the reference wins
    assert auction_price([(D("10.10"), 100)], [(D("10.05"), 100)], D("10.00")) == (D("10.05"), 100)


def test_an_order_entered_at_0916_trades_in_the_0925_match(db: Path) -> None:
    sim = open_broker(db, WED.replace(hour=9, minute=15))
    sim.set_quote("600000", D("10.00"), D("9.90"), name="浦发银行")
    sim.advance(to=WED.replace(hour=9, minute=16))
    sim.place_order(Side.BUY, "600000", D("10.10"), 100)
    sim.advance(to=WED.replace(hour=9, minute=24))
    assert sim.today_orders()[0]["备注"] == "未成交"
    sim.advance(to=WED.replace(hour=9, minute=26))
    [fill] = sim.today_fills()
    assert (fill["成交均价"], fill["成交时间"]) == (D("10.00"), "09:25:00")
    sim.close()


def test_a_large_auction_bid_sets_the_opening_price(db: Path) -> None:
    sim = open_broker(db, WED.replace(hour=9, minute=15))
    sim.set_quote("600000", D("10.00"), D("10.00"), volume=300)
    sim.place_order(Side.BUY, "600000", D("10.20"), 500)
    sim.advance(to=WED.replace(hour=9, minute=25))
    [order] = sim.today_orders()
    assert (order["成交数量"], order["成交均价"]) == (300, D("10.20"))
    assert sim.state()["quotes"][0]["price"] == D("10.20")
    sim.close()


def test_the_1500_match_trades_the_closing_calls_orders_and_expires_the_rest(sim: SimBroker) -> None:
    sim.set_quote("600000", D("10.00"), D("10.00"), bid=D("9.99"), ask=D("10.01"))
    _at(sim, 14, 58)
    crossing = sim.place_order(Side.BUY, "600000", D("10.05"), 100).contract_no
    below = sim.place_order(Side.BUY, "600000", D("9.90"), 100).contract_no
    assert {o["备注"] for o in sim.today_orders()} == {"未成交"}  # no matching in the call
    events: list[dict[str, Any]] = []
    sim.add_event_sink(events.append)
    _at(sim, 15, 1)
    rows = {o["合同编号"]: o for o in sim.today_orders()}
    assert (rows[crossing]["备注"], rows[crossing]["成交均价"]) == ("已成", D("10.00"))
    assert rows[below]["备注"] == "已撤"
    assert [e["type"] for e in events] == ["fill", "order_expired"]
    assert sim.funds()["冻结金额"] == 0


# --- 盘后固定价格交易 -------------------------------------------------------------------------------


def test_after_hours_orders_trade_at_the_close_from_1505(sim: SimBroker) -> None:
    sim.set_quote("600000", D("10.05"), D("10.00"), name="浦发银行")
    _at(sim, 14)
    at_close = sim.place_after_hours_order(Side.BUY, "600000", D("10.10"), 100).contract_no
    too_low = sim.place_after_hours_order(Side.BUY, "600000", D("10.00"), 100).contract_no
    sim.set_quote("600000", D("10.08"))  # continuous trading does not touch them
    _at(sim, 15, 2)
    rows = {o["合同编号"]: o for o in sim.today_orders()}
    assert rows[at_close]["备注"] == "未成交" and rows[at_close]["操作"] == "盘后买入"
    _at(sim, 15, 6)
    rows = {o["合同编号"]: o for o in sim.today_orders()}
    assert (rows[at_close]["备注"], rows[at_close]["成交均价"]) == ("已成", D("10.08"))  # the close
    assert sim.today_fills()[-1]["成交时间"] == "15:05:00"
    late = sim.place_order(Side.BUY, "600000", D("10.08"), 200).contract_no  # 15:06: after-hours
    assert {o["合同编号"]: o for o in sim.today_orders()}[late]["备注"] == "已成"
    _at(sim, 15, 31)
    assert {o["合同编号"]: o for o in sim.today_orders()}[too_low]["备注"] == "已撤"
    with pytest.raises(BrokerRejected, match="不允许委托"):
        sim.place_after_hours_order(Side.BUY, "600000", D("10.08"), 100)


def test_after_hours_entry_has_its_own_window_and_its_own_boards(db: Path) -> None:
    sim = open_broker(db, WED.replace(hour=9, minute=20))
    sim.set_quote("600000", D("10.00"), D("10.00"))
    sim.set_quote("920001", D("10.00"), D("10.00"))
    with pytest.raises(BrokerRejected, match="不允许委托"):  # SH window opens 09:30
        sim.place_after_hours_order(Side.BUY, "600000", D("10.00"), 100)
    sim.advance(to=WED.replace(hour=10))
    with pytest.raises(BrokerRejected, match="不能进行盘后固定价格交易"):  # BSE: not yet
        sim.place_after_hours_order(Side.BUY, "920001", D("10.00"), 100)
    sim.close()


def test_before_2026_07_06_only_star_and_chinext_trade_after_hours(db: Path) -> None:
    sim = open_broker(db, datetime(2026, 6, 3, 10, 0))
    sim.set_quote("600000", D("10.00"), D("10.00"))
    sim.set_quote("688001", D("50.00"), D("50.00"))
    with pytest.raises(BrokerRejected, match="不能进行盘后固定价格交易"):
        sim.place_after_hours_order(Side.BUY, "600000", D("10.00"), 100)
    assert sim.place_after_hours_order(Side.BUY, "688001", D("50.00"), 200).contract_no
    sim.close()


def test_after_hours_sizes_follow_the_after_hours_caps(db: Path) -> None:
    """STAR: continuous trading stops at 100,000 shares, 盘后固定价格交易 at 1,000,000 (≥200)."""
    sim = open_broker(db, WED.replace(hour=10), initial_cash=D("100000000"))
    sim.set_quote("688001", D("50.00"), D("50.00"))
    with pytest.raises(BrokerRejected, match="不得超过100000"):
        sim.place_order(Side.BUY, "688001", D("50.00"), 150_000)
    assert sim.place_after_hours_order(Side.BUY, "688001", D("50.00"), 150_000).contract_no
    with pytest.raises(BrokerRejected, match="不得超过1000000"):
        sim.place_after_hours_order(Side.BUY, "688001", D("50.00"), 1_000_001)
    with pytest.raises(BrokerRejected, match="不得少于200"):
        sim.place_after_hours_order(Side.BUY, "688001", D("50.00"), 199)
    _at(sim, 15, 10)  # a limit order in the after-hours session is a fixed-price one
    assert sim.place_order(Side.BUY, "688001", D("50.00"), 120_000).contract_no
    sim.close()


# --- conditions ---------------------------------------------------------------------------------


def test_a_condition_met_during_the_lunch_break_fires_when_trading_resumes(sim: SimBroker) -> None:
    sim.set_quote("600000", D("10.30"), D("10.30"), name="浦发银行")
    sim.place_condition_order(Side.BUY, "600000", D("10.00"), 100, 1)
    events: list[dict[str, Any]] = []
    sim.add_event_sink(events.append)
    _at(sim, 12)
    sim.set_quote("600000", D("9.95"))  # met at lunch: nothing may fire yet
    assert len(sim.condition_orders()) == 1 and sim.today_orders() == []
    _at(sim, 13, 5)
    assert sim.condition_orders() == []
    [order] = sim.today_orders()
    assert (order["备注"], order["委托时间"], order["证券名称"]) == ("已成", "13:00:00", "浦发银行")
    assert [e["type"] for e in events] == ["condition_triggered", "fill"]
    assert events[0]["stock_code"] == "600000" and events[0]["contract_no"] == order["合同编号"]


def test_convertible_bonds_have_a_10_percent_cage_and_funds_one_only_when_configured(db: Path) -> None:
    sim = open_broker(db, fund_cage_pct=D("2"))
    sim.set_quote("113050", D("120.000"), D("120.000"))
    sim.set_quote("510300", D("4.000"), D("4.000"))
    sim.place_order(Side.BUY, "113050", D("133.000"), 10)  # cage ≤ 132.000: held
    sim.place_order(Side.BUY, "510300", D("4.100"), 100)  # cage ≤ 4.080: held
    assert {o["备注"] for o in sim.today_orders()} == {"未成交"}
    sim.close()
    plain = open_broker(db.with_name("plain.db"))
    plain.set_quote("510300", D("4.000"), D("4.000"))
    plain.place_order(Side.BUY, "510300", D("4.100"), 100)  # no fund cage by default: fills at 4.000
    assert plain.today_orders()[0]["备注"] == "已成"
    plain.close()
