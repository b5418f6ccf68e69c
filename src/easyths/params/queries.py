"""Params of the operations that only read (and of account_switch, which names its target)."""

from __future__ import annotations

from pydantic import Field

from easyths.params.fields import Params, QueryParams, StockCode, TimeRange


class OrderQueryParams(QueryParams):
    stock_code: StockCode | None = Field(None, description="股票代码，不指定则查询全部")


class HistoryParams(QueryParams):
    stock_code: StockCode | None = Field(None, description="股票代码(6位数字)，不指定则查询所有股票")
    time_range: TimeRange = Field("当日", description="时间范围：当日/近一周/近一月/近三月/近一年，默认当日")


class AccountSwitchParams(Params):
    account_name: str = Field(min_length=1, description="目标账户名（取值见 account_query）")


__all__ = ["AccountSwitchParams", "HistoryParams", "OrderQueryParams"]
