"""Every SDK method, written once for `Client` and `AsyncClient`.

Why: the two clients used to carry the same thirty-odd method bodies twice, kept in step by hand.
Here each method is a plan (see `_plan`): a generator that yields HTTP requests and receives the
replies, with no I/O of its own. `endpoint` makes it a blocking method of `Client` (driven by
httpx.Client) and an `async def` of `AsyncClient` (driven by httpx.AsyncClient). Its `__get__`
overloads hand type checkers and IDEs the method's real parameters on both clients, returning `T`
on the one and a coroutine of `T` on the other; at run time the client classes carry the matching
plain functions (`_install`), so `inspect.signature` and `help()` show the same.
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from functools import update_wrapper
from types import MethodType
from typing import Any, ClassVar, Concatenate, Generic, ParamSpec, Self, TypeVar, get_args, get_type_hints, overload

from easyths.client import _plan as p
from easyths.client import models as m
from easyths.client._base import (
    DEFAULT,
    Config,
    Market,
    Number,
    Side,
    as_given,
    condition_side,
    num,
    repo_term,
    sent,
)
from easyths.client.events import Event, EventStream
from easyths.errors import OperationFailed
from easyths.params import (
    AccountSwitchParams,
    BuyParams,
    ConditionOrderCancelParams,
    ConditionParams,
    ConditionSellParams,
    FieldsQueryParams,
    HistoryParams,
    IpoSubscribeParams,
    MarketBuyParams,
    MarketSellParams,
    NoParams,
    OrderCancelParams,
    OrderQueryParams,
    Params,
    QueryParams,
    ReverseRepoBuyParams,
    SellParams,
    StopLossProfitParams,
)

P = ParamSpec("P")
# The row queries' params: rows as JSON, which the typed results are read from.
JSON_ROWS = QueryParams.model_construct(return_type="json")
T = TypeVar("T")
R = TypeVar("R")


# --- one definition, two methods ----------------------------------------------------------------------


class _Bridge(Generic[P, R]):
    """A method defined once as `fn(self, ...) -> R` (a plan, an event stream) and run by either
    runner. Subclasses only build the two wrappers and declare the types each client sees."""

    _sync: Callable[..., Any]
    _async: Callable[..., Any]

    def __init__(self, fn: Callable[Concatenate[Any, P], R]) -> None:
        self._fn = fn
        self.__doc__ = fn.__doc__

    def _wrap(self, wrapper: Callable[..., Any], returns: Any) -> Callable[..., Any]:
        """The wrapper with `fn`'s name, docstring and signature, and the type the caller gets back."""
        update_wrapper(wrapper, self._fn)
        # inspect (and so IDEs and MCP) read __signature__, which functions do not declare
        wrapper.__signature__ = inspect.signature(self._fn).replace(return_annotation=returns)  # type: ignore[attr-defined]
        return wrapper

    def _returns(self, index: int) -> Any:
        """The value type inside `fn`'s return annotation (Plan[X] → X), for `inspect.signature`."""
        try:
            args = get_args(get_type_hints(self._fn).get("return"))
        except Exception:  # an annotation that cannot be evaluated only costs the runtime view
            return inspect.Signature.empty
        return args[index] if len(args) > index else inspect.Signature.empty

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is not None:
            return MethodType(self._async if obj._is_async else self._sync, obj)
        if owner is not None and issubclass(owner, AsyncRunner):
            return self._async
        if owner is not None and issubclass(owner, SyncRunner):
            return self._sync
        return self


def _install(cls: type[_Runner]) -> None:
    """Put each shared method on a client class as a plain function, its sync or async wrapper.

    Why: Python binds an ordinary function attribute itself, as fast as a hand-written method,
    where `_Bridge.__get__` would run Python code on every `client.buy` lookup. Type checkers do
    not see this and keep reading `endpoint`'s overloads, which describe the same functions. A
    method a subclass defines itself wins, as usual.
    """
    names = {name for klass in cls.__mro__ for name, value in vars(klass).items() if isinstance(value, _Bridge)}
    for name in names:
        found = inspect.getattr_static(cls, name)
        if isinstance(found, _Bridge):
            setattr(cls, name, found._async if cls._is_async else found._sync)


# --- the two runners ----------------------------------------------------------------------------------


class _Runner:
    _is_async: ClassVar[bool]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        _install(cls)


class SyncRunner(_Runner):
    """What a blocking client provides: run a plan to its value, iterate an event stream."""

    _is_async = False

    def _drive(self, plan: p.Plan[T]) -> T:
        raise NotImplementedError

    def _stream(self, events: EventStream) -> Iterator[Event]:
        raise NotImplementedError


class AsyncRunner(_Runner):
    """What an asyncio client provides: the same, awaited."""

    _is_async = True

    async def _drive(self, plan: p.Plan[T]) -> T:
        raise NotImplementedError

    def _stream(self, events: EventStream) -> AsyncIterator[Event]:
        raise NotImplementedError


# --- the two kinds of shared method -------------------------------------------------------------------


class endpoint(_Bridge[P, p.Plan[T]]):
    """A plan method: on `Client` it returns `T`, on `AsyncClient` it is an `async def` giving `T`."""

    def __init__(self, plan: Callable[Concatenate[Any, P], p.Plan[T]]) -> None:
        super().__init__(plan)

        def run(runner: SyncRunner, /, *args: Any, **kwargs: Any) -> Any:
            return runner._drive(plan(runner, *args, **kwargs))

        async def run_async(runner: AsyncRunner, /, *args: Any, **kwargs: Any) -> Any:
            return await runner._drive(plan(runner, *args, **kwargs))

        returns = self._returns(2)
        self._sync = self._wrap(run, returns)
        self._async = self._wrap(run_async, returns)

    @overload
    def __get__(self, obj: None, owner: type[AsyncRunner]) -> Callable[Concatenate[Any, P], Coroutine[Any, Any, T]]: ...
    @overload
    def __get__(self, obj: None, owner: type[SyncRunner]) -> Callable[Concatenate[Any, P], T]: ...
    @overload
    def __get__(self, obj: None, owner: type | None = None) -> Self: ...
    @overload
    def __get__(self, obj: AsyncRunner, owner: type | None = None) -> Callable[P, Coroutine[Any, Any, T]]: ...
    @overload
    def __get__(self, obj: SyncRunner, owner: type | None = None) -> Callable[P, T]: ...
    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        return super().__get__(obj, owner)


class stream(_Bridge[P, EventStream]):
    """An event-stream method: an `Iterator` on `Client`, an `AsyncIterator` on `AsyncClient`."""

    def __init__(self, fn: Callable[Concatenate[Any, P], EventStream]) -> None:
        super().__init__(fn)

        def iterate(runner: SyncRunner, /, *args: Any, **kwargs: Any) -> Any:
            return runner._stream(fn(runner, *args, **kwargs))

        def iterate_async(runner: AsyncRunner, /, *args: Any, **kwargs: Any) -> Any:
            return runner._stream(fn(runner, *args, **kwargs))

        self._sync = self._wrap(iterate, Iterator[Event])
        self._async = self._wrap(iterate_async, AsyncIterator[Event])

    @overload
    def __get__(self, obj: None, owner: type[AsyncRunner]) -> Callable[Concatenate[Any, P], AsyncIterator[Event]]: ...
    @overload
    def __get__(self, obj: None, owner: type[SyncRunner]) -> Callable[Concatenate[Any, P], Iterator[Event]]: ...
    @overload
    def __get__(self, obj: None, owner: type | None = None) -> Self: ...
    @overload
    def __get__(self, obj: AsyncRunner, owner: type | None = None) -> Callable[P, AsyncIterator[Event]]: ...
    @overload
    def __get__(self, obj: SyncRunner, owner: type | None = None) -> Callable[P, Iterator[Event]]: ...
    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        return super().__get__(obj, owner)


# --- the methods --------------------------------------------------------------------------------------


class Api:
    """The methods of `Client` and `AsyncClient`, each a plan (see the module docstring)."""

    _cfg: Config

    @property
    def base_url(self) -> str:
        return self._cfg.base_url

    def _get(self, path: str, params: dict[str, Any] | None = None) -> p.Plan[Any]:
        return p.data(p.Request("GET", path, params), retries=self._cfg.retries)

    def _op(
        self,
        name: str,
        params: Params | dict[str, Any],
        *,
        key: str | None = None,
        priority: int = 0,
        timeout: Any = DEFAULT,
    ) -> p.Plan[m.OperationResult]:
        return p.run(
            name,
            sent(params),
            priority=priority,
            idempotency_key=key,
            timeout=self._cfg.op_timeout(timeout),
            retries=self._cfg.retries,
        )

    # --- generic operations ---------------------------------------------------------------------------

    @endpoint
    def submit(
        self,
        name: str,
        params: dict[str, Any] | None = None,
        *,
        priority: int = 0,
        idempotency_key: str | None = None,
        wait: float | None = None,
    ) -> p.Plan[m.Submitted]:
        """Queue an operation; with `wait` the answer may already carry the result."""
        return p.submit(
            name, params, priority=priority, idempotency_key=idempotency_key, wait=wait, retries=self._cfg.retries
        )

    @endpoint
    def status(self, operation_id: str) -> p.Plan[m.OperationInfo]:
        """Never waits."""
        return m.OperationInfo.model_validate((yield from self._get(f"/api/v1/operations/{operation_id}/status")))

    @endpoint
    def result(self, operation_id: str, timeout: float | None = None) -> p.Plan[m.OperationResult]:
        """Wait for the verdict (None: no limit); `OperationTimeout` when `timeout` runs out."""
        return p.result(operation_id, timeout, retries=self._cfg.retries)

    @endpoint
    def run(
        self,
        name: str,
        params: dict[str, Any] | None = None,
        *,
        priority: int = 0,
        idempotency_key: str | None = None,
        timeout: Any = DEFAULT,
    ) -> p.Plan[m.OperationResult]:
        """Submit and wait; `OperationFailed` unless it succeeded. For plugins the SDK has no method for."""
        return self._op(name, params or {}, key=idempotency_key, priority=priority, timeout=timeout)

    @endpoint
    def cancel_operation(self, operation_id: str) -> p.Plan[m.OperationInfo]:
        """Remove a queued operation (409 `ApiError` once it runs)."""
        data = yield from p.data(p.Request("DELETE", f"/api/v1/operations/{operation_id}"))
        return m.OperationInfo.model_validate(data)

    @endpoint
    def list_operations(self) -> p.Plan[dict[str, Any]]:
        operations: dict[str, Any] = (yield from self._get("/api/v1/operations/"))["operations"]
        return operations

    @endpoint
    def queue_stats(self) -> p.Plan[m.QueueStats]:
        return m.QueueStats.model_validate((yield from self._get("/api/v1/queue/stats")))

    @endpoint
    def recent_operations(self, status: str | None = None, limit: int = 50) -> p.Plan[list[m.OperationInfo]]:
        query: dict[str, Any] = {"limit": limit, **({"status": status} if status else {})}
        data = yield from self._get("/api/v1/queue/operations", query)
        return [m.OperationInfo.model_validate(o) for o in data["operations"]]

    @endpoint
    def health(self) -> p.Plan[m.Health]:
        body = yield from p.call(p.Request("GET", "/api/v1/system/health"), retries=self._cfg.retries)
        return m.Health.model_validate({**body["data"], "message": body.get("message")})

    @endpoint
    def system_status(self) -> p.Plan[dict[str, Any]]:
        return self._get("/api/v1/system/status")

    @endpoint
    def info(self) -> p.Plan[dict[str, Any]]:
        return self._get("/api/v1/system/info")

    # --- orders ---------------------------------------------------------------------------------------

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

    # --- queries --------------------------------------------------------------------------------------

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

    # --- 打新 -----------------------------------------------------------------------------------------

    def _ipo_issues(self, timeout: Any) -> p.Plan[list[m.IpoIssue]]:
        verdict = yield from self._op("ipo_query", JSON_ROWS, timeout=timeout)
        return p.rows(verdict, "ipo_list", m.IpoIssue)

    def _ipo_subscribe(
        self, code: str, quantity: int | None, key: str, account_name: str | None, timeout: Any
    ) -> p.Plan[m.IpoSubscription]:
        params = IpoSubscribeParams.model_construct(stock_code=code, quantity=quantity, account_name=account_name)
        verdict = yield from self._op("ipo_subscribe", params, key=key, timeout=timeout)
        return m.IpoSubscription.model_validate(
            {**(verdict.data or {}), "operation_id": verdict.operation_id, "client_order_id": key}
        )

    @endpoint
    def ipo_query(self, *, timeout: Any = DEFAULT) -> p.Plan[list[m.IpoIssue]]:
        """Today's new shares and bonds (`.subscribe_code`, `.allowed` 可申购数量, `.subscribed`)."""
        return (yield from self._ipo_issues(timeout))

    @endpoint
    def ipo_subscribe(
        self,
        stock_code: str,
        quantity: int | None = None,
        *,
        client_order_id: str | None = None,
        account_name: str | None = None,
        timeout: Any = DEFAULT,
    ) -> p.Plan[m.IpoSubscription]:
        """Subscribe to one issue (申购代码 or 证券代码); `quantity` None: the most allowed."""
        key = client_order_id or p.new_client_order_id()
        return (yield from self._ipo_subscribe(stock_code, quantity, key, account_name, timeout))

    @endpoint
    def ipo_allotments(self, *, timeout: Any = DEFAULT) -> p.Plan[list[m.IpoAllotment]]:
        """Each subscription's 配号, 中签, amount due and payment, newest first."""
        verdict = yield from self._op("ipo_allotment_query", JSON_ROWS, timeout=timeout)
        return p.rows(verdict, "allotments", m.IpoAllotment)

    @endpoint
    def subscribe_all_ipos(self, *, timeout: Any = DEFAULT) -> p.Plan[list[m.IpoOutcome]]:
        """Subscribe to every issue of today with quota left, one operation each.

        Each carries the idempotency key `ipo-<申购日期>-<证券代码>` (the broker's day, so a
        rehearsal on the sim's clock keys by the sim's day): run it twice, even from two machines,
        and each issue is still subscribed once. An issue that fails does not stop the others;
        its outcome says why, and an `unknown` one must be checked in 当日委托 before any retry.
        """
        outcomes: list[m.IpoOutcome] = []
        for issue in (yield from self._ipo_issues(timeout)):
            code = issue.stock_code or issue.subscribe_code or ""
            if issue.subscribed or not issue.allowed:
                why = "今日已申购" if issue.subscribed else "可申购数量为0（无额度）"
                outcomes.append(m.IpoOutcome(stock_code=code, name=issue.name, status="skipped", message=why))
                continue
            key = f"ipo-{issue.subscribe_date}-{code}"
            try:
                done = yield from self._ipo_subscribe(code, None, key, None, timeout)
            except OperationFailed as exc:
                outcomes.append(
                    m.IpoOutcome(
                        stock_code=code,
                        name=issue.name,
                        status=exc.status,
                        operation_id=exc.operation_id,
                        message=exc.message,
                    )
                )
                continue
            outcomes.append(
                m.IpoOutcome(
                    stock_code=code,
                    name=issue.name,
                    status="success",
                    quantity=done.quantity,
                    contract_no=done.contract_no,
                    operation_id=done.operation_id,
                    message=done.message,
                )
            )
        return outcomes

    # --- live events ----------------------------------------------------------------------------------

    @stream
    def events(self, last_event_id: int | None = None, *, reconnect: bool = True) -> EventStream:
        """Iterate over live events (GET /api/v1/events); resumes after `last_event_id`.

        `for event in client.events()` on `Client`, `async for` on `AsyncClient`. With `reconnect`,
        a dropped stream is reopened from the last id seen, so no event is lost or repeated. Break
        out of the loop to stop.
        """
        return EventStream(last_event_id, reconnect=reconnect)


class SimApi:
    """The sim broker's control surface (`client.sim`): quotes, clock, reset, state."""

    def _call(self, method: str, path: str, body: Any = None) -> p.Plan[Any]:
        return p.data(p.Request(method, path, json=body))

    @endpoint
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
    ) -> p.Plan[m.Quote]:
        """Set a quote; resting orders and condition orders of that code react at once."""
        body = {"price": num(price), "name": name, "volume": volume}
        body |= {k: num(v) for k, v in {"prev_close": prev_close, "bid": bid, "ask": ask}.items() if v is not None}
        data = yield from self._call("PUT", f"/api/v1/sim/quotes/{stock_code}", p.jsonable(body))
        return m.Quote.model_validate(data)

    @endpoint
    def advance(self, days: int | None = None, *, to: str | None = None) -> p.Plan[m.SimState]:
        """Move the virtual clock `days` trading days (to 09:30) or `to` an ISO time."""
        body = p.jsonable({"days": days, "to": to})
        return m.SimState.model_validate((yield from self._call("POST", "/api/v1/sim/clock/advance", body)))

    @endpoint
    def reset(self, cash: Number | None = None) -> p.Plan[m.SimState]:
        """Empty the paper account, with `cash` (default: [sim].initial_cash)."""
        body = p.jsonable({"cash": num(cash)}) if cash is not None else None
        return m.SimState.model_validate((yield from self._call("POST", "/api/v1/sim/reset", body)))

    @endpoint
    def state(self) -> p.Plan[m.SimState]:
        return m.SimState.model_validate((yield from self._call("GET", "/api/v1/sim/state")))


__all__ = ["Api", "AsyncRunner", "SimApi", "SyncRunner", "endpoint", "stream"]
