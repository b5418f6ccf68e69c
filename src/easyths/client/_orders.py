"""The SDK's order methods: limit and market orders, cancels, 国债逆回购, condition orders and
止盈止损, each returning the accepted order (with its 合同编号 or condition id) or raising."""

from __future__ import annotations

from typing import Any

from easyths.client import _plan as p
from easyths.client import models as m
from easyths.client._base import (
    DEFAULT,
    Market,
    Number,
    Side,
    as_given,
    condition_side,
    num,
    repo_term,
)
from easyths.client._bridge import endpoint
from easyths.client._operations import OperationsApi
from easyths.params import (
    BuyParams,
    ConditionOrderCancelParams,
    ConditionParams,
    ConditionSellParams,
    MarketBuyParams,
    MarketSellParams,
    OrderCancelParams,
    Params,
    ReverseRepoBuyParams,
    SellParams,
    StopLossProfitParams,
)


class OrdersApi(OperationsApi):
    """Orders, cancels, repo and condition orders (each with a client order id, so a retry is the same order)."""

    def _order(self, name: str, side: str, params: Params, key: str | None, **kw: Any) -> p.Plan[m.Order]:
        key = key or p.new_client_order_id()
        return p.order((yield from self._op(name, params, key=key, **kw)), key, side)

    @endpoint
    def buy(
        self,
        stock_code: str,
        price: Number,
        quantity: int,
        *,
        client_order_id: str | None = None,
        account_name: str | None = None,
        priority: int = 0,
        timeout: Any = DEFAULT,
    ) -> p.Plan[m.Order]:
        """Limit buy (买入); returns the accepted order with its 合同编号 (`.contract_no`)."""
        params = BuyParams.model_construct(
            stock_code=stock_code, price=num(price), quantity=quantity, account_name=account_name
        )
        return self._order("buy", "buy", params, client_order_id, priority=priority, timeout=timeout)

    @endpoint
    def sell(
        self,
        stock_code: str,
        price: Number,
        quantity: int,
        *,
        client_order_id: str | None = None,
        account_name: str | None = None,
        priority: int = 0,
        timeout: Any = DEFAULT,
    ) -> p.Plan[m.Order]:
        """Limit sell (卖出)."""
        params = SellParams.model_construct(
            stock_code=stock_code, price=num(price), quantity=quantity, account_name=account_name
        )
        return self._order("sell", "sell", params, client_order_id, priority=priority, timeout=timeout)

    @endpoint
    def market_buy(
        self,
        stock_code: str,
        quantity: int,
        *,
        execution_strategy: int = 3,
        client_order_id: str | None = None,
        account_name: str | None = None,
        priority: int = 0,
        timeout: Any = DEFAULT,
    ) -> p.Plan[m.Order]:
        """Market buy (市价买入); `execution_strategy` 1–6 as the client offers them."""
        params = MarketBuyParams.model_construct(
            stock_code=stock_code, quantity=quantity, account_name=account_name, execution_strategy=execution_strategy
        )
        return self._order("market_buy", "buy", params, client_order_id, priority=priority, timeout=timeout)

    @endpoint
    def market_sell(
        self,
        stock_code: str,
        quantity: int,
        *,
        execution_strategy: int = 3,
        client_order_id: str | None = None,
        account_name: str | None = None,
        priority: int = 0,
        timeout: Any = DEFAULT,
    ) -> p.Plan[m.Order]:
        """Market sell (市价卖出)."""
        params = MarketSellParams.model_construct(
            stock_code=stock_code, quantity=quantity, account_name=account_name, execution_strategy=execution_strategy
        )
        return self._order("market_sell", "sell", params, client_order_id, priority=priority, timeout=timeout)

    @endpoint
    def cancel(
        self,
        contract_no: str | None = None,
        *,
        stock_code: str | None = None,
        side: Side = "all",
        client_order_id: str | None = None,
        timeout: Any = DEFAULT,
    ) -> p.Plan[m.CancelResult]:
        """Cancel orders (撤单): one by 合同编号, or all of a code/side. No argument cancels all."""
        params = OrderCancelParams.model_construct(contract_no=contract_no, stock_code=stock_code, cancel_type=side)
        key = client_order_id or p.new_client_order_id()
        return p.with_id((yield from self._op("order_cancel", params, key=key, timeout=timeout)), m.CancelResult)

    @endpoint
    def repo_lend(
        self,
        market: Market,
        term: int | str,
        amount: int,
        *,
        client_order_id: str | None = None,
        timeout: Any = DEFAULT,
    ) -> p.Plan[m.RepoLoan]:
        """Reverse repo (国债逆回购): lend `amount` yuan (multiple of 1000) for `term` days."""
        params = ReverseRepoBuyParams.model_construct(market=market, time_range=repo_term(term), amount=amount)
        key = client_order_id or p.new_client_order_id()
        return p.repo_loan((yield from self._op("reverse_repo_buy", params, key=key, timeout=timeout)), key)

    def _condition(self, name: str, params: Params, key: str | None, **kw: Any) -> p.Plan[m.ConditionOrderAck]:
        key = key or p.new_client_order_id()
        return p.condition_ack((yield from self._op(name, params, key=key, **kw)), key)

    @endpoint
    def condition_buy(
        self,
        stock_code: str,
        target_price: Number,
        quantity: int,
        *,
        expire_days: int = 30,
        client_order_id: str | None = None,
        timeout: Any = DEFAULT,
    ) -> p.Plan[m.ConditionOrderAck]:
        """Condition buy (条件买入): buys when the price falls to `target_price`."""
        params = ConditionParams.model_construct(
            stock_code=stock_code, target_price=num(target_price), quantity=quantity, expire_days=as_given(expire_days)
        )
        return self._condition("condition_buy", params, client_order_id, timeout=timeout)

    @endpoint
    def condition_sell(
        self,
        stock_code: str,
        target_price: Number,
        quantity: int,
        *,
        expire_days: int = 30,
        client_order_id: str | None = None,
        timeout: Any = DEFAULT,
    ) -> p.Plan[m.ConditionOrderAck]:
        """Condition sell (条件卖出): sells when the price rises to `target_price`."""
        params = ConditionSellParams.model_construct(
            stock_code=stock_code, target_price=num(target_price), quantity=quantity, expire_days=as_given(expire_days)
        )
        return self._condition("condition_sell", params, client_order_id, timeout=timeout)

    @endpoint
    def stop_loss_profit(
        self,
        stock_code: str,
        stop_loss_percent: Number,
        stop_profit_percent: Number,
        *,
        quantity: int | None = None,
        expire_days: int = 30,
        client_order_id: str | None = None,
        timeout: Any = DEFAULT,
    ) -> p.Plan[m.ConditionOrderAck]:
        """Stop-loss / take-profit (止盈止损) on a position; no quantity means all that is sellable."""
        params = StopLossProfitParams.model_construct(
            stock_code=stock_code,
            stop_loss_percent=num(stop_loss_percent),
            stop_profit_percent=num(stop_profit_percent),
            quantity=quantity,
            expire_days=as_given(expire_days),
        )
        return self._condition("stop_loss_profit", params, client_order_id, timeout=timeout)

    @endpoint
    def cancel_condition_orders(
        self, stock_code: str | None = None, side: str | None = None, *, timeout: Any = DEFAULT
    ) -> p.Plan[m.ConditionCancelResult]:
        """Delete pending condition orders (删除条件单); no argument deletes all."""
        params = ConditionOrderCancelParams.model_construct(stock_code=stock_code, order_type=condition_side(side))
        verdict = yield from self._op("condition_order_cancel", params, key=p.new_client_order_id(), timeout=timeout)
        return p.with_id(verdict, m.ConditionCancelResult)


__all__ = ["OrdersApi"]
