"""打新 through the driver on the emulated client (`docs/ths-facts.md#ipo`): the fuzzy-menu trap,
a list that cannot be read, one verdict per subscription (合同编号, refusal, or unknown settled from
当日委托's 配售申购 row), and never a second subscription to one issue."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from easyths.brokers.base import Evidence
from easyths.brokers.sim import SimBroker, VirtualClock
from easyths.brokers.ths import ThsBroker
from easyths.brokers.ths.emulator import Faults, ThsEmulator, ipo_pages
from easyths.brokers.ths.seam import Locator
from easyths.domain.commands import CommandKind, OrderCommand, Side
from easyths.errors import BrokerError, BrokerRejected, BrokerUnavailable, OutcomeUnknown
from easyths.settings import BrokerSection, SimSection
from tests.ths.support import ACCOUNTS, WEDNESDAY, Harness, open_sim, recogniser, ths_harness

BOND = "754999"  # the shipped example bond (示例转债): no market value needed, quota = its cap


def _command(code: str = BOND, quantity: int | None = None, op: str = "op-ipo") -> OrderCommand:
    return OrderCommand(op, CommandKind.IPO, code=code, side=Side.BUY, quantity=quantity)


def _subscriptions(h: Harness) -> list[str]:
    return [str(r["合同编号"]) for r in h.sim.today_orders() if r["操作"] == "配售申购"]


@pytest.mark.parametrize("popups", [False, True])
def test_one_subscription_with_its_contract_number(tmp_path: Path, popups: bool) -> None:
    h = ths_harness(tmp_path / "sim.db", popups=popups)
    ack = h.broker.submit(_command())
    assert _subscriptions(h) == [ack.contract_no] and ack.quantity == 10000
    assert h.emu is not None and h.emu.blind_confirms == 0


def test_the_fuzzy_menu_trap_is_a_fact_of_the_emulator_and_never_taken(tmp_path: Path) -> None:
    """On the 申万 tree, a fuzzy 批量新股申购 lands on the single page (0.800 beats 0.667); on a
    build with only 批量新股申购, a fuzzy 新股申购 → 新股申购 lands on the batch page. The driver
    selects exactly and checks where it arrived, so the second build is refused, nothing sent."""
    h = ths_harness(tmp_path / "a.db")
    assert h.emu is not None
    tree = h.emu.find(Locator(control_id=129))
    h.emu.select_path(tree, ["新股申购", "批量新股申购"])  # pywinauto's default: fuzzy
    assert h.emu.current_page == "ipo"

    batch_only = {"menu": {"ipo": [], "ipo_batch": ["新股申购", "批量新股申购"]}}
    g = ths_harness(tmp_path / "b.db", recording=batch_only)
    assert g.emu is not None
    g.emu.select_path(g.emu.find(Locator(control_id=129)), ["新股申购", "新股申购"])
    assert g.emu.current_page == "ipo_batch"
    with pytest.raises(BrokerUnavailable, match="新股申购"):
        g.broker.submit(_command())
    assert g.sim.today_orders() == []
    with pytest.raises(BrokerUnavailable):
        g.broker.ipo_issues()  # a list we could not reach is an error, not "no issues"


@pytest.mark.parametrize("build", ["easytrader 默认", "国金", "银河"])
def test_a_build_without_the_single_page_is_refused_with_nothing_sent(tmp_path: Path, build: str) -> None:
    h = ths_harness(tmp_path / "sim.db", recording={"menu": ipo_pages.BUILDS[build]})
    for attempt in (lambda: h.broker.submit(_command()), h.broker.ipo_issues):
        with pytest.raises(BrokerUnavailable, match=r"没有单只申购页.*\[broker\.menu\]"):
            attempt()
    assert h.sim.today_orders() == []


def test_a_menu_path_to_the_batch_page_fails_the_arrival_check(tmp_path: Path) -> None:
    h = ths_harness(tmp_path / "sim.db", config={"menu": {"ipo": ["新股申购", "新股批量申购"]}})
    with pytest.raises(BrokerUnavailable, match="未进入该页面"):
        h.broker.submit(_command())
    with pytest.raises(BrokerUnavailable, match="未进入该页面"):
        h.broker.ipo_issues()
    assert h.sim.today_orders() == []


@pytest.mark.parametrize(
    "how",
    [
        {"faults": Faults(rates={"headerless_grid": 1.0})},
        {"recording": {"grid_headers": {"ipo": ["新股代码", "名称"]}}},
    ],
    ids=["headerless", "no-quantity-column"],
)
def test_a_list_that_cannot_be_read_is_an_error_and_nothing_is_sent(tmp_path: Path, how: dict[str, object]) -> None:
    h = ths_harness(tmp_path / "sim.db", **how)  # type: ignore[arg-type]
    with pytest.raises(BrokerUnavailable, match=r"新股申购|表头"):
        h.broker.ipo_issues()
    with pytest.raises(BrokerError):
        h.broker.submit(_command())
    assert h.sim.today_orders() == []


def test_a_recorded_build_with_other_captions_is_read(tmp_path: Path) -> None:
    headers = ["证券代码", "证券名称", "发行价格", "申购数量"]  # PP's fallbacks, easytrader's default column
    h = ths_harness(tmp_path / "sim.db", recording={"grid_headers": {"ipo": headers}})
    rows = {r["申购代码"]: r for r in h.broker.ipo_issues()}
    assert rows[BOND]["可申购数量"] == 10000 and rows["301555"]["证券代码"] == "301555"
    assert h.broker.submit(_command()).contract_no == _subscriptions(h)[0]


def test_the_second_subscription_is_refused_before_anything_is_sent(tmp_path: Path) -> None:
    h = ths_harness(tmp_path / "sim.db", popups=True)
    first = h.broker.submit(_command())
    with pytest.raises(BrokerRejected, match=r"今日已申购过.*本次未申购"):  # the driver's words, not the sim's
        h.broker.submit(_command(op="op-again"))
    assert _subscriptions(h) == [first.contract_no]
    assert [r["已申购"] for r in h.broker.ipo_issues() if r["申购代码"] == BOND] == [True]


@pytest.mark.parametrize("popups", [False, True])
def test_an_unreadable_verdict_is_unknown_then_reconciled_from_the_book(tmp_path: Path, popups: bool) -> None:
    """The client dies right after sending: no 提示, no 当日委托 to read. Unknown; once it is back,
    the 配售申购 row settles it, and a retry is refused instead of placed twice."""
    h = ths_harness(tmp_path / "sim.db", popups=popups, faults=Faults(die="after_accept"))
    with pytest.raises(OutcomeUnknown) as caught:
        h.broker.submit(_command())
    [placed] = _subscriptions(h)
    assert h.emu is not None
    h.emu.restart()
    evidence = Evidence.from_json(caught.value.details if isinstance(caught.value.details, dict) else {})
    found = h.broker.reconcile(_command(), evidence)
    assert found is not None and found.contract_no == placed
    with pytest.raises(BrokerRejected, match="今日已申购过"):
        h.broker.submit(_command(op="op-retry"))
    assert _subscriptions(h) == [placed]


def test_a_row_that_shows_late_is_unknown_then_reconciled(tmp_path: Path) -> None:
    faults = Faults(rates={"slow_refresh": 1.0}, refresh_delay=120.0)
    h = ths_harness(tmp_path / "sim.db", faults=faults)  # popups off: only the book can tell
    with pytest.raises(OutcomeUnknown, match="申购"):
        h.broker.submit(_command())
    assert h.emu is not None
    h.emu.now += 121.0
    fresh = ThsBroker(h.emu, h.broker.config, recogniser=recogniser)  # after a restart: nothing claimed
    found = fresh.reconcile(_command(), Evidence(before=()))
    assert found is not None and found.contract_no == _subscriptions(h)[0] and found.quantity == 10000


def test_a_swallowed_click_is_unknown_and_reconciled_as_never_placed(tmp_path: Path) -> None:
    h = ths_harness(tmp_path / "sim.db", popups=True, faults=Faults(never="confirm"))
    with pytest.raises(OutcomeUnknown):
        h.broker.submit(_command())
    assert h.broker.reconcile(_command(), Evidence(before=())) is None
    assert h.sim.today_orders() == []


def test_fields_that_do_not_read_back_send_nothing(tmp_path: Path) -> None:
    h = ths_harness(tmp_path / "sim.db", faults=Faults(rates={"keystrokes_lost": 1.0}))
    with pytest.raises(BrokerError):
        h.broker.submit(_command())
    assert h.sim.today_orders() == []


def test_the_clients_refusal_fails_the_subscription(tmp_path: Path) -> None:
    """Outside Shanghai's hours (from 9:30) the client's 提示 says why: failed, nothing on the book;
    more than the page's 可申购数量 is refused before sending."""
    sim = open_sim(tmp_path / "sim.db", start=datetime(2026, 11, 25, 9, 20))
    broker = ThsBroker(ThsEmulator(sim), BrokerSection(backend="ths", step_timeout=2.0), recogniser=recogniser)
    with pytest.raises(BrokerRejected, match="不在申购时间内"):
        broker.submit(_command())
    with pytest.raises(BrokerRejected, match="超过客户端显示的可申购数量"):
        broker.submit(_command(quantity=20000))
    with pytest.raises(BrokerRejected, match="没有 999999"):
        broker.submit(_command(code="999999"))
    assert sim.today_orders() == []


def test_allotments_are_refused_and_health_says_the_steps_are_unverified(tmp_path: Path) -> None:
    h = ths_harness(tmp_path / "sim.db")
    with pytest.raises(BrokerRejected, match="不支持查询新股/新债的配号与中签"):
        h.broker.ipo_allotments()  # type: ignore[attr-defined]
    unverified = h.broker.health().extra["unverified"]
    assert any("新股申购" in step for step in unverified)
    assert any("配号" in step for step in unverified)


def test_a_day_without_issues_is_an_empty_list_read_with_its_header(tmp_path: Path) -> None:
    """The client draws the list's header over no rows: that is "no issues today", read, not assumed."""
    sim = SimBroker(
        tmp_path / "sim.db", SimSection(accounts=ACCOUNTS, ipo_examples=False), clock=VirtualClock(WEDNESDAY)
    )
    broker = ThsBroker(ThsEmulator(sim), BrokerSection(backend="ths", step_timeout=2.0), recogniser=recogniser)
    assert broker.ipo_issues() == []
    with pytest.raises(BrokerRejected, match="列表：无"):
        broker.submit(_command())
    assert sim.today_orders() == []


def test_a_subscription_the_grid_does_not_show_yet_is_never_sent_again(tmp_path: Path) -> None:
    """The first subscription succeeded with its 合同编号, but 当日委托 has not caught up: the
    "already subscribed today" check would read its absence as "not subscribed" and press 申购 a
    second time. A read without a row this service saw placed is a grid behind the book, not an
    answer: nothing is pressed (the list's 已申购 is read the same way)."""
    faults = Faults(rates={"slow_refresh": 1.0}, refresh_delay=120.0)
    h = ths_harness(tmp_path / "sim.db", popups=True, faults=faults)
    first = h.broker.submit(_command())
    assert first.contract_no == _subscriptions(h)[0]
    assert h.emu is not None
    sent: list[str] = []
    subscribe = h.emu.broker.subscribe_ipo
    h.emu.broker.subscribe_ipo = lambda code, quantity, **kw: sent.append(code) or subscribe(code, quantity, **kw)  # type: ignore[method-assign]
    with pytest.raises(BrokerUnavailable, match="尚未刷新"):
        h.broker.submit(_command(op="op-again"))
    assert sent == [] and _subscriptions(h) == [first.contract_no]
