"""The sim's control surface: time, quotes, reset and state (a mixin of `SimBroker`).

Why apart from the protocol methods: these are what the HTTP control routes and the paper trader
drive (the market and the clock), while `broker.py` is what operations call (the account). Both
take the same lock. Time moves lazily: every call first runs the day rollovers between the last
processed trading day and the clock's now (close → expire orders; open → settle T+1, mature
repos, roll the book), so the wall clock and the virtual clock share one code path.
"""

from __future__ import annotations

import threading
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from easyths.brokers.sim import account, allotments, book, conditions, ipo_calendar, repo, subscriptions
from easyths.brokers.sim.context import SimContext
from easyths.brokers.sim.quotes import (
    Quote,
    QuoteSource,
    get_quote,
    quote_dict,
    roll_quotes,
    upsert_quote,
)
from easyths.brokers.sim.sources import ReplayQuotes
from easyths.brokers.sim.store import Store
from easyths.domain import calendar
from easyths.domain.clock import Clock, VirtualClock, as_shanghai
from easyths.domain.codes import classify
from easyths.domain.prices import money
from easyths.domain.sessions import DAY_MARKS, OPEN, Mark, Phase
from easyths.errors import InvalidParams
from easyths.settings import SimSection

# How far one advance may move the virtual clock: every trading day on the way is processed one
# by one (rollover, expiry, settlement), and 9999-12-31 took minutes of CPU and then failed.
MAX_ADVANCE_YEARS = 2


def _years_later(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


MOVING_PHASES = frozenset({Phase.OPENING_CALL, Phase.OPENING_CALL_LOCKED, Phase.CONTINUOUS, Phase.CLOSING_CALL})


class SimControl:
    settings: SimSection
    store: Store
    clock: Clock
    quotes: QuoteSource
    ctx: SimContext
    _lock: threading.RLock
    _written_clock: datetime | None = None
    _expired_on: date | None = None

    def _account(self) -> str:
        return self.store.get_meta("current_account") or self.settings.accounts[0]

    # --- time -------------------------------------------------------------------------------------

    def _sync(self) -> None:
        """Run what the market did between the last processed instant and now.

        Each trading day has marks (`DAY_MARKS`: the 09:25 match, 09:30/13:00 resumption, the
        15:00 close, after-hours 15:05–15:30); each runs once, as of its own time, however late
        the clock is looked at. Between days: T+1 settlement, repo maturities, the book's roll.
        """
        now = self.clock.now()
        day = date.fromisoformat(self.store.get_meta("trading_day") or now.date().isoformat())
        done = self._mark_done(day, now)
        while True:
            for at, mark in DAY_MARKS:
                when = datetime.combine(day, at, tzinfo=now.tzinfo)
                if done < when <= now:
                    with self.ctx.at(when):
                        self._run_mark(mark)
                    done = when
                    self.store.set_meta("mark_done", done.isoformat())
            nxt = calendar.next_session(day)
            if nxt > now.date():
                break
            account.settle_day(self.ctx)
            repo.mature(self.ctx, nxt)
            with self.ctx.at(datetime.combine(nxt, time(9, 0), tzinfo=now.tzinfo)):
                allotments.open_day(self.ctx, nxt)
            roll_quotes(self.store)
            day, done = nxt, datetime.combine(nxt, time(0), tzinfo=now.tzinfo)
            self.store.set_meta("trading_day", day.isoformat())
            self.store.set_meta("mark_done", done.isoformat())
        if now.date() != self._expired_on:  # once a day is enough: expiry is by date
            conditions.expire(self.ctx)
            self._expired_on = now.date()
        if self.clock.virtual and now != self._written_clock:
            self.store.set_meta("clock", now.isoformat())  # only when it moved: a query writes nothing
            self._written_clock = now

    def _mark_done(self, day: date, now: datetime) -> datetime:
        saved = self.store.get_meta("mark_done")
        if saved:
            return datetime.fromisoformat(saved)
        # a file from before the marks: it knew only whether the day had closed
        if self.store.get_meta("day_closed") == "1":
            return datetime.combine(day, time(15, 30), tzinfo=now.tzinfo)
        return min(now, datetime.combine(day, time(14, 59, 59), tzinfo=now.tzinfo))

    def _run_mark(self, mark: Mark) -> None:
        if mark is Mark.OPENING_MATCH:
            book.opening_match(self.ctx)
        elif mark is Mark.CONTINUOUS:
            book.resume(self.ctx)
            conditions.check_all(self.ctx)
        elif mark is Mark.CLOSING_MATCH:
            book.closing_match(self.ctx)
        elif mark is Mark.AFTER_HOURS:
            book.after_hours(self.ctx)
        else:
            book.after_hours_end(self.ctx)
            allotments.close_day(self.ctx, self.ctx.today())  # the day's trading is over

    def advance(self, *, days: int | None = None, to: datetime | None = None) -> dict[str, Any]:
        """Move the virtual clock: `days=n` to 09:30 of the n-th next trading day, `to` to a time.

        Day rollovers run on the way; resting orders then meet the standing quotes.
        """
        if (days is None) == (to is None):
            raise InvalidParams("days 和 to 必须且只能提供一个")
        if not isinstance(self.clock, VirtualClock):
            raise InvalidParams("当前为真实时钟（[sim].clock = wall），不能推进")
        with self._lock:
            now = self.clock.now()
            limit = _years_later(now.date(), MAX_ADVANCE_YEARS)
            beyond = InvalidParams(
                f"最多只能把时钟推进到 {MAX_ADVANCE_YEARS} 年后（{limit.isoformat()}，当前 {now.date().isoformat()}）："
                "每个交易日的日切都要逐日处理，更远的目标只会长时间占用服务",
                details=[{"field": "days" if days is not None else "to", "message": f"不能晚于 {limit.isoformat()}"}],
            )
            if days is not None:
                if days < 1:
                    raise InvalidParams("days 必须大于0")
                target = now.date()
                for _ in range(days):
                    target = calendar.next_session(target)
                    if target > limit:
                        raise beyond
                when = datetime.combine(target, OPEN, tzinfo=now.tzinfo)
            else:
                assert to is not None
                when = as_shanghai(to)
                if when < now:
                    raise InvalidParams(f"不能把时钟拨回过去（当前 {now.isoformat()}）")
                if when.date() > limit:
                    raise beyond
            memo = (self._expired_on, self._written_clock)
            try:  # the store's transaction undoes the days processed; the clock is put back by hand
                with self.store.tx():
                    self.clock.set(when)
                    self._sync()
                    if self.quotes.kind in ("random", "live"):
                        self._refresh(self._book_codes())
                    return self._state()
            except BaseException:
                self.clock.set(now)
                self._expired_on, self._written_clock = memo
                raise

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
        row = upsert_quote(self.store, quote, self.clock.now(), self.ctx.name_of(quote.code))
        phase = self.ctx.phase()
        if phase is Phase.CONTINUOUS:
            book.match_code(self.ctx, quote.code)
        elif phase is Phase.AFTER_HOURS:
            book.match_fixed(self.ctx, quote.code)
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

    def tick(self) -> int:
        """One step of a source that moves by itself; returns how many codes' quotes changed.

        random (and live, when online): one step of the walk (one fetch) for every code in the
        book, in trading phases only; only the codes whose price moved are applied, so only their
        orders and conditions are looked at.
        replay: on the virtual clock the next timestamp of the file (the clock moves there); on the
        wall clock every row that is due. Other sources do nothing.
        """
        if isinstance(self.quotes, ReplayQuotes):
            if self.clock.virtual:
                return self.replay_step() or 0
            return self._replay_due()
        if self.quotes.kind not in ("random", "live"):
            return 0
        with self._lock, self.store.tx():
            self._sync()
            if self.ctx.phase() not in MOVING_PHASES:
                return 0
            known = {r["code"]: r["price"] for r in self.store.all("SELECT code, price FROM quotes")}
            moved = [q for q in self.quotes.fetch(sorted(known), self.clock.now(), known) if q.price != known[q.code]]
            for quote in moved:
                self._apply_quote(quote)
            return len(moved)

    def _replay_due(self) -> int:
        assert isinstance(self.quotes, ReplayQuotes)
        applied = 0
        with self._lock, self.store.tx():
            self._sync()
            now = self.clock.now()
            while self.quotes.position < len(self.quotes.rows) and self.quotes.rows[self.quotes.position][0] <= now:
                batch = self.quotes.next_batch()
                assert batch is not None
                for quote in batch[1]:
                    self._apply_quote(quote)
                    applied += 1
            if applied:
                self.store.set_meta("replay_position", str(self.quotes.position))
        return applied

    def _ensure_quote(self, code: str) -> None:
        if self.quotes.kind in ("random", "live") and get_quote(self.store, code) is None:
            self._refresh([code])

    def reset(self, cash: Decimal | None = None) -> dict[str, Any]:
        """A fresh account: cash restored, orders, fills, positions, conditions and repos gone.

        Quotes and the clock stay (time never goes back: the journal and events already hold
        later instants); 合同编号 keep increasing so an old number never names a new order."""
        amount = money(Decimal(cash) if cash is not None else self.settings.initial_cash)
        with self._lock, self.store.tx():
            self.ctx.ledger.reset()
            for table in ("positions", "conditions", "repos"):
                self.store.run(f"DELETE FROM {table}")
            subscriptions.reset(self.ctx)
            self.store.run("UPDATE accounts SET balance = ?, frozen = '0', unsettled = '0'", amount)
            return self._state()

    # --- the issue calendar (打新) ----------------------------------------------------------------

    def add_ipo(self, raw: dict[str, Any]) -> dict[str, Any]:
        """Add or replace an issue (`POST /api/v1/sim/ipos`); `InvalidParams` names the field."""
        with self._lock, self.store.tx():
            self._sync()
            return ipo_calendar.add(self.ctx, ipo_calendar.parse(raw, source="api")).view()

    def list_ipos(self) -> list[dict[str, Any]]:
        with self._lock, self.store.tx():
            self._sync()
            return [issue.view() for issue in ipo_calendar.all_issues(self.ctx)]

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


__all__ = ["SimControl"]
