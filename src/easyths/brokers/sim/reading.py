"""What the sim's account shows: positions, funds, orders, fills, repo rates, new issues and
condition orders (a mixin of `SimBroker`).

Why apart: a read changes nothing the user asked for, but it first lets the market catch up with
the clock (`_sync`: fills, expiries, settlement), so what it shows is the book as of now.
"""

from __future__ import annotations

from datetime import timedelta

from easyths.brokers.base import Row, TimeRange
from easyths.brokers.sim import account, conditions, ipo_calendar, repo, subscriptions
from easyths.brokers.sim.control import SimControl
from easyths.brokers.sim.rows import fill_row, order_row
from easyths.domain.orders import Order
from easyths.errors import InvalidParams

HISTORY_DAYS: dict[str, int] = {"当日": 0, "近一周": 7, "近一月": 30, "近三月": 90, "近一年": 365}


class SimReading(SimControl):
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

    # --- reverse repo, 打新, conditions ------------------------------------------------------------

    def repo_rates(self) -> list[Row]:
        with self._lock, self.store.tx():
            self._sync()
            return repo.rates_rows(self.ctx)

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

    def condition_orders(self) -> list[Row]:
        with self._lock, self.store.tx():
            self._sync()
            return conditions.rows(self.ctx, self._account())


__all__ = ["HISTORY_DAYS", "SimReading"]
