"""Reverse repo, condition orders, accounts, restarts and quote sources on the sim."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import httpx
import pytest

from easyths.brokers.base import Evidence, MarketStrategy, Side
from easyths.brokers.sim import RandomWalkQuotes, ReplayQuotes, SimBroker, VirtualClock, WallClock
from easyths.brokers.sim.sources import LiveQuotes, parse_sina
from easyths.domain.commands import CommandKind, OrderCommand
from easyths.errors import BrokerRejected
from easyths.settings import SimSection
from tests.brokers.sim.support import FRIDAY, D, open_broker

# --- reverse repo ---------------------------------------------------------------------------------


def test_friday_gc001_earns_three_days_and_pays_back_on_monday(db: Path) -> None:
    sim = open_broker(db, FRIDAY)
    sim.set_quote("204001", D("2.5"))
    ack = sim.lend_repo("上海", 1, 100_000)
    assert (ack.code, ack.rate) == ("204001", D("2.5"))
    funds = sim.funds()
    assert funds["冻结金额"] == D("100000")  # lent: out of 可用, still in 资金余额
    assert funds["资金余额"] == D("1000000") - D("1.00")  # 0.001% fee
    assert sim.state()["repos"][0]["占款天数"] == 3
    sim.advance(days=1)  # Monday
    funds = sim.funds()
    assert funds["可用金额"] == D("1000000") - D("1.00") + D("20.55")
    assert funds["可取金额"] == D("1000000") - D("1.00") - D("100000")  # withdrawable from Tuesday
    sim.advance(days=1)
    assert sim.funds()["可取金额"] == sim.funds()["可用金额"]


def test_a_gc001_lent_on_new_years_eve_earns_four_days(db: Path) -> None:
    """2027 is beyond the calendar library: New Year's Day used to count as a trading day."""
    sim = open_broker(db, datetime(2026, 12, 31, 10, 0))
    sim.set_quote("204001", D("3.65"))
    sim.lend_repo("上海", 1, 100_000)
    [loan] = sim.state()["repos"]
    assert (loan["到期日"], loan["占款天数"], loan["预计利息"]) == ("2027-01-04", 4, D("40.00"))


def test_repo_needs_a_rate_whole_thousands_and_cash(db: Path) -> None:
    sim = open_broker(db, FRIDAY)
    with pytest.raises(BrokerRejected, match="没有该证券的行情"):
        sim.lend_repo("深圳", 1, 1000)
    sim.set_quote("131810", D("1.85"))
    with pytest.raises(BrokerRejected, match="1000的倍数"):
        sim.lend_repo("深圳", 1, 1500)
    with pytest.raises(BrokerRejected, match="可用金额不足"):
        sim.lend_repo("深圳", 1, 2_000_000)
    sim.lend_repo("深圳", 1, 1000)
    assert sim.repo_rates() == [
        {"市场类型": "深圳市场", "时间类型": "1天期", "年化利率": "1.850%", "证券代码": "131810"}
    ]
    [order] = sim.today_orders()
    assert (order["操作"], order["备注"], order["委托价格"]) == ("卖出", "已成", D("1.850"))


def test_selling_a_repo_code_lends_like_reverse_repo_buy(db: Path) -> None:
    """The client's 卖出 form on 204001: quantity in 张 (100 元), price the lowest rate taken."""
    sim = open_broker(db, FRIDAY)
    sim.set_quote("204001", D("2.5"))
    ack = sim.place_order(Side.SELL, "204001", D("2.400"), 1000)
    funds = sim.funds()
    assert funds["冻结金额"] == D("100000")
    assert funds["资金余额"] == D("1000000") - D("1.00")
    [loan] = sim.state()["repos"]
    assert (loan["出借金额"], loan["占款天数"]) == (D("100000"), 3)
    [order] = sim.today_orders()
    assert order["合同编号"] == ack.contract_no
    assert (order["操作"], order["备注"], order["成交数量"], order["成交均价"]) == ("卖出", "已成", 1000, D("2.500"))
    assert order["委托价格"] == D("2.400")  # its own price, as the client's grid shows (and matches) it
    assert sim.holdings() == []  # a loan, not a position
    sim.advance(days=1)
    assert sim.funds()["可用金额"] == D("1000000") - D("1.00") + D("20.55")


def test_repo_sells_above_the_rate_or_off_1000_and_repo_buys_change_nothing(db: Path) -> None:
    sim = open_broker(db, FRIDAY)
    sim.set_quote("204001", D("2.5"))
    before = sim.funds()
    with pytest.raises(BrokerRejected, match="高于当前年化利率"):
        sim.place_order(Side.SELL, "204001", D("2.600"), 10)
    with pytest.raises(BrokerRejected, match="10张"):
        sim.place_order(Side.SELL, "204001", D("2.500"), 15)
    with pytest.raises(BrokerRejected, match="只能卖出"):
        sim.place_order(Side.BUY, "204001", D("2.500"), 10)
    with pytest.raises(BrokerRejected, match="不支持市价委托"):
        sim.place_market_order(Side.SELL, "204001", 10, MarketStrategy.FIVE_LEVEL_CANCEL)
    assert sim.funds() == before
    assert sim.today_orders() == [] and sim.holdings() == [] and sim.state()["repos"] == []


# --- condition orders -----------------------------------------------------------------------------


def test_condition_buy_triggers_at_or_below_the_target_and_orders_at_the_ask(sim: SimBroker) -> None:
    sim.set_quote("600000", D("10.50"), D("10.50"), name="浦发银行")
    ack = sim.place_condition_order(Side.BUY, "600000", D("10.00"), 200, 5)
    [row] = sim.condition_orders()
    assert (row["条件单编号"], row["方向"], row["监控标的"], row["状态"]) == (
        ack.condition_id,
        "买入",
        "浦发银行(600000)",
        "未触发",
    )
    sim.set_quote("600000", D("10.01"))
    assert sim.today_orders() == []
    sim.set_quote("600000", D("9.98"), bid=D("9.97"), ask=D("9.99"))
    assert sim.condition_orders() == []
    [order] = sim.today_orders()
    assert (order["操作"], order["委托价格"], order["备注"]) == ("买入", D("9.99"), "已成")


def test_conditions_trigger_only_in_continuous_trading(sim: SimBroker) -> None:
    sim.set_quote("600000", D("10.50"), D("10.50"))
    sim.place_condition_order(Side.BUY, "600000", D("10.00"), 100, 1)
    sim.advance(to=datetime(2026, 11, 25, 12, 0))
    sim.set_quote("600000", D("9.90"))  # lunch break: no trigger
    assert len(sim.condition_orders()) == 1
    sim.advance(to=datetime(2026, 11, 25, 13, 0))
    sim.set_quote("600000", D("9.90"))
    assert sim.condition_orders() == []


def test_condition_orders_expire_after_their_natural_days(sim: SimBroker) -> None:
    sim.set_quote("600000", D("10.50"), D("10.50"))
    sim.place_condition_order(Side.BUY, "600000", D("10.00"), 100, 3)  # Wed, Thu, Fri
    sim.advance(to=datetime(2026, 11, 27, 23, 59))
    assert len(sim.condition_orders()) == 1
    sim.advance(to=datetime(2026, 11, 28, 0, 0))
    assert sim.condition_orders() == []


def test_stop_loss_needs_a_holding_and_sells_all_at_the_bid(sim: SimBroker) -> None:
    sim.set_quote("600000", D("10.00"), D("10.00"))
    with pytest.raises(BrokerRejected, match="没有相应的股票持仓记录，无法设置止盈止损"):
        sim.place_stop_loss_profit("600000", D("3"), D("5"), None, 30)
    sim.place_order(Side.BUY, "600000", D("10.00"), 1000)  # cost 10.0075 with fees
    sim.advance(days=1)
    ack = sim.place_stop_loss_profit("600000", D("3"), D("5"), None, 30)
    assert ack.quantity == 1000
    [row] = sim.condition_orders()
    assert "9.70" in row["触发条件"] and "10.51" in row["触发条件"]  # cost 10.0051
    sim.set_quote("600000", D("9.80"))
    assert len(sim.condition_orders()) == 1
    sim.set_quote("600000", D("9.70"), bid=D("9.69"), ask=D("9.70"))
    [order] = sim.today_orders()
    assert (order["操作"], order["委托数量"], order["委托价格"], order["备注"]) == ("卖出", 1000, D("9.69"), "已成")


def test_stop_loss_on_todays_buy_needs_a_quantity_within_the_holding(sim: SimBroker) -> None:
    """The reference: bought today, no quantity → cannot be set (可卖 0, T+1). It was accepted with
    quantity 0; a quantity above the holding was accepted too, to fail only when triggered."""
    sim.set_quote("600000", D("10.00"), D("10.00"))
    sim.place_order(Side.BUY, "600000", D("10.00"), 300)
    with pytest.raises(BrokerRejected, match="请指定委托数量"):
        sim.place_stop_loss_profit("600000", D("3"), D("5"), None, 30)
    with pytest.raises(BrokerRejected, match="超过600000的持仓数量300"):
        sim.place_stop_loss_profit("600000", D("3"), D("5"), 400, 30)
    assert sim.condition_orders() == []
    assert sim.place_stop_loss_profit("600000", D("3"), D("5"), 300, 30).quantity == 300


def test_a_triggered_order_that_fails_is_a_废单(sim: SimBroker) -> None:
    sim.set_quote("600000", D("10.00"), D("10.00"))
    sim.place_condition_order(Side.BUY, "600000", D("10.00"), 1_000_000, 30)
    sim.set_quote("600000", D("9.99"))
    [order] = sim.today_orders()
    assert order["备注"] == "废单"


def test_cancel_condition_orders_by_side(sim: SimBroker) -> None:
    sim.set_quote("600000", D("10.00"), D("10.00"))
    sim.place_order(Side.BUY, "600000", D("10.00"), 100)
    sim.place_condition_order(Side.BUY, "600000", D("9.00"), 100, 30)
    sim.place_condition_order(Side.SELL, "600000", D("11.00"), 100, 30)
    assert sim.cancel_condition_orders(side=Side.SELL) == 1
    assert [r["方向"] for r in sim.condition_orders()] == ["买入"]
    assert sim.cancel_condition_orders(stock_code="600000") == 1


# --- accounts, restart, health --------------------------------------------------------------------


def test_named_accounts_have_their_own_cash(db: Path) -> None:
    sim = open_broker(db, accounts=["主账户", "副账户"], initial_cash=D("50000"))
    assert sim.accounts() == [
        {"account_name": "主账户", "account_index": 0, "current": True},
        {"account_name": "副账户", "account_index": 1, "current": False},
    ]
    sim.set_quote("600000", D("10.00"), D("10.00"))
    sim.place_order(Side.BUY, "600000", D("10.00"), 100)
    sim.switch_account("副账户")
    assert sim.current_account() == "副账户"
    assert (sim.funds()["资金余额"], sim.today_orders()) == (D("50000"), [])
    with pytest.raises(BrokerRejected, match="账户不存在"):
        sim.switch_account("别人的")


def test_orders_fills_conditions_and_clock_survive_a_restart(db: Path) -> None:
    sim = open_broker(db)
    sim.set_quote("600000", D("10.00"), D("10.00"), volume=100)
    ack = sim.place_order(Side.BUY, "600000", D("10.00"), 300)
    sim.place_condition_order(Side.BUY, "600000", D("9.00"), 100, 30)
    sim.advance(to=datetime(2026, 11, 25, 10, 15))
    before = (sim.today_orders(), sim.today_fills(), sim.condition_orders(), sim.funds(), sim.holdings())
    sim.close()
    again = SimBroker(db, SimSection())  # no clock injected: the saved one resumes
    assert again.state()["clock"] == "2026-11-25T10:15:00+08:00"
    assert (
        again.today_orders(),
        again.today_fills(),
        again.condition_orders(),
        again.funds(),
        again.holdings(),
    ) == before
    assert int(again.place_order(Side.BUY, "600000", D("9.50"), 100).contract_no) > int(ack.contract_no)
    # an order named by its 合同编号 is found on the book after the restart; an absent one is not
    order = OrderCommand("op-x", CommandKind.LIMIT, code="600000", side=Side.BUY, price=D("9.50"), quantity=100)
    reconciled = again.reconcile(order, Evidence(contract_no=ack.contract_no))
    assert reconciled is not None and reconciled.contract_no == ack.contract_no
    assert again.reconcile(order, Evidence(contract_no="99999999")) is None
    again.close()


def test_health_and_reset(sim: SimBroker) -> None:
    health = sim.health()
    assert (health.connected, health.logged_in, health.backend) == (True, True, "sim")
    assert health.extra["session_phase"] == "连续竞价"
    sim.set_quote("600000", D("10.00"), D("10.00"))
    sim.place_order(Side.BUY, "600000", D("10.00"), 100)
    state = sim.reset(D("20000"))
    assert state["quotes"][0]["stock_code"] == "600000"
    assert (sim.funds()["总资产"], sim.today_orders(), sim.holdings()) == (D("20000"), [], [])


def test_wall_clock_rolls_days_lazily(db: Path) -> None:
    now = [datetime(2026, 11, 25, 10, 0)]
    sim = SimBroker(db, SimSection(clock="wall"), clock=WallClock(lambda: now[0]))
    sim.set_quote("600000", D("10.00"), D("10.00"))
    sim.place_order(Side.BUY, "600000", D("9.00"), 100)
    now[0] = datetime(2026, 11, 26, 10, 0)
    assert sim.order_history("近一周")[0]["备注"] == "已撤"
    assert sim.funds()["冻结金额"] == 0


def test_a_saturday_start_is_not_a_session(db: Path) -> None:
    sim = open_broker(db, datetime(2026, 11, 28, 10, 0))
    sim.set_quote("600000", D("10.00"), D("10.00"))
    with pytest.raises(BrokerRejected, match="当前时间不允许委托"):
        sim.place_order(Side.BUY, "600000", D("10.00"), 100)
    assert sim.advance(days=1)["clock"] == "2026-11-30T09:30:00+08:00"


# --- quote sources --------------------------------------------------------------------------------


def test_random_walk_is_deterministic_for_a_seed(tmp_path: Path) -> None:
    def walk(name: str) -> list[object]:
        sim = SimBroker(
            tmp_path / name,
            SimSection(quotes="random", random_seed=7),
            clock=VirtualClock(datetime(2026, 11, 25, 9, 30)),
        )
        sim.place_order(Side.BUY, "600000", D("10.00"), 100)  # the first quote comes from the source
        prices = []
        for _ in range(5):
            sim.refresh_quotes()
            prices.append(sim.state()["quotes"][0]["price"])
        sim.close()
        return prices

    assert walk("a.db") == walk("b.db")
    assert isinstance(RandomWalkQuotes(1).fetch(["600000"], datetime.now(), {})[0].price, type(D(1)))


def test_replay_drives_the_clock_and_the_book(tmp_path: Path) -> None:
    csv = tmp_path / "ticks.csv"
    csv.write_text(
        "time,code,price,prev_close,volume\n"
        "2026-11-25T09:30:00,600000,10.00,10.00,\n"
        "2026-11-25T10:00:00,600000,9.80,,100\n"
        "2026-11-26T09:31:00,600000,9.90,,\n",
        encoding="utf-8",
    )
    sim = SimBroker(
        tmp_path / "r.db",
        SimSection(quotes="replay", replay_file=csv),
        clock=VirtualClock(datetime(2026, 11, 25, 9, 30)),
    )
    assert sim.replay_step() == 1
    sim.place_order(Side.BUY, "600000", D("9.80"), 200)
    assert sim.replay_step() == 1
    assert sim.state()["clock"] == "2026-11-25T10:00:00+08:00"
    assert sim.today_orders()[0]["成交数量"] == 100
    assert sim.replay_step() == 1
    assert sim.state()["quotes"][0]["prev_close"] == D("9.80")
    assert sim.replay_step() is None
    sim.close()
    again = SimBroker(tmp_path / "r.db", SimSection(quotes="replay", replay_file=csv))
    assert again.replay_step() is None  # the position survives a restart
    again.close()


SINA = (
    'var hq_str_sh600000="浦发银行,10.150,10.160,10.200,10.250,10.100,10.190,10.200,23456789,238000000.000,'
    '1200,10.190,0,0,0,0,0,0,0,0,3400,10.200,0,0,0,0,0,0,0,0,2026-11-25,10:30:00,00,";\n'
    'var hq_str_sz000001="平安银行,0.000,11.000,0.000,0,0,0,0,0,0";\n'
)


def test_live_quotes_parse_the_sina_format_on_a_recorded_payload() -> None:
    [quote] = parse_sina(SINA)  # the suspended one (price 0) is skipped
    assert (quote.code, quote.name, quote.price, quote.prev_close, quote.bid, quote.ask) == (
        "600000",
        "浦发银行",
        D("10.200"),
        D("10.160"),
        D("10.190"),
        D("10.200"),
    )
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(200, content=SINA.encode("gbk"))

    source = LiveQuotes(transport=httpx.MockTransport(handler))
    assert [q.code for q in source.fetch(["600000", "000001"], datetime.now(), {})] == ["600000"]
    assert seen == ["https://hq.sinajs.cn/list=sh600000,sz000001"]
    failing = LiveQuotes(transport=httpx.MockTransport(lambda r: httpx.Response(503)))
    assert failing.fetch(["600000"], datetime.now(), {}) == []


def test_replay_source_reads_bars_with_a_close_column(tmp_path: Path) -> None:
    csv = tmp_path / "bars.csv"
    csv.write_text("time,code,close\n2026-11-25T15:00:00,600000,10.5\n", encoding="utf-8")
    _when, [quote] = ReplayQuotes(csv).next_batch() or (None, [None])
    assert (quote.code, quote.price) == ("600000", D("10.5"))
