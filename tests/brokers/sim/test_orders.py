"""Orders on the sim: entry checks, matching, cash and shares, the day's close, T+1."""

from __future__ import annotations

import threading
from datetime import datetime
from pathlib import Path

import pytest

from easyths.brokers.base import MarketStrategy, Side
from easyths.brokers.sim import SimBroker
from easyths.errors import BrokerRejected
from tests.brokers.sim.support import D, open_broker


def test_a_buy_at_the_ask_fills_at_the_ask_and_funds_keep_their_identities(sim: SimBroker) -> None:
    sim.set_quote("600000", D("10.00"), D("10.00"), name="浦发银行", bid=D("9.99"), ask=D("10.01"))
    ack = sim.place_order(Side.BUY, "600000", D("10.05"), 100)
    assert ack.contract_no.isdigit()
    [order] = sim.today_orders()
    assert order["备注"] == "已成"
    assert order["成交均价"] == D("10.01")
    [fill] = sim.today_fills()
    assert (fill["成交数量"], fill["成交金额"], fill["合同编号"]) == (100, D("1001.00"), ack.contract_no)
    funds = sim.funds()
    assert funds["资金余额"] == D("1000000") - D("1001.00") - D("5.00") - D("0.01")
    assert funds["资金余额"] == funds["可用金额"] + funds["冻结金额"]
    assert funds["总资产"] == funds["资金余额"] + funds["股票市值"]
    [pos] = sim.holdings()
    assert (pos["股票余额"], pos["可用余额"], pos["当日买入"]) == (100, 0, 100)  # T+1
    assert pos["成本价"] == D("10.060")  # (1001 + 5.01) / 100


def test_partial_fill_then_cancel_becomes_部撤_and_releases_the_cash(sim: SimBroker) -> None:
    sim.set_quote("600000", D("10.00"), D("10.00"), volume=300)
    ack = sim.place_order(Side.BUY, "600000", D("10.00"), 500)
    [order] = sim.today_orders()
    assert (order["备注"], order["成交数量"]) == ("部分成交", 300)
    # 5000 + 5.00 + 0.05 frozen; 3/5 of it released with the fill
    assert sim.funds()["冻结金额"] == D("5005.05") * 2 / 5
    assert sim.cancel_orders(contract_no=ack.contract_no) == [ack.contract_no]
    [order] = sim.today_orders()
    assert (order["备注"], order["撤消数量"]) == ("部撤", 200)
    funds = sim.funds()
    assert funds["冻结金额"] == 0
    assert funds["资金余额"] == D("1000000") - D("3005.03")


def test_a_resting_buy_fills_at_its_own_price_when_the_market_comes_down_to_it(sim: SimBroker) -> None:
    sim.set_quote("000001", D("10.50"), D("10.50"))
    sim.place_order(Side.BUY, "000001", D("10.20"), 200)
    assert sim.today_orders()[0]["备注"] == "未成交"
    sim.set_quote("000001", D("10.30"))
    assert sim.today_orders()[0]["备注"] == "未成交"
    sim.set_quote("000001", D("10.18"), bid=D("10.17"), ask=D("10.19"))
    [order] = sim.today_orders()
    assert (order["备注"], order["成交均价"]) == ("已成", D("10.20"))  # the resting order's price


def test_orders_by_time_and_volume_priority(sim: SimBroker) -> None:
    sim.set_quote("600000", D("10.50"), D("10.50"))
    first = sim.place_order(Side.BUY, "600000", D("10.00"), 100).contract_no
    better = sim.place_order(Side.BUY, "600000", D("10.10"), 100).contract_no
    sim.set_quote("600000", D("10.00"), volume=100)
    status = {o["合同编号"]: o["备注"] for o in sim.today_orders()}
    assert status == {first: "未成交", better: "已成"}


def test_cash_and_share_checks_use_the_clients_wording(sim: SimBroker) -> None:
    sim.set_quote("600000", D("10.00"), D("10.00"))
    with pytest.raises(BrokerRejected, match="可用金额不足：需要"):
        sim.place_order(Side.BUY, "600000", D("10.00"), 100_000 * 10)
    with pytest.raises(BrokerRejected, match="可用余额不足：600000可用0股，委托卖出100股"):
        sim.place_order(Side.SELL, "600000", D("10.00"), 100)


def test_a_price_outside_the_limits_becomes_a_废单_with_the_band_in_the_message(sim: SimBroker) -> None:
    sim.set_quote("600980", D("25.53"), D("25.53"), name="北矿科技")
    with pytest.raises(BrokerRejected) as err:
        sim.place_order(Side.BUY, "600980", D("28.09"), 100)
    assert err.value.message == "您输入的价格已超出涨跌停限制: [22.98 - 28.08]"
    [order] = sim.today_orders()
    assert order["备注"] == "废单"
    assert order["合同编号"] == err.value.details["合同编号"]
    assert sim.funds()["冻结金额"] == 0


def test_a_code_without_a_quote_is_rejected_clearly(sim: SimBroker) -> None:
    with pytest.raises(BrokerRejected, match="没有该证券的行情"):
        sim.place_order(Side.BUY, "600519", D("1500.00"), 100)


@pytest.mark.parametrize("at", [datetime(2026, 11, 25, 9, 27), datetime(2026, 11, 25, 15, 30)])
def test_no_orders_outside_the_sessions(db: Path, at: datetime) -> None:
    sim = open_broker(db, at)
    sim.set_quote("600000", D("10.00"), D("10.00"))
    with pytest.raises(BrokerRejected, match=r"\[120147\]\[当前时间不允许委托\]\[curr_time="):
        sim.place_order(Side.BUY, "600000", D("10.00"), 100)


def test_cancel_is_refused_between_0920_and_0925(db: Path) -> None:
    sim = open_broker(db, datetime(2026, 11, 25, 9, 16))
    sim.set_quote("600000", D("10.00"), D("10.00"))
    sim.place_order(Side.BUY, "600000", D("9.90"), 100)
    sim.advance(to=datetime(2026, 11, 25, 9, 21))
    with pytest.raises(BrokerRejected, match="不允许撤单"):
        sim.cancel_orders()


def test_call_auction_orders_rest_until_continuous_trading(db: Path) -> None:
    sim = open_broker(db, datetime(2026, 11, 25, 9, 16))
    sim.set_quote("600000", D("10.00"), D("10.00"))
    sim.place_order(Side.BUY, "600000", D("10.00"), 100)
    assert sim.today_orders()[0]["备注"] == "未成交"
    sim.advance(to=datetime(2026, 11, 25, 9, 30))
    assert sim.today_orders()[0]["备注"] == "已成"


def test_t_plus_1_sell_next_day_and_sale_cash_withdrawable_the_day_after(sim: SimBroker) -> None:
    sim.set_quote("600000", D("10.00"), D("10.00"))
    sim.place_order(Side.BUY, "600000", D("10.00"), 300)
    with pytest.raises(BrokerRejected, match="可用余额不足"):
        sim.place_order(Side.SELL, "600000", D("10.00"), 100)
    sim.advance(days=1)
    assert sim.holdings()[0]["可用余额"] == 300
    sim.set_quote("600000", D("10.50"))
    sim.place_order(Side.SELL, "600000", D("10.50"), 300)
    funds = sim.funds()
    proceeds = D("3150") - D("5.00") - D("1.58") - D("0.03")
    assert funds["可用金额"] == D("1000000") - D("3005.03") + proceeds
    assert funds["可取金额"] == D("1000000") - D("3005.03")  # sale cash is withdrawable tomorrow
    pos = sim.holdings()[0]
    assert (pos["股票余额"], pos["当日卖出"]) == (0, 300)
    sim.advance(days=1)
    assert sim.funds()["可取金额"] == sim.funds()["可用金额"]
    assert sim.holdings() == []


def test_a_position_opened_today_has_a_day_pnl_ratio_too(sim: SimBroker) -> None:
    """当日盈亏 -20.00 used to show 当日盈亏比(%) 0.00: the base counted only yesterday's shares."""
    sim.set_quote("600000", D("10.00"), D("10.00"))
    sim.place_order(Side.BUY, "600000", D("10.00"), 100)
    sim.set_quote("600000", D("9.80"))
    pos = sim.holdings()[0]
    assert (pos["当日盈亏"], pos["当日盈亏比(%)"]) == (D("-20.00"), D("-2.00"))
    sim.advance(days=1)
    sim.set_quote("600000", D("10.00"), D("9.80"))
    sim.place_order(Side.BUY, "600000", D("10.00"), 100)
    pos = sim.holdings()[0]  # held 100 from 9.80 to 10.00 (+20), bought 100 at 10.00 (0)
    assert (pos["当日盈亏"], pos["当日盈亏比(%)"]) == (D("20.00"), D("1.01"))  # 20 / (980 + 1000)


def test_withdrawable_cash_spent_down_to_nothing_reads_0_00(db: Path) -> None:
    """Buying with today's sale proceeds left 可取金额 as the integer 0 beside 0.00-style amounts."""
    sim = open_broker(db)
    sim.reset(D("10000"))
    sim.set_quote("600000", D("50.00"), D("50.00"))
    sim.place_order(Side.BUY, "600000", D("50.00"), 100)
    sim.advance(days=1)
    sim.place_order(Side.SELL, "600000", D("50.00"), 100)
    sim.set_quote("600036", D("60.00"), D("60.00"))
    sim.place_order(Side.BUY, "600036", D("60.00"), 100)
    assert str(sim.funds()["可取金额"]) == "0.00"


def test_convertible_bonds_are_t_plus_0(sim: SimBroker) -> None:
    sim.set_quote("113050", D("120.000"), D("120.000"))
    sim.place_order(Side.BUY, "113050", D("120.000"), 10)
    sim.place_order(Side.SELL, "113050", D("120.000"), 10)
    assert [o["备注"] for o in sim.today_orders()] == ["已成", "已成"]


def test_sell_sizes_follow_the_odd_lot_rule_through_the_broker(sim: SimBroker) -> None:
    sim.set_quote("600000", D("10.00"), D("10.00"))
    sim.set_quote("688981", D("50.00"), D("50.00"))
    sim.place_order(Side.BUY, "600000", D("10.00"), 300)
    sim.place_order(Side.BUY, "688981", D("50.00"), 250)
    sim.advance(days=1)
    with pytest.raises(BrokerRejected, match="零股"):
        sim.place_order(Side.SELL, "600000", D("10.00"), 150)
    with pytest.raises(BrokerRejected, match="零股"):
        sim.place_order(Side.SELL, "688981", D("50.00"), 50)
    sim.place_order(Side.SELL, "688981", D("50.00"), 201)
    sim.place_order(Side.SELL, "688981", D("50.00"), 49)  # the whole remainder in one order
    assert [o["备注"] for o in sim.today_orders()] == ["已成", "已成"]


def test_unfilled_orders_expire_at_the_close(sim: SimBroker) -> None:
    sim.set_quote("600000", D("10.00"), D("10.00"), volume=100)
    sim.place_order(Side.BUY, "600000", D("10.00"), 300)
    sim.place_order(Side.BUY, "600000", D("9.50"), 100)
    sim.advance(to=datetime(2026, 11, 25, 15, 0))
    assert [o["备注"] for o in sim.today_orders()] == ["部撤", "已撤"]
    assert sim.funds()["冻结金额"] == 0


def test_the_closing_call_matches_at_the_last_price(sim: SimBroker) -> None:
    sim.set_quote("600000", D("10.20"), D("10.00"))
    sim.place_order(Side.BUY, "600000", D("10.10"), 100)
    sim.advance(to=datetime(2026, 11, 25, 14, 58))
    sim.set_quote("600000", D("10.05"))
    sim.advance(to=datetime(2026, 11, 25, 15, 0))
    [order] = sim.today_orders()
    assert (order["备注"], order["成交均价"]) == ("已成", D("10.05"))


def test_outside_the_cage_an_order_is_held_until_the_market_moves(sim: SimBroker) -> None:
    sim.set_quote("300750", D("10.00"), D("10.00"), bid=D("9.99"), ask=D("10.00"))
    sim.place_order(Side.BUY, "300750", D("10.30"), 100)  # cage top 10.20
    assert sim.today_orders()[0]["备注"] == "未成交"
    sim.set_quote("300750", D("10.10"), ask=D("10.10"))  # cage top 10.30 (10.302)
    assert sim.today_orders()[0]["备注"] == "已成"


def test_cage_reject_policy(db: Path) -> None:
    sim = open_broker(db, cage="reject")
    sim.set_quote("300750", D("10.00"), D("10.00"))
    with pytest.raises(BrokerRejected, match="价格笼子"):
        sim.place_order(Side.BUY, "300750", D("10.30"), 100)


def test_market_buy_fills_what_is_there_and_cancels_the_rest(sim: SimBroker) -> None:
    sim.set_quote("600000", D("10.00"), D("10.00"), ask=D("10.01"), volume=200)
    sim.place_market_order(Side.BUY, "600000", 500, MarketStrategy.FIVE_LEVEL_CANCEL)
    [order] = sim.today_orders()
    assert (order["操作"], order["备注"], order["成交数量"], order["撤消数量"]) == ("五档买入", "部撤", 200, 300)
    assert sim.funds()["冻结金额"] == 0


def test_market_fill_or_kill_is_all_or_nothing(sim: SimBroker) -> None:
    sim.set_quote("000001", D("10.00"), D("10.00"), volume=200)
    sim.place_market_order(Side.BUY, "000001", 500, MarketStrategy.FILL_OR_KILL)
    assert sim.today_orders()[0]["备注"] == "已撤"
    sim.place_market_order(Side.BUY, "000001", 200, MarketStrategy.FILL_OR_KILL)
    assert sim.today_orders()[1]["备注"] == "已成"


def test_market_to_limit_rests_at_the_fill_price_and_freezes_at_limit_up(sim: SimBroker) -> None:
    sim.set_quote("600000", D("10.00"), D("10.00"), volume=100)
    sim.place_market_order(Side.BUY, "600000", 300, MarketStrategy.FIVE_LEVEL_TO_LIMIT)
    [order] = sim.today_orders()
    assert (order["备注"], order["委托价格"]) == ("部分成交", D("10.00"))
    # 200 remaining frozen at the limit-up 11.00 with the fee estimate of the whole order
    assert sim.funds()["冻结金额"] == ((D("11.00") * 300 + D("5.03")) * 200 / 300).quantize(D("0.01"))
    sim.set_quote("600000", D("10.00"))
    assert sim.today_orders()[0]["备注"] == "已成"


def test_market_orders_only_in_continuous_trading(db: Path) -> None:
    sim = open_broker(db, datetime(2026, 11, 25, 9, 16))
    sim.set_quote("600000", D("10.00"), D("10.00"))
    with pytest.raises(BrokerRejected, match="当前时间不允许委托"):
        sim.place_market_order(Side.BUY, "600000", 100, MarketStrategy.FIVE_LEVEL_CANCEL)


def test_cancel_filters_by_side_and_code(sim: SimBroker) -> None:
    sim.set_quote("600000", D("10.00"), D("10.00"))
    sim.set_quote("000001", D("10.00"), D("10.00"))
    sim.place_order(Side.BUY, "600000", D("9.90"), 100)
    keep = sim.place_order(Side.BUY, "000001", D("9.90"), 100).contract_no
    assert len(sim.cancel_orders(stock_code="600000", side="buy")) == 1
    assert sim.cancel_orders(side="sell") == []
    assert sim.cancel_orders() == [keep]


def test_history_filters_by_natural_days(sim: SimBroker) -> None:
    sim.set_quote("600000", D("10.00"), D("10.00"))
    sim.place_order(Side.BUY, "600000", D("10.00"), 100)
    sim.advance(days=3)
    sim.set_quote("600000", D("10.00"))
    sim.place_order(Side.BUY, "600000", D("10.00"), 100)
    assert len(sim.order_history("当日")) == 1
    week = sim.order_history("近一周")
    assert [r["委托日期"] for r in week] == ["20261125", "20261130"]
    assert sim.today_orders()[0]["委托时间"] == "09:30:00"


def test_quote_updates_from_another_thread_keep_the_account_consistent(sim: SimBroker) -> None:
    sim.set_quote("600000", D("10.00"), D("10.00"), volume=100)
    errors: list[BaseException] = []

    def feed() -> None:
        try:
            for i in range(100):
                sim.set_quote("600000", D("9.90") + D(i % 3) / 100, volume=100)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    thread = threading.Thread(target=feed)
    thread.start()
    for _ in range(20):
        sim.place_order(Side.BUY, "600000", D("9.91"), 100)
    sim.cancel_orders()
    thread.join()
    assert errors == []
    funds = sim.funds()
    assert funds["冻结金额"] == 0
    assert funds["资金余额"] == funds["可用金额"] + funds["冻结金额"]
    filled = sum(o["成交数量"] for o in sim.today_orders())
    assert sum(p["股票余额"] for p in sim.holdings()) == filled
