"""`SimBroker`: the simulated A-share broker behind the `Broker` protocol.

Why one lock: broker methods run on the engine's worker thread while the control routes (quotes,
clock) run on the HTTP side; one `RLock` around every public method keeps the account, the book
and the clock consistent, and each method is one SQLite transaction committed before it returns.
Time moves lazily: every call first runs the day rollovers between the last processed trading
day and the clock's now (close → expire orders; open → settle T+1, mature repos), so the wall
clock and the virtual clock share one code path.
"""

from __future__ import annotations

import threading
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from easyths.brokers.base import (
    BrokerHealth,
    CancelSide,
    ConditionAck,
    MarketName,
    MarketStrategy,
    OrderAck,
    RepoAck,
    Row,
    Side,
    TimeRange,
)
from easyths.brokers.sim import account, conditions, matching, repo
from easyths.brokers.sim.clock import Clock, VirtualClock, WallClock, as_shanghai, parse_start
from easyths.brokers.sim.context import SimContext
from easyths.brokers.sim.quotes import (
    LiveQuotes,
    ManualQuotes,
    Quote,
    QuoteSource,
    RandomWalkQuotes,
    ReplayQuotes,
    get_quote,
    quote_dict,
    roll_quotes,
    upsert_quote,
)
from easyths.brokers.sim.rows import fill_row, order_row
from easyths.brokers.sim.store import Store
from easyths.domain import calendar
from easyths.domain.codes import classify
from easyths.domain.orders import OPEN_STATUSES
from easyths.domain.rules import CLOSE, OPEN, Phase, accepts_cancels, money
from easyths.errors import BrokerRejected, ConfigError, InvalidParams
from easyths.settings import Settings, SimSection

HISTORY_DAYS: dict[str, int] = {"当日": 0, "近一周": 7, "近一月": 30, "近三月": 90, "近一年": 365}


class SimBroker:
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
        self.ctx = SimContext(self.store, self.settings, clock)
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
                self.store.set_meta("day_closed", "0")
            self._sync()

    @classmethod
    def from_settings(cls, settings: Settings) -> SimBroker:
        return cls(settings.home / "sim.db", settings.sim)

    # --- time -------------------------------------------------------------------------------------

    def _sync(self) -> None:
        """Run the closes and opens between the last processed trading day and now."""
        now = self.clock.now()
        day = date.fromisoformat(self.store.get_meta("trading_day") or now.date().isoformat())
        closed = self.store.get_meta("day_closed") == "1"
        while True:
            if not closed and (now.date() > day or (now.date() == day and now.time() >= CLOSE)):
                matching.close_day(self.ctx)
                closed = True
                self.store.set_meta("day_closed", "1")
            nxt = calendar.next_session(day)
            if nxt > now.date():
                break
            account.settle_day(self.ctx)
            repo.mature(self.ctx, nxt)
            roll_quotes(self.store)
            day, closed = nxt, False
            self.store.set_meta("trading_day", day.isoformat())
            self.store.set_meta("day_closed", "0")
        conditions.expire(self.ctx)
        if self.clock.virtual:
            self.store.set_meta("clock", now.isoformat())

    def advance(self, *, days: int | None = None, to: datetime | None = None) -> dict[str, Any]:
        """Move the virtual clock: `days=n` to 09:30 of the n-th next trading day, `to` to a time.

        Day rollovers run on the way; resting orders then meet the standing quotes.
        """
        if (days is None) == (to is None):
            raise InvalidParams("days 和 to 必须且只能提供一个")
        if not isinstance(self.clock, VirtualClock):
            raise InvalidParams("当前为真实时钟（[sim].clock = wall），不能推进")
        with self._lock, self.store.tx():
            now = self.clock.now()
            if days is not None:
                if days < 1:
                    raise InvalidParams("days 必须大于0")
                target = now.date()
                for _ in range(days):
                    target = calendar.next_session(target)
                when = datetime.combine(target, OPEN, tzinfo=now.tzinfo)
            else:
                assert to is not None
                when = as_shanghai(to)
                if when < now:
                    raise InvalidParams(f"不能把时钟拨回过去（当前 {now.isoformat()}）")
            self.clock.set(when)
            self._sync()
            if self.quotes.kind in ("random", "live"):
                self._refresh(self._book_codes())
            matching.rematch_open(self.ctx)
            return self._state()

    def replay_step(self) -> int | None:
        """Consume the next timestamp of the replay file: move the clock there, apply its quotes.

        Returns how many quotes were applied, or None when the file is exhausted.
        """
        if not isinstance(self.quotes, ReplayQuotes):
            raise InvalidParams("当前行情来源不是 replay")
        with self._lock, self.store.tx():
            batch = self.quotes.next_batch()
            if batch is None:
                return None
            when, quotes = batch
            if when > self.clock.now():
                self.advance(to=when)
            for quote in quotes:
                self._apply_quote(quote)
            self.store.set_meta("replay_position", str(self.quotes.position))
            return len(quotes)

    # --- quotes -----------------------------------------------------------------------------------

    def set_quote(
        self,
        stock_code: str,
        price: Decimal,
        prev_close: Decimal | None = None,
        *,
        name: str | None = None,
        bid: Decimal | None = None,
        ask: Decimal | None = None,
        volume: int | None = None,
    ) -> dict[str, Any]:
        """Set the latest quote and re-evaluate that code's resting and condition orders."""
        classify(stock_code)
        with self._lock, self.store.tx():
            self._sync()
            return quote_dict(self._apply_quote(Quote(stock_code, price, prev_close, name, bid, ask, volume)))

    def _apply_quote(self, quote: Quote) -> Any:
        row = upsert_quote(self.store, quote, self.clock.now())
        if self.ctx.phase() is Phase.CONTINUOUS:
            matching.match_code(self.ctx, quote.code)
        conditions.check(self.ctx, quote.code)
        return get_quote(self.store, quote.code) or row

    def _book_codes(self) -> list[str]:
        return [r[0] for r in self.store.all("SELECT code FROM quotes ORDER BY code")]

    def _refresh(self, codes: list[str]) -> None:
        known = {r["code"]: r["price"] for r in self.store.all("SELECT code, price FROM quotes")}
        for quote in self.quotes.fetch(codes, self.clock.now(), known):
            self._apply_quote(quote)

    def refresh_quotes(self, codes: list[str] | None = None) -> None:
        """Pull from a `random` or `live` source (a manual source yields nothing)."""
        with self._lock, self.store.tx():
            self._sync()
            self._refresh(codes if codes is not None else self._book_codes())

    def _ensure_quote(self, code: str) -> None:
        if self.quotes.kind in ("random", "live") and get_quote(self.store, code) is None:
            self._refresh([code])

    def reset(self, cash: Decimal | None = None) -> dict[str, Any]:
        """A fresh account: cash restored, orders, fills, positions, conditions and repos gone.

        Quotes and the clock stay; 合同编号 keep increasing so old numbers are never reused."""
        amount = money(Decimal(cash) if cash is not None else self.settings.initial_cash)
        with self._lock, self.store.tx():
            for table in ("positions", "orders", "fills", "conditions", "repos"):
                self.store.run(f"DELETE FROM {table}")
            self.store.run("UPDATE accounts SET balance = ?, frozen = '0', unsettled = '0'", amount)
            return self._state()

    def state(self) -> dict[str, Any]:
        with self._lock, self.store.tx():
            self._sync()
            return self._state()

    def _state(self) -> dict[str, Any]:
        now = self.clock.now()
        current = self._account()
        return {
            "clock": now.isoformat(),
            "clock_type": "virtual" if self.clock.virtual else "wall",
            "trading_day": self.store.get_meta("trading_day"),
            "is_trading_day": calendar.is_session(now.date()),
            "session_phase": self.ctx.phase().value,
            "quote_source": self.quotes.kind,
            "current_account": current,
            "quotes": [quote_dict(r) for r in self.store.all("SELECT * FROM quotes ORDER BY code")],
            "repos": repo.outstanding(self.ctx, current),
        }

    # --- Broker protocol: orders ---------------------------------------------------------------------

    def _account(self) -> str:
        return self.store.get_meta("current_account") or self.settings.accounts[0]

    def place_order(self, side: Side, stock_code: str, price: Decimal, quantity: int) -> OrderAck:
        with self._lock:
            with self.store.tx():
                self._sync()
                self._ensure_quote(stock_code)
                entry = matching.place_limit(self.ctx, self._account(), side, stock_code, price, quantity)
            return self._ack(entry, side)

    def place_market_order(self, side: Side, stock_code: str, quantity: int, strategy: MarketStrategy) -> OrderAck:
        with self._lock:
            with self.store.tx():
                self._sync()
                self._ensure_quote(stock_code)
                entry = matching.place_market(self.ctx, self._account(), side, stock_code, quantity, strategy)
            return self._ack(entry, side)

    @staticmethod
    def _ack(entry: matching.Entry, side: Side) -> OrderAck:
        """A 废单 was committed with its 合同编号; the caller still learns it was refused."""
        if entry.rejection:
            raise BrokerRejected(entry.rejection, details={"合同编号": str(entry.contract_no), "备注": "废单"})
        return OrderAck(str(entry.contract_no), f"您的{side.label}委托已成功提交，合同编号：{entry.contract_no}。")

    def cancel_orders(
        self, *, stock_code: str | None = None, side: CancelSide = "all", contract_no: str | None = None
    ) -> list[str]:
        with self._lock, self.store.tx():
            self._sync()
            sql = "SELECT * FROM orders WHERE account = ? AND status IN (?, ?)"
            args: list[object] = [self._account(), *OPEN_STATUSES]
            if stock_code:
                sql += " AND code = ?"
                args.append(stock_code)
            if side != "all":
                sql += " AND side = ?"
                args.append(side)
            if contract_no:
                sql += " AND contract_no = ?"
                args.append(int(contract_no))
            orders = self.store.all(sql + " ORDER BY contract_no", *args)
            if orders and not accepts_cancels(self.ctx.phase()):
                raise BrokerRejected(f"提交失败：当前时间不允许撤单（{self.ctx.phase().value}）")
            for order in orders:
                matching.cancel(self.ctx, order)
            return [str(o["contract_no"]) for o in orders]

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
            {"委托日期": o["trade_date"].replace("-", ""), **order_row(o)}
            for o in self._orders(HISTORY_DAYS[time_range], stock_code)
        ]

    def _orders(self, days_back: int, stock_code: str | None) -> list[Any]:
        with self._lock, self.store.tx():
            self._sync()
            since = (self.clock.now().date() - timedelta(days=days_back)).isoformat()
            sql = "SELECT * FROM orders WHERE account = ? AND trade_date >= ?"
            args: list[object] = [self._account(), since]
            if stock_code:
                sql += " AND code = ?"
                args.append(stock_code)
            return self.store.all(sql + " ORDER BY contract_no", *args)

    def today_fills(self, stock_code: str | None = None) -> list[Row]:
        with self._lock, self.store.tx():
            self._sync()
            sql = "SELECT * FROM fills WHERE account = ? AND trade_date = ?"
            args: list[object] = [self._account(), self.clock.now().date().isoformat()]
            if stock_code:
                sql += " AND code = ?"
                args.append(stock_code)
            return [fill_row(f) for f in self.store.all(sql + " ORDER BY fill_no", *args)]

    # --- reverse repo -----------------------------------------------------------------------------

    def repo_rates(self) -> list[Row]:
        with self._lock, self.store.tx():
            self._sync()
            return repo.rates_rows(self.ctx)

    def lend_repo(self, market: MarketName, term_days: int, amount: int) -> RepoAck:
        with self._lock, self.store.tx():
            self._sync()
            no, code, rate = repo.lend(self.ctx, self._account(), market, term_days, amount)
            return RepoAck(str(no), code, rate, f"国债逆回购操作成功，成功出借:{amount} 元，年化利率为：{rate:.2f}%")

    # --- condition orders -------------------------------------------------------------------------

    def place_condition_order(
        self, side: Side, stock_code: str, target_price: Decimal, quantity: int, expire_days: int
    ) -> ConditionAck:
        with self._lock, self.store.tx():
            self._sync()
            self._ensure_quote(stock_code)
            cid = conditions.place_price(
                self.ctx, self._account(), side, stock_code, target_price, quantity, expire_days
            )
            return ConditionAck(str(cid), f"条件单设置成功，编号：{cid}", quantity)

    def place_stop_loss_profit(
        self,
        stock_code: str,
        stop_loss_percent: Decimal,
        stop_profit_percent: Decimal,
        quantity: int | None,
        expire_days: int,
    ) -> ConditionAck:
        with self._lock, self.store.tx():
            self._sync()
            cid, qty = conditions.place_stop(
                self.ctx, self._account(), stock_code, stop_loss_percent, stop_profit_percent, quantity, expire_days
            )
            return ConditionAck(str(cid), f"止盈止损单设置成功，编号：{cid}", qty)

    def condition_orders(self) -> list[Row]:
        with self._lock, self.store.tx():
            self._sync()
            return conditions.rows(self.ctx, self._account())

    def cancel_condition_orders(self, *, stock_code: str | None = None, side: Side | None = None) -> int:
        with self._lock, self.store.tx():
            self._sync()
            return conditions.cancel(self.ctx, self._account(), stock_code, side)

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

    def reconcile(self, hint: dict[str, Any]) -> OrderAck | None:
        """The sim commits before it answers, so an outcome is never unknown."""
        return None

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
        with self._lock:
            self.store.close()


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
