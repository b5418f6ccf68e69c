"""打新 on the sim, rule by rule with numbers (`docs/rules.md#ipo`): quota from a 20-day history,
units per board, the cap, first-only, hours, 配号, a seeded 中签, payment, abandonment, listing."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest

from easyths.brokers.base import Evidence, Side
from easyths.brokers.sim import SimBroker
from easyths.domain import calendar
from easyths.domain.commands import CommandKind, OrderCommand
from easyths.domain.ipo import nth_session, window
from easyths.errors import BrokerRejected, InvalidParams
from tests.brokers.sim.support import D, open_broker

T = date(2026, 10, 20)  # its 20-day window runs across the National Day holiday
DAYS = window(T)


def at(day: date, hh: int = 10, mm: int = 0) -> datetime:
    return datetime.combine(day, time(hh, mm))


def issue(code: str, sub: str, kind: str = "stock", cap: int = 10000, rate: str = "0.5", **kw: Any) -> dict[str, Any]:
    day = kw.pop("day", T)
    return {
        "stock_code": code,
        "subscribe_code": sub,
        "name": kw.pop("name", f"新{code}"),
        "kind": kind,
        "price": kw.pop("price", "100" if kind == "bond" else "10.00"),
        "cap": cap,
        "subscribe_date": day.isoformat(),
        "winning_rate": rate,
        "listing_date": nth_session(day, 5).isoformat(),
    }


def subscribe(sim: SimBroker, code: str, quantity: int | None = None, ref: str = "op-1") -> Any:
    return sim.submit(OrderCommand(ref, CommandKind.IPO, code=code, side=Side.BUY, quantity=quantity))


def row(rows: list[dict[str, Any]], code: str) -> dict[str, Any]:
    return next(r for r in rows if r["证券代码"] == code)


@pytest.fixture
def held(tmp_path: Path) -> SimBroker:
    """Shanghai 20,000 yuan held from the window's 2nd day (the 1st holds nothing), Shenzhen
    12,000 from its 11th: averages 19,000 and 6,000."""
    sim = open_broker(tmp_path / "sim.db", at(DAYS[0], 9, 30), ipo_examples=False)
    sim.set_quote("600000", D("10.00"), D("10.00"), name="浦发银行")
    sim.set_quote("000001", D("12.00"), D("12.00"), name="平安银行")
    sim.advance(to=at(DAYS[1]))
    sim.place_order(Side.BUY, "600000", D("10.00"), 2000)
    sim.advance(to=at(DAYS[10]))
    sim.place_order(Side.BUY, "000001", D("12.00"), 1000)
    sim.advance(to=at(T))
    return sim


def test_the_window_is_twenty_sessions_ending_t_minus_2_and_skips_the_holiday() -> None:
    assert len(DAYS) == 20 and DAYS[-1] == calendar.previous_session(calendar.previous_session(T))
    assert all(calendar.is_session(d) for d in DAYS)
    span = [DAYS[0] + timedelta(days=i) for i in range((DAYS[-1] - DAYS[0]).days + 1)]
    assert any(d.weekday() < 5 and not calendar.is_session(d) for d in span)  # 国庆 is inside the span


def test_quota_comes_from_the_20_day_average_per_market_and_board(held: SimBroker) -> None:
    assert held.ipo_market_values() == {"上海市值": D("19000.00"), "深圳市值": D("6000.00")}
    held.add_ipo(issue("603777", "732777"))
    held.add_ipo(issue("688777", "787777"))
    held.add_ipo(issue("301555", "301555"))
    held.add_ipo(issue("113999", "754999", "bond", cap=1000))
    rows = held.ipo_issues()
    assert row(rows, "603777")["可申购数量"] == 1000  # 19,000 // 10,000 = 1 unit of 1,000
    assert row(rows, "688777")["可申购数量"] == 1500  # 19,000 // 5,000 = 3 units of 500
    assert row(rows, "301555")["可申购数量"] == 0  # 6,000 < 10,000: listed, with 0
    assert row(rows, "113999")["可申购数量"] == 1000  # bonds need no market value
    assert {r["证券代码"]: r["申购单位"] for r in rows} == {"113999": 10, "301555": 500, "603777": 1000, "688777": 500}


def test_the_cap_bounds_the_quota_and_the_default_quantity_is_the_most_allowed(held: SimBroker) -> None:
    held.add_ipo(issue("688777", "787777", cap=1000))
    assert row(held.ipo_issues(), "688777")["可申购数量"] == 1000
    ack = subscribe(held, "787777")
    assert ack.quantity == 1000 and ack.contract_no


@pytest.mark.parametrize(
    ("quantity", "said"),
    [(1500, "申购单位1000的整数倍"), (2000, "超过可申购数量1000"), (11000, "申购上限10000")],
)
def test_a_quantity_off_the_units_above_the_quota_or_the_cap_is_refused_and_leaves_nothing(
    held: SimBroker, quantity: int, said: str
) -> None:
    held.add_ipo(issue("603777", "732777"))
    before = held.today_orders()
    with pytest.raises(BrokerRejected, match=said):
        subscribe(held, "603777", quantity)
    assert held.today_orders() == before and held.ipo_allotments() == []


def test_only_the_first_subscription_counts_and_it_is_one_reported_row_on_the_book(held: SimBroker) -> None:
    held.add_ipo(issue("603777", "732777"))
    ack = subscribe(held, "732777")
    with pytest.raises(BrokerRejected, match="只有第一笔申购有效"):
        subscribe(held, "603777", ref="op-2")
    subs = [o for o in held.today_orders() if o["操作"] == "配售申购"]
    assert [(o["合同编号"], o["备注"], o["委托数量"]) for o in subs] == [(ack.contract_no, "已报", 1000)]
    assert row(held.ipo_issues(), "603777")["已申购"] is True
    assert held.funds()["冻结金额"] == D("0.00")  # nothing frozen on T
    assert held.cancel_orders(stock_code="603777") == []  # a subscription cannot be cancelled


def test_subscription_hours_per_exchange_and_no_subscription_on_a_non_trading_day(tmp_path: Path) -> None:
    sim = open_broker(tmp_path / "sim.db", at(T, 9, 20), ipo_examples=False)
    sim.add_ipo(issue("113999", "754999", "bond"))
    sim.add_ipo(issue("123999", "370999", "bond"))
    with pytest.raises(BrokerRejected, match="09:30-11:30"):
        subscribe(sim, "754999")  # Shanghai opens at 9:30
    assert subscribe(sim, "370999").contract_no  # Shenzhen from 9:15
    sim.advance(to=at(T, 15, 1))
    sim.add_ipo(issue("127999", "371999", "bond"))
    with pytest.raises(BrokerRejected, match="不在申购时间内"):
        subscribe(sim, "371999", ref="op-3")
    saturday = T + timedelta(days=(5 - T.weekday()) % 7)
    sim.advance(to=at(saturday))
    with pytest.raises(BrokerRejected, match="不是交易日"):
        subscribe(sim, "371999", ref="op-4")


def test_an_unknown_code_and_another_days_issue_are_refused(held: SimBroker) -> None:
    with pytest.raises(BrokerRejected, match="未找到"):
        subscribe(held, "732000")
    held.add_ipo(issue("603777", "732777", day=nth_session(T, 1)))
    with pytest.raises(BrokerRejected, match="不在申购日"):
        subscribe(held, "732777")
    assert held.today_orders() == []


def test_a_beijing_issue_is_not_supported() -> None:
    from easyths.brokers.sim.ipo_calendar import parse

    with pytest.raises(InvalidParams, match="北交所"):
        parse(issue("920001", "920001"), source="api")


def test_numbers_on_t_plus_1_one_per_unit_and_continuous_across_accounts(tmp_path: Path) -> None:
    sim = open_broker(tmp_path / "sim.db", at(T), ipo_examples=False, accounts=["甲", "乙"])
    sim.add_ipo(issue("113999", "754999", "bond", cap=1000, rate="0.5"))
    subscribe(sim, "754999", 200)
    sim.switch_account("乙")
    subscribe(sim, "754999", 50, ref="op-2")
    assert sim.ipo_allotments()[0]["状态"] == "已申报" and sim.ipo_allotments()[0]["起始配号"] is None
    sim.advance(days=1)
    [b] = sim.ipo_allotments()
    sim.switch_account("甲")
    [a] = sim.ipo_allotments()
    assert (a["状态"], a["起始配号"], a["配号数量"]) == ("已配号", "100000001", 20)
    assert (b["起始配号"], b["配号数量"]) == ("100000021", 5)
    assert a["中签数量"] is None


def _drawn(path: Path, seed: int) -> int:
    sim = open_broker(path, at(T), ipo_examples=False, ipo_seed=seed, initial_cash=D(10**7))
    sim.add_ipo(issue("113999", "754999", "bond", cap=10000, rate="0.5"))
    subscribe(sim, "754999", 10000)
    sim.advance(days=2)
    won: int = sim.ipo_allotments()[0]["中签数量"]
    sim.close()
    return won


def test_the_draw_is_seeded_same_seed_same_result_and_near_the_rate(tmp_path: Path) -> None:
    first, again, other = _drawn(tmp_path / "a.db", 7), _drawn(tmp_path / "b.db", 7), _drawn(tmp_path / "c.db", 8)
    assert first == again and first != other
    assert first % 10 == 0 and 4000 <= first <= 6000  # 1,000 numbers at 50%


def test_t_plus_2_freezes_the_amount_due_and_the_close_pays_it_then_listing_fills_holdings(held: SimBroker) -> None:
    held.add_ipo(issue("603777", "732777", rate="1", price="12.34"))
    subscribe(held, "732777")
    cash = held.funds()["资金余额"]
    held.advance(days=2)
    [won] = held.ipo_allotments()
    assert (won["状态"], won["中签数量"], won["应缴金额"]) == ("中签", 1000, D("12340.00"))
    assert held.funds()["冻结金额"] == D("12340.00")
    assert won["缴款日期"] == nth_session(T, 2).isoformat()
    held.advance(days=1)
    [paid] = held.ipo_allotments()
    assert (paid["状态"], paid["已缴数量"], paid["放弃数量"]) == ("已缴款", 1000, 0)
    assert held.funds()["资金余额"] == cash - D("12340.00") and held.funds()["冻结金额"] == D("0.00")
    held.advance(to=at(nth_session(T, 5)))
    assert held.ipo_allotments()[0]["状态"] == "已上市"
    position = row(held.holdings(), "603777")
    assert (position["股票余额"], position["可用余额"]) == (1000, 1000)
    assert position["成本价"] == D("12.34")


def test_nothing_won_is_unlisted_and_costs_nothing(held: SimBroker) -> None:
    held.add_ipo(issue("603777", "732777", rate="0.000001"))
    subscribe(held, "732777")
    cash = held.funds()["资金余额"]
    held.advance(days=3)
    assert held.ipo_allotments()[0]["状态"] == "未中签" and held.funds()["资金余额"] == cash


@pytest.mark.parametrize(("unit", "paid", "abandoned"), [("unit", 10, 10), ("share", 15, 5)])
def test_short_cash_abandons_what_it_cannot_cover(tmp_path: Path, unit: str, paid: int, abandoned: int) -> None:
    sim = open_broker(tmp_path / "sim.db", at(T), ipo_examples=False, initial_cash=D(1500), ipo_abandon_unit=unit)
    sim.add_ipo(issue("113999", "754999", "bond", rate="1"))
    subscribe(sim, "754999", 20)
    sim.advance(days=3)
    [a] = sim.ipo_allotments()
    assert (a["状态"], a["中签数量"], a["已缴数量"], a["放弃数量"]) == ("已缴款", 20, paid, abandoned)
    assert sim.funds()["资金余额"] == D(1500) - D(100) * paid


def test_a_subscription_cut_off_by_a_crash_is_found_by_its_operation_id(held: SimBroker) -> None:
    held.add_ipo(issue("603777", "732777"))
    ack = subscribe(held, "732777", ref="op-crash")
    command = OrderCommand("op-crash", CommandKind.IPO, code="732777", side=Side.BUY)
    found = held.reconcile(command, Evidence(by_reference=True))
    assert found is not None and found.contract_no == ack.contract_no
    assert held.reconcile(OrderCommand("op-none", CommandKind.IPO, code="732777"), Evidence(by_reference=True)) is None


def test_reset_keeps_the_issues_and_forgets_subscriptions_and_market_values(held: SimBroker) -> None:
    held.add_ipo(issue("603777", "732777"))
    subscribe(held, "732777")
    held.reset()
    assert [i["stock_code"] for i in held.list_ipos()] == ["603777"]
    assert held.ipo_allotments() == [] and held.ipo_market_values()["上海市值"] == D("0.00")


def test_the_shipped_examples_are_today_s_the_first_time_they_are_asked_for(tmp_path: Path) -> None:
    sim = open_broker(tmp_path / "sim.db", at(T))
    rows = sim.ipo_issues()
    assert {r["证券代码"] for r in rows} == {"603777", "301555", "113999"}
    sim.advance(days=1)
    assert {r["证券代码"] for r in sim.ipo_issues()} == {"688777", "123999"}
    assert subscribe(sim, "370999").quantity == 10000


def test_the_reference_folder_file_is_read_and_a_bad_row_is_an_error(tmp_path: Path) -> None:
    ref = tmp_path / "reference"
    ref.mkdir()
    header = "stock_code,subscribe_code,name,kind,price,cap,subscribe_date,winning_rate,listing_date\n"
    good = f"113998,754998,文件转债,bond,100,1000,{T},0.001,{nth_session(T, 5)}\n"
    (ref / "ipos.csv").write_text("# 说明\n" + header + good, encoding="utf-8")
    sim = open_broker(tmp_path / "sim.db", at(T), ipo_examples=False, reference_dir=ref)
    assert [r["证券名称"] for r in sim.ipo_issues()] == ["文件转债"]
    (ref / "ipos.csv").write_text(header + good + f"113997,754997,坏,bond,100,15,{T},0.001,{T}\n", encoding="utf-8")
    with pytest.raises(Exception, match="第3行"):
        sim.ipo_issues()


def test_a_listed_new_share_trades_without_a_limit_in_its_first_days(held: SimBroker) -> None:
    held.add_ipo(issue("603777", "732777", rate="1", price="10.00"))
    subscribe(held, "732777")
    held.advance(to=at(nth_session(T, 5)))
    held.set_quote("603777", D("14.40"), D("10.00"), name="新603777")  # +44%: no band on day 1
    ack = held.place_order(Side.SELL, "603777", D("14.40"), 1000)
    [order] = [o for o in held.today_orders() if o["合同编号"] == ack.contract_no]
    assert order["备注"] != "废单"


def test_each_step_is_an_event_under_the_subscribing_operation(tmp_path: Path) -> None:
    sim = open_broker(tmp_path / "sim.db", at(T), ipo_examples=False, initial_cash=D(1500))
    heard: list[dict[str, Any]] = []
    sim.add_event_sink(heard.append)
    sim.add_ipo(issue("113999", "754999", "bond", rate="1"))
    subscribe(sim, "754999", 20, ref="op-evt")
    sim.advance(to=at(nth_session(T, 5)))
    steps = [(e["status"], e.get("won"), e.get("paid")) for e in heard if e["type"] == "ipo_allotment"]
    assert steps == [("已配号", None, None), ("中签", 20, None), ("已缴款", 20, 10), ("已上市", None, 10)]
    assert {e["operation_id"] for e in heard if e["type"] == "ipo_allotment"} == {"op-evt"}
