"""The SDK's account reads (资金, 持仓, 委托, 条件单, 逆回购利率, 账户) as typed rows, and the
account switch."""

from __future__ import annotations

from typing import Any

from easyths.client import _plan as p
from easyths.client import models as m
from easyths.client._base import (
    DEFAULT,
    as_given,
)
from easyths.client._bridge import endpoint
from easyths.client._operations import OperationsApi
from easyths.params import (
    AccountSwitchParams,
    FieldsQueryParams,
    HistoryParams,
    NoParams,
    OrderQueryParams,
    QueryParams,
)

# The row queries' params: rows as JSON, which the typed results are read from.
JSON_ROWS = QueryParams.model_construct(return_type="json")


class QueriesApi(OperationsApi):
    """The account's tables and fields, read through the queue like the client's own pages."""

    @endpoint
    def funds(self, *, timeout: Any = DEFAULT) -> p.Plan[m.Funds]:
        """资金: 资金余额, 可用金额, 总资产 … (`.available`, `.total_assets`)."""
        return m.Funds.model_validate(
            (yield from self._op("funds_query", FieldsQueryParams.model_construct(), timeout=timeout)).data or {}
        )

    @endpoint
    def holdings(self, *, timeout: Any = DEFAULT) -> p.Plan[list[m.Holding]]:
        """持仓 rows (`.stock_code`, `.balance` 股票余额, `.available` 可用余额)."""
        verdict = yield from self._op("holding_query", JSON_ROWS, timeout=timeout)
        return p.rows(verdict, "holdings", m.Holding)

    @endpoint
    def orders(self, stock_code: str | None = None, *, timeout: Any = DEFAULT) -> p.Plan[list[m.OrderRow]]:
        """当日委托 rows (`.contract_no`, `.status` = 备注)."""
        params = OrderQueryParams.model_construct(stock_code=stock_code, return_type="json")
        verdict = yield from self._op("order_query", params, timeout=timeout)
        return p.rows(verdict, "orders", m.OrderRow)

    @endpoint
    def order_history(
        self, time_range: str = "当日", stock_code: str | None = None, *, timeout: Any = DEFAULT
    ) -> p.Plan[list[m.OrderRow]]:
        """历史委托 over 当日/近一周/近一月/近三月/近一年."""
        params = HistoryParams.model_construct(
            time_range=as_given(time_range), stock_code=stock_code, return_type="json"
        )
        verdict = yield from self._op("historical_commission_query", params, timeout=timeout)
        return p.rows(verdict, "historical_commissions", m.OrderRow)

    @endpoint
    def repo_rates(self, *, timeout: Any = DEFAULT) -> p.Plan[list[m.RepoRate]]:
        verdict = yield from self._op("reverse_repo_query", FieldsQueryParams.model_construct(), timeout=timeout)
        return p.rows(verdict, "reverse_repo_interest", m.RepoRate)

    @endpoint
    def condition_orders(self, *, timeout: Any = DEFAULT) -> p.Plan[list[m.ConditionOrder]]:
        verdict = yield from self._op("condition_order_query", JSON_ROWS, timeout=timeout)
        return p.rows(verdict, "condition_orders", m.ConditionOrder)

    @endpoint
    def accounts(self, *, timeout: Any = DEFAULT) -> p.Plan[m.Accounts]:
        data = (yield from self._op("account_query", NoParams.model_construct(), timeout=timeout)).data or {}
        return m.Accounts(accounts=data.get("available_accounts") or [], current=data.get("current_used_account"))

    @endpoint
    def switch_account(self, account_name: str, *, timeout: Any = DEFAULT) -> p.Plan[str]:
        """Returns the account now in use."""
        params = AccountSwitchParams.model_construct(account_name=account_name)
        data = (yield from self._op("account_switch", params, timeout=timeout)).data or {}
        return str(data.get("current_used_account"))


__all__ = ["JSON_ROWS", "QueriesApi"]
