"""The parameters of every built-in operation, described once.

Why a package of its own, with no server imports (no FastAPI, engine or brokers; only `domain`):
the service validates a submit with these models, the operations read them, MCP builds its tools'
arguments from them, and the SDK builds its request bodies from them while still speaking only
HTTP, as alpaca-py's SDK builds its requests from its request models. `tests/test_imports.py`
keeps the package free of server code.

`easyths.params.sim` holds the bodies of the sim's control routes, shared the same way with
`client.sim`.

Plugins keep importing `Params` and the field types from `easyths.operations.base`, which
re-exports them from here.
"""

from easyths.params.fields import (
    CancelSide,
    ConditionSide,
    ExpireDays,
    FieldsQueryParams,
    NoParams,
    Params,
    Percent,
    Price,
    QueryParams,
    RepoMarket,
    RepoTerm,
    ReturnType,
    StockCode,
    TimeRange,
)
from easyths.params.orders import (
    BuyParams,
    ConditionOrderCancelParams,
    ConditionParams,
    ConditionSellParams,
    IpoSubscribeParams,
    MarketBuyParams,
    MarketSellParams,
    OrderCancelParams,
    OrderParams,
    ReverseRepoBuyParams,
    SellParams,
    StopLossProfitParams,
)
from easyths.params.queries import AccountSwitchParams, HistoryParams, OrderQueryParams

__all__ = [
    "AccountSwitchParams",
    "BuyParams",
    "CancelSide",
    "ConditionOrderCancelParams",
    "ConditionParams",
    "ConditionSellParams",
    "ConditionSide",
    "ExpireDays",
    "FieldsQueryParams",
    "HistoryParams",
    "IpoSubscribeParams",
    "MarketBuyParams",
    "MarketSellParams",
    "NoParams",
    "OrderCancelParams",
    "OrderParams",
    "OrderQueryParams",
    "Params",
    "Percent",
    "Price",
    "QueryParams",
    "RepoMarket",
    "RepoTerm",
    "ReturnType",
    "ReverseRepoBuyParams",
    "SellParams",
    "StockCode",
    "StopLossProfitParams",
    "TimeRange",
]
