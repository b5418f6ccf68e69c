"""`Client`: the blocking SDK. Every method is one HTTP exchange plan from `_plan` driven by httpx.

    from easyths import Client

    with Client() as client:                      # http://127.0.0.1:7648, no key on loopback
        order = client.buy("600000", 10.5, 100)   # submits, waits for the verdict
        print(order.contract_no)                  # 合同编号
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any, TypeVar

import httpx

from easyths.client import _plan as p
from easyths.client import models as m
from easyths.client._base import (
    DEFAULT,
    DEFAULT_URL,
    Config,
    Market,
    Number,
    Side,
    condition_side,
    num,
    order_params,
    repo_term,
)
from easyths.client.events import Event, iter_events
from easyths.errors import ServiceUnreachable

T = TypeVar("T")


class Client:
    """Blocking client of an EasyTHS service.

    `timeout` bounds one HTTP exchange; `operation_timeout` bounds the wait for an operation's
    verdict in the verb-noun methods (None: no limit). Pass `transport=` (e.g. an
    `httpx.MockTransport`) or a ready `http_client=` (e.g. FastAPI's `TestClient`) to run without
    a network. Transport errors are retried `retries` times where it is safe: reads, and submits,
    which always carry an Idempotency-Key, so a retried buy returns the first buy, never a second.
    """

    def __init__(
        self,
        base_url: str = DEFAULT_URL,
        api_key: str | None = None,
        timeout: float | None = 10.0,
        *,
        operation_timeout: float | None = 300.0,
        retries: int = 2,
        transport: httpx.BaseTransport | None = None,
        http_client: httpx.Client | None = None,
    ) -> None:
        self._cfg = Config(base_url, api_key, timeout, operation_timeout, retries)
        self._owns = http_client is None
        self._http = http_client or httpx.Client(
            base_url=self._cfg.base_url,
            transport=transport,
            trust_env=self._cfg.trust_env,
            timeout=self._cfg.http_timeout(None),
        )
        self.sim = SimControls(self)

    @property
    def base_url(self) -> str:
        return self._cfg.base_url

    def close(self) -> None:
        if self._owns:
            self._http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- the driver -----------------------------------------------------------------------------------

    def _send(self, req: p.Request) -> p.Reply:
        try:
            r = self._http.request(
                req.method,
                req.path,
                params=req.params,
                json=req.json,
                headers={**self._cfg.headers, **req.headers},
                **({} if req.wait is None else {"timeout": self._cfg.http_timeout(req.wait)}),
            )
        except httpx.TransportError as exc:
            raise ServiceUnreachable(f"无法连接 EasyTHS 服务 {self._cfg.base_url}: {exc}") from exc
        try:
            body = r.json()
        except ValueError:
            body = None
        return p.Reply(r.status_code, body)

    def _drive(self, plan: p.Plan[T]) -> T:
        try:
            step = next(plan)
            while True:
                if isinstance(step, p.Sleep):
                    time.sleep(step.seconds)
                    step = plan.send(None)
                    continue
                try:
                    reply = self._send(step)
                except ServiceUnreachable as exc:
                    step = plan.throw(exc)
                    continue
                step = plan.send(reply)
        except StopIteration as stop:
            return stop.value

    def _get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        return self._drive(p.data(p.Request("GET", path, params), retries=self._cfg.retries))

    def _op(
        self, name: str, params: dict[str, Any], *, key: str | None = None, priority: int = 0, timeout: Any = DEFAULT
    ) -> m.OperationResult:
        return self._drive(
            p.run(
                name,
                params,
                priority=priority,
                idempotency_key=key,
                timeout=self._cfg.op_timeout(timeout),
                retries=self._cfg.retries,
            )
        )

    # --- generic operations ---------------------------------------------------------------------------

    def submit(
        self,
        name: str,
        params: dict[str, Any] | None = None,
        *,
        priority: int = 0,
        idempotency_key: str | None = None,
        wait: float | None = None,
    ) -> m.Submitted:
        """Queue an operation; with `wait` the answer may already carry the result."""
        return self._drive(
            p.submit(
                name, params, priority=priority, idempotency_key=idempotency_key, wait=wait, retries=self._cfg.retries
            )
        )

    def status(self, operation_id: str) -> m.OperationInfo:
        """Never waits."""
        return m.OperationInfo.model_validate(self._get(f"/api/v1/operations/{operation_id}/status"))

    def result(self, operation_id: str, timeout: float | None = None) -> m.OperationResult:
        """Wait for the verdict (None: no limit); `OperationTimeout` when `timeout` runs out."""
        return self._drive(p.result(operation_id, timeout, retries=self._cfg.retries))

    def run(
        self,
        name: str,
        params: dict[str, Any] | None = None,
        *,
        priority: int = 0,
        idempotency_key: str | None = None,
        timeout: Any = DEFAULT,
    ) -> m.OperationResult:
        """Submit and wait; `OperationFailed` unless it succeeded. For plugins the SDK has no method for."""
        return self._op(name, params or {}, key=idempotency_key, priority=priority, timeout=timeout)

    def cancel_operation(self, operation_id: str) -> m.OperationInfo:
        """Remove a queued operation (409 `ApiError` once it runs)."""
        data = self._drive(p.data(p.Request("DELETE", f"/api/v1/operations/{operation_id}")))
        return m.OperationInfo.model_validate(data)

    def list_operations(self) -> dict[str, Any]:
        return self._get("/api/v1/operations/")["operations"]

    def queue_stats(self) -> m.QueueStats:
        return m.QueueStats.model_validate(self._get("/api/v1/queue/stats"))

    def recent_operations(self, status: str | None = None, limit: int = 50) -> list[m.OperationInfo]:
        query: dict[str, Any] = {"limit": limit, **({"status": status} if status else {})}
        data = self._get("/api/v1/queue/operations", query)
        return [m.OperationInfo.model_validate(o) for o in data["operations"]]

    def health(self) -> m.Health:
        body = self._drive(p.call(p.Request("GET", "/api/v1/system/health"), retries=self._cfg.retries))
        return m.Health.model_validate({**body["data"], "message": body.get("message")})

    def system_status(self) -> dict[str, Any]:
        return self._get("/api/v1/system/status")

    def info(self) -> dict[str, Any]:
        return self._get("/api/v1/system/info")

    # --- orders ---------------------------------------------------------------------------------------

    def _order(self, name: str, side: str, params: dict[str, Any], key: str | None, **kw: Any) -> m.Order:
        key = key or p.new_client_order_id()
        return p.order(self._op(name, params, key=key, **kw), key, side)

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
    ) -> m.Order:
        """Limit buy (买入); returns the accepted order with its 合同编号 (`.contract_no`)."""
        params = order_params(stock_code, quantity, account_name, price=num(price))
        return self._order("buy", "buy", params, client_order_id, priority=priority, timeout=timeout)

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
    ) -> m.Order:
        """Limit sell (卖出)."""
        params = order_params(stock_code, quantity, account_name, price=num(price))
        return self._order("sell", "sell", params, client_order_id, priority=priority, timeout=timeout)

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
    ) -> m.Order:
        """Market buy (市价买入); `execution_strategy` 1–6 as the client offers them."""
        params = order_params(stock_code, quantity, account_name, execution_strategy=execution_strategy)
        return self._order("market_buy", "buy", params, client_order_id, priority=priority, timeout=timeout)

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
    ) -> m.Order:
        """Market sell (市价卖出)."""
        params = order_params(stock_code, quantity, account_name, execution_strategy=execution_strategy)
        return self._order("market_sell", "sell", params, client_order_id, priority=priority, timeout=timeout)

    def cancel(
        self,
        contract_no: str | None = None,
        *,
        stock_code: str | None = None,
        side: Side = "all",
        client_order_id: str | None = None,
        timeout: Any = DEFAULT,
    ) -> m.CancelResult:
        """Cancel orders (撤单): one by 合同编号, or all of a code/side. No argument cancels all."""
        params = {"contract_no": contract_no, "stock_code": stock_code, "cancel_type": side}
        key = client_order_id or p.new_client_order_id()
        return p.with_id(self._op("order_cancel", params, key=key, timeout=timeout), m.CancelResult)

    def repo_lend(
        self,
        market: Market,
        term: int | str,
        amount: int,
        *,
        client_order_id: str | None = None,
        timeout: Any = DEFAULT,
    ) -> m.RepoLoan:
        """Reverse repo (国债逆回购): lend `amount` yuan (multiple of 1000) for `term` days."""
        params = {"market": market, "time_range": repo_term(term), "amount": amount}
        key = client_order_id or p.new_client_order_id()
        return p.repo_loan(self._op("reverse_repo_buy", params, key=key, timeout=timeout), key)

    def _condition(self, name: str, params: dict[str, Any], key: str | None, **kw: Any) -> m.ConditionOrderAck:
        key = key or p.new_client_order_id()
        return p.condition_ack(self._op(name, params, key=key, **kw), key)

    def condition_buy(
        self,
        stock_code: str,
        target_price: Number,
        quantity: int,
        *,
        expire_days: int = 30,
        client_order_id: str | None = None,
        timeout: Any = DEFAULT,
    ) -> m.ConditionOrderAck:
        """Condition buy (条件买入): buys when the price falls to `target_price`."""
        params = {"stock_code": stock_code, "target_price": num(target_price), "quantity": quantity}
        params["expire_days"] = expire_days
        return self._condition("condition_buy", params, client_order_id, timeout=timeout)

    def condition_sell(
        self,
        stock_code: str,
        target_price: Number,
        quantity: int,
        *,
        expire_days: int = 30,
        client_order_id: str | None = None,
        timeout: Any = DEFAULT,
    ) -> m.ConditionOrderAck:
        """Condition sell (条件卖出): sells when the price rises to `target_price`."""
        params = {"stock_code": stock_code, "target_price": num(target_price), "quantity": quantity}
        params["expire_days"] = expire_days
        return self._condition("condition_sell", params, client_order_id, timeout=timeout)

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
    ) -> m.ConditionOrderAck:
        """Stop-loss / take-profit (止盈止损) on a position; no quantity means all that is sellable."""
        params = {
            "stock_code": stock_code,
            "stop_loss_percent": num(stop_loss_percent),
            "stop_profit_percent": num(stop_profit_percent),
            "quantity": quantity,
            "expire_days": expire_days,
        }
        return self._condition("stop_loss_profit", params, client_order_id, timeout=timeout)

    def cancel_condition_orders(
        self, stock_code: str | None = None, side: str | None = None, *, timeout: Any = DEFAULT
    ) -> m.ConditionCancelResult:
        """Delete pending condition orders (删除条件单); no argument deletes all."""
        params = {"stock_code": stock_code, "order_type": condition_side(side)}
        verdict = self._op("condition_order_cancel", params, key=p.new_client_order_id(), timeout=timeout)
        return p.with_id(verdict, m.ConditionCancelResult)

    # --- queries --------------------------------------------------------------------------------------

    def funds(self, *, timeout: Any = DEFAULT) -> m.Funds:
        """资金: 资金余额, 可用金额, 总资产 … (`.available`, `.total_assets`)."""
        return m.Funds.model_validate(self._op("funds_query", {}, timeout=timeout).data or {})

    def holdings(self, *, timeout: Any = DEFAULT) -> list[m.Holding]:
        """持仓 rows (`.stock_code`, `.balance` 股票余额, `.available` 可用余额)."""
        return p.rows(self._op("holding_query", {"return_type": "json"}, timeout=timeout), "holdings", m.Holding)

    def orders(self, stock_code: str | None = None, *, timeout: Any = DEFAULT) -> list[m.OrderRow]:
        """当日委托 rows (`.contract_no`, `.status` = 备注)."""
        verdict = self._op("order_query", {"stock_code": stock_code, "return_type": "json"}, timeout=timeout)
        return p.rows(verdict, "orders", m.OrderRow)

    def order_history(
        self, time_range: str = "当日", stock_code: str | None = None, *, timeout: Any = DEFAULT
    ) -> list[m.OrderRow]:
        """历史委托 over 当日/近一周/近一月/近三月/近一年."""
        params = {"time_range": time_range, "stock_code": stock_code, "return_type": "json"}
        verdict = self._op("historical_commission_query", params, timeout=timeout)
        return p.rows(verdict, "historical_commissions", m.OrderRow)

    def repo_rates(self, *, timeout: Any = DEFAULT) -> list[m.RepoRate]:
        return p.rows(self._op("reverse_repo_query", {}, timeout=timeout), "reverse_repo_interest", m.RepoRate)

    def condition_orders(self, *, timeout: Any = DEFAULT) -> list[m.ConditionOrder]:
        verdict = self._op("condition_order_query", {"return_type": "json"}, timeout=timeout)
        return p.rows(verdict, "condition_orders", m.ConditionOrder)

    def accounts(self, *, timeout: Any = DEFAULT) -> m.Accounts:
        data = self._op("account_query", {}, timeout=timeout).data or {}
        return m.Accounts(accounts=data.get("available_accounts") or [], current=data.get("current_used_account"))

    def switch_account(self, account_name: str, *, timeout: Any = DEFAULT) -> str:
        """Returns the account now in use."""
        data = self._op("account_switch", {"account_name": account_name}, timeout=timeout).data or {}
        return str(data.get("current_used_account"))

    # --- live events ----------------------------------------------------------------------------------

    def events(self, last_event_id: int | None = None, *, reconnect: bool = True) -> Iterator[Event]:
        """Iterate over live events (GET /api/v1/events); resumes after `last_event_id`.

        With `reconnect`, a dropped stream is reopened from the last id seen, so no event is lost
        or repeated. Break out of the loop to stop.
        """
        return iter_events(self, last_event_id, reconnect=reconnect)


class SimControls:
    """The sim broker's control surface (`client.sim`): quotes, clock, reset, state."""

    def __init__(self, client: Client) -> None:
        self._client = client

    def _call(self, method: str, path: str, body: Any = None) -> Any:
        return self._client._drive(p.data(p.Request(method, path, json=body)))

    def set_quote(
        self,
        stock_code: str,
        price: Number,
        prev_close: Number | None = None,
        *,
        name: str | None = None,
        bid: Number | None = None,
        ask: Number | None = None,
        volume: int | None = None,
    ) -> m.Quote:
        """Set a quote; resting orders and condition orders of that code react at once."""
        body = {"price": num(price), "name": name, "volume": volume}
        body |= {k: num(v) for k, v in {"prev_close": prev_close, "bid": bid, "ask": ask}.items() if v is not None}
        return m.Quote.model_validate(self._call("PUT", f"/api/v1/sim/quotes/{stock_code}", p.jsonable(body)))

    def advance(self, days: int | None = None, *, to: str | None = None) -> m.SimState:
        """Move the virtual clock `days` trading days (to 09:30) or `to` an ISO time."""
        body = p.jsonable({"days": days, "to": to})
        return m.SimState.model_validate(self._call("POST", "/api/v1/sim/clock/advance", body))

    def reset(self, cash: Number | None = None) -> m.SimState:
        """Empty the paper account, with `cash` (default: [sim].initial_cash)."""
        body = p.jsonable({"cash": num(cash)}) if cash is not None else None
        return m.SimState.model_validate(self._call("POST", "/api/v1/sim/reset", body))

    def state(self) -> m.SimState:
        return m.SimState.model_validate(self._call("GET", "/api/v1/sim/state"))


__all__ = ["Client", "SimControls"]
