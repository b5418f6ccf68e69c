"""`SimBroker`: the simulated A-share broker behind the `Broker` protocol.

Why one lock: broker methods run on the engine's worker thread while the control routes (quotes,
clock) run on the HTTP side; one `RLock` around every public method keeps the account, the book
and the clock consistent, and each method is one SQLite transaction committed before it returns.
The clock, quote and reset controls live in `control.py`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from easyths.brokers.abilities import Marks, TriggerCheck
from easyths.brokers.base import (
    Ack,
    BrokerHealth,
    CancelSide,
    ConditionAck,
    Evidence,
    MarketName,
    MarketStrategy,
    OrderAck,
    RepoAck,
    Row,
    Side,
    TimeRange,
)
from easyths.brokers.sim import account, conditions, entry, ipo_calendar, reconcile, repo, settlement, subscriptions
from easyths.brokers.sim import marks as sim_marks
from easyths.brokers.sim.context import SimContext
from easyths.brokers.sim.control import SimControl
from easyths.brokers.sim.quotes import (
    LiveQuotes,
    ManualQuotes,
    QuoteSource,
    RandomWalkQuotes,
    ReplayQuotes,
)
from easyths.brokers.sim.rows import fill_row, order_row
from easyths.brokers.sim.store import Store
from easyths.brokers.sim.ticker import QuoteTicker
from easyths.domain import calendar
from easyths.domain.clock import Clock, VirtualClock, WallClock, parse_start
from easyths.domain.codes import REPO_CODES, Exchange, Kind, classify
from easyths.domain.commands import CommandKind, OrderCommand
from easyths.domain.orders import Order
from easyths.domain.sessions import AFTER_HOURS_END, CLOSE, Phase, accepts_cancels
from easyths.errors import BrokerRejected, ConfigError, InvalidParams, OrderVoided, not_cancellable
from easyths.settings import Settings, SimSection

log = logging.getLogger(__name__)

EventSink = Callable[[dict[str, Any]], None]

HISTORY_DAYS: dict[str, int] = {"当日": 0, "近一周": 7, "近一月": 30, "近三月": 90, "近一年": 365}


class SimBroker(SimControl):
    reconciles_by_reference = True  # orders, conditions and cancels carry the engine's operation id
    backend = "sim"

    def __init__(
        self,
        path: Any,
        settings: SimSection | None = None,
        *,
        clock: Clock | None = None,
        quotes: QuoteSource | None = None,
    ) -> None:
        """`path` is the SQLite file. A virtual clock saved in the file wins over the injected
        one's start, so a restart resumes at the persisted time."""
        self.settings = settings or SimSection()
        self._lock = threading.RLock()
        self.store = Store(path)
        if clock is None:
            clock = WallClock() if self.settings.clock == "wall" else VirtualClock(parse_start(self.settings.start))
        self.clock = clock
        self.quotes = quotes or _source_for(self.settings)
        reference_dir = self.settings.reference_dir or Path(path).parent / "reference"
        self.ctx = SimContext(self.store, self.settings, clock, reference_dir=reference_dir)
        self._sinks: list[EventSink] = []
        self._ticker: QuoteTicker | None = None
        self.store.after_commit = self._deliver
        self.store.after_rollback = self.ctx.outbox.clear
        with self._lock, self.store.tx():
            saved = self.store.get_meta("clock")
            if saved and isinstance(clock, VirtualClock):
                clock.set(datetime.fromisoformat(saved))
            if isinstance(self.quotes, ReplayQuotes):
                self.quotes.position = int(self.store.get_meta("replay_position") or 0)
            account.ensure_accounts(self.ctx)
            if self.store.get_meta("current_account") is None:
                self.store.set_meta("current_account", self.settings.accounts[0])
            if self.store.get_meta("trading_day") is None:
                today = clock.now().date()
                day = today if calendar.is_session(today) else calendar.previous_session(today)
                self.store.set_meta("trading_day", day.isoformat())
                self.store.set_meta("mark_done", clock.now().isoformat())
            self._sync()

    @classmethod
    def from_settings(cls, settings: Settings) -> SimBroker:
        """The service's sim: a random, replay or live source moves by itself every `tick_seconds`."""
        broker = cls(settings.home / "sim.db", settings.sim)
        if settings.sim.quotes in ("random", "replay", "live") and settings.sim.tick_seconds > 0:
            broker.start_ticker(settings.sim.tick_seconds)
        return broker

    def start_ticker(self, interval: float) -> QuoteTicker:
        if self._ticker is None:
            self._ticker = QuoteTicker(self, interval)
            self._ticker.start()
        return self._ticker

    # --- events ---------------------------------------------------------------------------------

    def add_event_sink(self, fn: EventSink) -> None:
        """`fn(event)` hears every fill, condition trigger and expiry, after its transaction
        commits, on the thread that produced it. It must not block; its exceptions are logged."""
        self._sinks.append(fn)

    def _deliver(self) -> None:
        events, self.ctx.outbox[:] = list(self.ctx.outbox), []
        for event in events:
            for sink in self._sinks:
                try:
                    sink(event)
                except Exception:  # a listener's bug must not undo a committed trade
                    log.exception("事件接收方出错: %s", event.get("type"))

    # --- Broker protocol: orders ---------------------------------------------------------------------

    def marks(self, code: str) -> Marks | None:
        """`ValuesOrders`: for risk at admission (called on the event loop: no network fetch)."""
        with self._lock, self.store.tx():
            if self.quotes.kind == "random":
                self._ensure_quote(code)
            return sim_marks.marks(self.ctx, self._account(), code)

    def set_trigger_check(self, check: TriggerCheck | None) -> None:
        """`ChecksTriggers`: risk's check of the orders conditions send when they trigger."""
        self.ctx.trigger_check = check

    def hold_conditions(self, held: bool) -> int:
        """`HoldsConditions`: the kill switch's pause holds armed conditions; its resume releases
        them, and a condition that still holds then fires against the standing quote (one that
        held only during the pause does not). Returns how many fired on release."""
        with self._lock, self.store.tx():
            self._sync()  # what happened before this instant happened under the previous state
            self.ctx.conditions_held = held
            if held:
                return 0
            waiting = "SELECT count(*) FROM conditions WHERE status = ?"
            before = self.store.all(waiting, conditions.WAITING)[0][0]
            conditions.check_all(self.ctx)
            return int(before - self.store.all(waiting, conditions.WAITING)[0][0])

    def submit(self, command: OrderCommand) -> Ack:
        """The port: each kind to its method below, the operation id passed on to be stored with
        what it creates (orders, conditions, cancel receipts), so a crash is settled by lookup."""
        ref = command.operation_id
        kind = command.kind
        code, side, qty = command.code or "", command.side or Side.BUY, command.quantity or 0
        if kind is CommandKind.LIMIT:
            assert command.price is not None
            return _order_ack(self.place_order(side, code, command.price, qty, ref=ref))
        if kind is CommandKind.MARKET:
            strategy = command.strategy or MarketStrategy.FIVE_LEVEL_CANCEL
            return _order_ack(self.place_market_order(side, code, qty, strategy, ref=ref))
        if kind is CommandKind.REPO:
            market: MarketName = "深圳" if command.market == "深圳" else "上海"
            repo_ack = self.lend_repo(market, command.term_days or 1, command.amount or 0, ref=ref)
            return Ack(repo_ack.message, contract_no=repo_ack.contract_no, repo_code=repo_ack.code, rate=repo_ack.rate)
        if kind is CommandKind.IPO:
            return self.subscribe_ipo(code, command.quantity, ref=ref)
        if kind is CommandKind.CONDITION:
            assert command.price is not None
            cond = self.place_condition_order(side, code, command.price, qty, command.expire_days or 30, ref=ref)
            return Ack(cond.message, condition_id=cond.condition_id, quantity=cond.quantity)
        if kind is CommandKind.STOP_LOSS_PROFIT:
            assert command.stop_loss_percent is not None and command.stop_profit_percent is not None
            cond = self.place_stop_loss_profit(
                code,
                command.stop_loss_percent,
                command.stop_profit_percent,
                command.quantity,
                command.expire_days or 30,
                ref=ref,
            )
            return Ack(cond.message, condition_id=cond.condition_id, quantity=cond.quantity)
        if kind is CommandKind.CANCEL_ORDERS:
            side_filter: CancelSide = "all" if command.side is None else command.side.value
            done = self.cancel_orders(
                stock_code=command.code, side=side_filter, contract_no=command.contract_no, ref=ref
            )
            message = f"撤单成功，共撤销{len(done)}笔委托" if done else "没有可撤销的委托"
            if command.contract_no and done:  # one order: how much of it traded, how much was withdrawn
                with self._lock, self.store.tx():  # the one order, not the day's whole table
                    order = self.ctx.ledger.get(int(command.contract_no))
                assert order is not None  # it was just cancelled
                filled, withdrawn = order.filled, order.cancelled
                if filled:
                    message = f"撤单成功：合同编号 {command.contract_no} 部撤，已成交 {filled}，撤销 {withdrawn}"
                return Ack(message, cancelled=tuple(done), filled=filled, withdrawn=withdrawn)
            return Ack(message, cancelled=tuple(done))
        if kind is not CommandKind.CANCEL_CONDITIONS:  # a kind added later must not fall into a delete
            raise BrokerRejected(f"此后端不支持这类委托（{kind}），未执行任何操作")
        ids = self._cancel_conditions(command.code, command.side, ref)
        return Ack("条件单删除成功" if ids else "没有匹配的条件单", cancelled=tuple(ids))

    def place_order(
        self, side: Side, stock_code: str, price: Decimal, quantity: int, *, ref: str | None = None
    ) -> OrderAck:
        """A limit order; between 15:00 and 15:30, when only 盘后固定价格交易 is open, it is one.
        A sell on a reverse-repo code is lending (§7.2), as in the client's 卖出 form."""
        if side is Side.SELL and classify(stock_code).kind is Kind.REPO:
            return self._lend_by_sell(stock_code, price, quantity, ref)
        with self._lock:
            with self.store.tx():
                self._sync()
                self._ensure_quote(stock_code)
                now = self.clock.now().time()
                if self.ctx.phase() in (Phase.CLOSED, Phase.AFTER_HOURS) and CLOSE <= now < AFTER_HOURS_END:
                    placed = entry.place_fixed(self.ctx, self._account(), side, stock_code, price, quantity, ref)
                else:
                    placed = entry.place_limit(self.ctx, self._account(), side, stock_code, price, quantity, ref)
            return self._ack(placed, side)

    def place_after_hours_order(self, side: Side, stock_code: str, price: Decimal, quantity: int) -> OrderAck:
        """盘后固定价格交易 (盘后定价委托): traded at the close between 15:05 and 15:30."""
        with self._lock:
            with self.store.tx():
                self._sync()
                self._ensure_quote(stock_code)
                placed = entry.place_fixed(self.ctx, self._account(), side, stock_code, price, quantity)
            return self._ack(placed, side)

    def place_market_order(
        self, side: Side, stock_code: str, quantity: int, strategy: MarketStrategy, *, ref: str | None = None
    ) -> OrderAck:
        with self._lock:
            with self.store.tx():
                self._sync()
                self._ensure_quote(stock_code)
                placed = entry.place_market(self.ctx, self._account(), side, stock_code, quantity, strategy, ref)
            return self._ack(placed, side)

    def _lend_by_sell(self, code: str, price: Decimal, quantity: int, ref: str | None) -> OrderAck:
        """卖出 204001 / 131810…: `quantity` in 张 (100 元 each), `price` the lowest annual rate
        accepted; booked like `reverse_repo_buy`, so the loan matures and pays interest."""
        if quantity % 10:
            raise BrokerRejected("逆回购卖出数量必须是10张（1000元）的整数倍")
        exchange, term_days, _ = REPO_CODES[code]
        market: MarketName = "上海" if exchange is Exchange.SH else "深圳"
        with self._lock, self.store.tx():
            self._sync()
            no, _, _ = repo.lend(
                self.ctx, self._account(), market, term_days, quantity * repo.FACE, limit=price, ref=ref
            )
        return OrderAck(str(no), f"您的卖出委托已成功提交，合同编号：{no}。")

    @staticmethod
    def _ack(placed: entry.Entry, side: Side) -> OrderAck:
        """A 废单 was committed with its 合同编号; the caller still learns it was refused."""
        if placed.rejection:
            raise OrderVoided(placed.rejection, details={"合同编号": str(placed.contract_no), "备注": "废单"})
        return OrderAck(str(placed.contract_no), f"您的{side.label}委托已成功提交，合同编号：{placed.contract_no}。")

    def cancel_orders(
        self,
        *,
        stock_code: str | None = None,
        side: CancelSide = "all",
        contract_no: str | None = None,
        ref: str | None = None,
    ) -> list[str]:
        with self._lock, self.store.tx():
            self._sync()
            orders = self.ctx.ledger.open_orders(
                account=self._account(),
                code=stock_code or None,
                side=None if side == "all" else side,
                contract_no=int(contract_no) if contract_no else None,
            )
            if contract_no and not orders:  # named one order, and it is not open: say what it is
                named = self.ctx.ledger.get(int(contract_no))
                today = self.ctx.today().isoformat()
                mine = named is not None and named.trade_date == today and named.account == self._account()
                raise not_cancellable(contract_no, named.status.value if mine and named else None)
            if orders and not accepts_cancels(self.ctx.phase()):
                raise BrokerRejected(f"提交失败：当前时间不允许撤单（{self.ctx.phase().value}）")
            for order in orders:
                settlement.cancel(self.ctx, order)
            done = [str(o.contract_no) for o in orders]
            reconcile.receipt(self.ctx, CommandKind.CANCEL_ORDERS, ref, done)
            return done

    # --- queries ----------------------------------------------------------------------------------

    def holdings(self) -> list[Row]:
        with self._lock, self.store.tx():
            self._sync()
            return account.holdings_rows(self.ctx, self._account())

    def funds(self) -> Row:
        with self._lock, self.store.tx():
            self._sync()
            return account.funds_row(self.ctx, self._account())

    def today_orders(self, stock_code: str | None = None) -> list[Row]:
        return [order_row(o) for o in self._orders(0, stock_code)]

    def order_history(self, time_range: TimeRange, stock_code: str | None = None) -> list[Row]:
        if time_range not in HISTORY_DAYS:
            raise InvalidParams(f"时间范围无效: {time_range}")
        return [
            {"委托日期": o.trade_date.replace("-", ""), **order_row(o)}
            for o in self._orders(HISTORY_DAYS[time_range], stock_code)
        ]

    def _new_since(self, command: OrderCommand, evidence: Evidence) -> list[int]:
        """Today's orders like the command's (code, side, quantity) that were not on the book in
        the `before` snapshot, as the THS driver settles against 当日委托."""
        before = set(evidence.before or ())
        return [
            o.contract_no
            for o in self._orders(0, command.code)
            if str(o.contract_no) not in before
            and (command.side is None or o.side == command.side.value)
            and (command.quantity is None or o.quantity == command.quantity)
        ]

    def _orders(self, days_back: int, stock_code: str | None) -> list[Order]:
        with self._lock, self.store.tx():
            self._sync()
            since = (self.clock.now().date() - timedelta(days=days_back)).isoformat()
            return self.ctx.ledger.since(self._account(), since, stock_code)

    def today_fills(self, stock_code: str | None = None) -> list[Row]:
        with self._lock, self.store.tx():
            self._sync()
            day = self.clock.now().date().isoformat()
            return [fill_row(f) for f in self.ctx.ledger.fills_on(self._account(), day, stock_code)]

    # --- reverse repo -----------------------------------------------------------------------------

    def repo_rates(self) -> list[Row]:
        with self._lock, self.store.tx():
            self._sync()
            return repo.rates_rows(self.ctx)

    def lend_repo(self, market: MarketName, term_days: int, amount: int, *, ref: str | None = None) -> RepoAck:
        with self._lock, self.store.tx():
            self._sync()
            no, code, rate = repo.lend(self.ctx, self._account(), market, term_days, amount, ref=ref)
            return RepoAck(str(no), code, rate, f"国债逆回购操作成功，成功出借:{amount} 元，年化利率为：{rate:.2f}%")

    # --- 打新 (docs/rules.md#ipo) -----------------------------------------------------------------

    def subscribe_ipo(self, code: str, quantity: int | None, *, ref: str | None = None) -> Ack:
        with self._lock, self.store.tx():
            self._sync()
            issue, qty, no = subscriptions.subscribe(self.ctx, self._account(), code, quantity, ref)
        unit = "张" if issue.kind == "bond" else "股"
        return Ack(
            f"申购委托已提交：{issue.name}（{issue.subscribe_code}）{qty}{unit}，合同编号：{no}",
            contract_no=str(no),
            quantity=qty,
        )

    def ipo_security_code(self, code: str) -> str | None:
        """`NamesIssues`: the 证券代码 of today's issue that `code` names (申购代码 or 证券代码)."""
        with self._lock, self.store.tx():
            issue, _ = ipo_calendar.find(self.ctx, code, self.ctx.today())
            return None if issue is None else issue.stock_code

    def ipo_issues(self) -> list[Row]:
        with self._lock, self.store.tx():
            self._sync()
            return subscriptions.issue_rows(self.ctx, self._account())

    def ipo_market_values(self) -> Row:
        """The averages the quota comes from, per market (the sim knows them; THS shows only quota)."""
        with self._lock, self.store.tx():
            self._sync()
            return subscriptions.quota_row(self.ctx, self._account())

    def ipo_allotments(self) -> list[Row]:
        with self._lock, self.store.tx():
            self._sync()
            return subscriptions.allotment_rows(self.ctx, self._account())

    # --- condition orders -------------------------------------------------------------------------

    def place_condition_order(
        self,
        side: Side,
        stock_code: str,
        target_price: Decimal,
        quantity: int,
        expire_days: int,
        *,
        ref: str | None = None,
    ) -> ConditionAck:
        with self._lock, self.store.tx():
            self._sync()
            self._ensure_quote(stock_code)
            cid = conditions.place_price(
                self.ctx, self._account(), side, stock_code, target_price, quantity, expire_days, ref
            )
            return ConditionAck(str(cid), f"条件单设置成功，编号：{cid}", quantity)

    def place_stop_loss_profit(
        self,
        stock_code: str,
        stop_loss_percent: Decimal,
        stop_profit_percent: Decimal,
        quantity: int | None,
        expire_days: int,
        *,
        ref: str | None = None,
    ) -> ConditionAck:
        with self._lock, self.store.tx():
            self._sync()
            cid, qty = conditions.place_stop(
                self.ctx,
                self._account(),
                stock_code,
                stop_loss_percent,
                stop_profit_percent,
                quantity,
                expire_days,
                ref,
            )
            return ConditionAck(str(cid), f"止盈止损单设置成功，编号：{cid}", qty)

    def condition_orders(self) -> list[Row]:
        with self._lock, self.store.tx():
            self._sync()
            return conditions.rows(self.ctx, self._account())

    def cancel_condition_orders(self, *, stock_code: str | None = None, side: Side | None = None) -> int:
        return len(self._cancel_conditions(stock_code, side, None))

    def _cancel_conditions(self, stock_code: str | None, side: Side | None, ref: str | None) -> list[str]:
        with self._lock, self.store.tx():
            self._sync()
            ids = [str(i) for i in conditions.cancel(self.ctx, self._account(), stock_code, side)]
            reconcile.receipt(self.ctx, CommandKind.CANCEL_CONDITIONS, ref, ids)
            return ids

    # --- accounts, health -------------------------------------------------------------------------

    def accounts(self) -> list[Row]:
        with self._lock:
            current = self._account()
            rows = self.store.all("SELECT name, idx FROM accounts ORDER BY idx")
            return [
                {"account_name": r["name"], "account_index": r["idx"], "current": r["name"] == current} for r in rows
            ]

    def current_account(self) -> str:
        with self._lock:
            return self._account()

    def switch_account(self, account_name: str) -> None:
        with self._lock, self.store.tx():
            account.cash(self.ctx, account_name)  # raises for an unknown name
            self.store.set_meta("current_account", account_name)

    def reconcile(self, command: OrderCommand, evidence: Evidence) -> Ack | None:
        """Settle an `unknown` outcome from the book; see `brokers.sim.reconcile`."""
        with self._lock:
            return reconcile.settle(self.ctx, command, evidence, self._new_since)

    def health(self) -> BrokerHealth:
        with self._lock:
            now = self.clock.now()
            return BrokerHealth(
                connected=True,
                logged_in=True,
                backend="sim",
                extra={
                    "clock": now.isoformat(),
                    "session_phase": self.ctx.phase().value,
                    "clock_type": "virtual" if self.clock.virtual else "wall",
                    "quote_source": self.quotes.kind,
                },
            )

    def close(self) -> None:
        if self._ticker is not None:
            self._ticker.stop()
            self._ticker = None
        with self._lock:
            self.store.close()


def _order_ack(ack: OrderAck) -> Ack:
    return Ack(ack.message, contract_no=ack.contract_no)


def _source_for(settings: SimSection) -> QuoteSource:
    if settings.quotes == "random":
        return RandomWalkQuotes(settings.random_seed)
    if settings.quotes == "replay":
        if settings.replay_file is None:
            raise ConfigError("[sim].quotes = replay 需要设置 [sim].replay_file")
        return ReplayQuotes(settings.replay_file)
    if settings.quotes == "live":
        return LiveQuotes(timeout=settings.live_timeout)
    return ManualQuotes()


__all__ = ["SimBroker"]
