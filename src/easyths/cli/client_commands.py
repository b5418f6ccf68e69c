"""Client subcommands (`easyths buy/sell/funds/holdings/orders/cancel/ops`), on the SDK.

Why through the SDK and not the engine: these commands talk to a running service like any other
program, so they see exactly what a strategy sees (same waiting, same errors), and they work
against a service on another machine. Tables go to stdout; the spinner and errors to stderr;
`--json` prints the service's own keys (合同编号 …) for scripts.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, TypeVar

import typer
from rich import box
from rich.console import Console
from rich.table import Table

from easyths.cli import streams
from easyths.cli.tables import cell, dropped_note, fitted, key_values
from easyths.domain.money import json_number
from easyths.errors import ApiError
from easyths.hosts import local_url

T = TypeVar("T")

out = Console(highlight=False, soft_wrap=False)
err = Console(stderr=True, highlight=False, soft_wrap=True)

Url = Annotated[
    str | None,
    typer.Option(
        "--url", envvar="EASYTHS_URL", help="服务地址（默认按配置文件的 host/port，即 http://127.0.0.1:7648）"
    ),
]
ApiKey = Annotated[
    str | None, typer.Option("--api-key", envvar="API_KEY", help="API Key（默认读取环境变量 API_KEY 或配置文件）")
]
Json = Annotated[bool, typer.Option("--json", help="输出 JSON（供脚本使用）")]
Timeout = Annotated[float, typer.Option("--timeout", help="等待操作结果的最长秒数")]


def _default_url_and_key() -> tuple[str, str | None]:
    """The local service as configured: `easyths funds` beside `easyths` needs no flags."""
    from easyths.settings import load_settings

    try:
        settings = load_settings(None)
    except Exception:  # a broken config must not stop a client command; the defaults apply
        return "http://127.0.0.1:7648", None
    return local_url(settings.api.host, settings.api.port), settings.api_key


@contextmanager
def _client(url: str | None, api_key: str | None, timeout: float) -> Iterator[Any]:
    from easyths.client import Client

    default_url, default_key = _default_url_and_key() if url is None or api_key is None else ("", None)
    with Client(url or default_url, api_key or default_key, operation_timeout=timeout) as client:
        yield client


def _call(as_json: bool, what: str, fn: Callable[[], T]) -> T:
    """Run one SDK call under a spinner; an error is printed (and as JSON with --json), exit 1."""
    try:
        with err.status(f"{what}…", spinner="dots"):
            return fn()
    except ApiError as exc:
        if as_json:
            body = {
                "success": False,
                "error_code": exc.error_code,
                "message": exc.message,
                "details": exc.details,
                **({"operation_id": exc.operation_id} if hasattr(exc, "operation_id") else {}),
            }
            typer.echo(json.dumps(body, ensure_ascii=streams.json_ascii(), default=str))
        err.print(f"[red]失败 [{exc.error_code}] {exc.message}[/red]")
        if isinstance(exc.details, list):
            for d in exc.details:
                if isinstance(d, dict) and "field" in d:
                    err.print(f"  [red]{d['field']}: {d.get('message', '')}[/red]")
        raise typer.Exit(1) from None


def _dump(value: Any) -> Any:
    """Models become the service's JSON again: its keys (合同编号), numbers as numbers."""
    if hasattr(value, "model_dump"):
        value = value.model_dump(by_alias=True)
    if isinstance(value, dict):
        return {k: _dump(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_dump(v) for v in value]
    if isinstance(value, Decimal):
        return json_number(value)
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def _print_json(value: Any) -> None:
    typer.echo(json.dumps(_dump(value), ensure_ascii=streams.json_ascii(), indent=2, default=str))


HOLDING_COLUMNS = ("证券代码", "证券名称", "股票余额", "可用余额", "成本价", "市价", "盈亏", "盈亏比(%)", "市值")
ORDER_COLUMNS = (
    "合同编号", "委托时间", "证券代码", "证券名称", "操作", "委托价格", "委托数量", "成交数量", "成交均价", "备注",
)  # fmt: skip
# Left out first to last when the terminal is too narrow (合同编号, code, side and state never).
HOLDING_DROP = ("盈亏比(%)", "可用余额", "市价", "证券名称")
ORDER_DROP = ("成交均价", "委托时间", "证券名称", "成交数量")


def _print_fitted(title: str, columns: Sequence[str], rows: Sequence[Any], drop: Sequence[str]) -> None:
    table, dropped = fitted(title, columns, rows, out.width, drop)
    out.print(table)
    if dropped:
        err.print(dropped_note(out.width, dropped), style="dim", soft_wrap=True)


def _show_rows(
    rows: Sequence[Any], as_json: bool, title: str, columns: Sequence[str], drop: Sequence[str], empty: str
) -> None:
    """A table read: as the service sent it with --json, else fitted to the terminal, or `empty`
    said in words when there are no rows."""
    if as_json:
        _print_json(rows)
    elif rows:
        _print_fitted(f"{title}（{len(rows)}）", columns, rows, drop)
    else:
        out.print(empty)


def _parse_price(price: str) -> Decimal:
    """A typo in the price must be a usage error (exit 2), not a traceback: nothing is sent."""
    try:
        value = Decimal(price)
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite() or value <= 0:
        raise typer.BadParameter(f"委托价格必须是大于 0 的数字，收到 {price!r}", param_hint="'price'")
    return value


def _order(
    side: str, code: str, price: str, quantity: int, url: str | None, api_key: str | None, as_json: bool, **kw: Any
) -> None:
    timeout = kw.pop("timeout")
    limit = _parse_price(price)
    with _client(url, api_key, timeout) as client:
        place = client.buy if side == "buy" else client.sell
        label = "买入" if side == "buy" else "卖出"
        order = _call(as_json, f"{label}委托排队执行中", lambda: place(code, limit, quantity, **kw))
    if as_json:
        _print_json(order)
        return
    out.print(f"[green]{label}委托已提交[/green]  合同编号 [bold]{order.contract_no}[/bold]")
    table = Table(show_header=False, box=None)
    for key, value in (
        ("证券代码", order.stock_code),
        ("委托价格", order.price),
        ("委托数量", order.quantity),
        ("客户端订单号", order.client_order_id),
        ("操作编号", order.operation_id),
    ):
        table.add_row(key, cell(key, value, order.stock_code))
    out.print(table)


def _order_command(side: str, summary: str) -> Callable[..., None]:
    """`buy` and `sell` take the same arguments; only the side and the help line differ."""

    def command(
        code: Annotated[str, typer.Argument(help="股票代码（6位数字）")],
        price: Annotated[str, typer.Argument(help="委托价格")],
        quantity: Annotated[int, typer.Argument(help="委托数量（股）")],
        client_order_id: Annotated[
            str | None, typer.Option("--client-order-id", help="客户端订单号：重复提交返回原委托（不填自动生成）")
        ] = None,
        priority: Annotated[int, typer.Option("--priority", min=0, max=10, help="队列优先级 0-10")] = 0,
        url: Url = None,
        api_key: ApiKey = None,
        as_json: Json = False,
        timeout: Timeout = 300.0,
    ) -> None:
        _order(
            side, code, price, quantity, url, api_key, as_json,
            client_order_id=client_order_id, priority=priority, timeout=timeout,
        )  # fmt: skip

    command.__name__ = command.__qualname__ = side
    command.__doc__ = summary
    return command


buy = _order_command("buy", "限价买入，等待执行结果并显示合同编号。")
sell = _order_command("sell", "限价卖出，等待执行结果并显示合同编号。")


def funds(url: Url = None, api_key: ApiKey = None, as_json: Json = False, timeout: Timeout = 300.0) -> None:
    """查询资金。"""
    with _client(url, api_key, timeout) as client:
        result = _call(as_json, "查询资金", client.funds)
    if as_json:
        _print_json(result)
        return
    data = {k: v for k, v in result.model_dump(by_alias=True).items() if k not in ("timestamp", "message", "success")}
    out.print(key_values("资金", "金额（元）", data))


def holdings(url: Url = None, api_key: ApiKey = None, as_json: Json = False, timeout: Timeout = 300.0) -> None:
    """查询持仓。"""
    with _client(url, api_key, timeout) as client:
        rows = _call(as_json, "查询持仓", client.holdings)
    _show_rows(rows, as_json, "持仓", HOLDING_COLUMNS, HOLDING_DROP, "无持仓")


def orders(
    code: Annotated[str | None, typer.Option("--code", help="只看这只股票")] = None,
    url: Url = None,
    api_key: ApiKey = None,
    as_json: Json = False,
    timeout: Timeout = 300.0,
) -> None:
    """查询当日委托。"""
    with _client(url, api_key, timeout) as client:
        rows = _call(as_json, "查询当日委托", lambda: client.orders(code))
    _show_rows(rows, as_json, "当日委托", ORDER_COLUMNS, ORDER_DROP, "当日无委托")


def cancel(
    contract_no: Annotated[str | None, typer.Option("--contract-no", help="撤销这一笔委托（合同编号）")] = None,
    all_orders: Annotated[bool, typer.Option("--all", help="撤销全部未成交委托")] = False,
    code: Annotated[str | None, typer.Option("--code", help="与 --all 一起：只撤这只股票")] = None,
    url: Url = None,
    api_key: ApiKey = None,
    as_json: Json = False,
    timeout: Timeout = 300.0,
) -> None:
    """撤单：--contract-no N 撤一笔，--all 撤全部。"""
    if (contract_no is None) == (not all_orders):
        err.print("[red]请指定 --contract-no 合同编号 或 --all（二选一）[/red]")
        raise typer.Exit(2)
    with _client(url, api_key, timeout) as client:
        result = _call(as_json, "撤单排队执行中", lambda: client.cancel(contract_no, stock_code=code))
    if as_json:
        _print_json(result)
        return
    if result.cancelled:
        out.print(f"[green]已撤销 {result.cancelled_count} 笔[/green]：合同编号 {', '.join(result.cancelled)}")
    else:
        out.print("没有可撤销的委托")


def ops(
    limit: Annotated[int, typer.Option("--limit", min=1, max=500, help="显示最近多少个操作")] = 20,
    status: Annotated[str | None, typer.Option("--status", help="只看这个状态的操作")] = None,
    url: Url = None,
    api_key: ApiKey = None,
    as_json: Json = False,
    timeout: Timeout = 30.0,
) -> None:
    """队列统计与最近的操作。"""
    with _client(url, api_key, timeout) as client:
        stats = _call(as_json, "查询队列", client.queue_stats)
        recent = _call(as_json, "查询操作", lambda: client.recent_operations(status, limit))
    if as_json:
        _print_json({"stats": stats, "operations": recent})
        return
    out.print(
        f"队列：排队 {stats.queued_count} · 执行中 {stats.running_count} · 成功 {stats.success_count} · "
        f"失败 {stats.failed_count} · 已取消 {stats.cancelled_count} · 未知 {stats.unknown_count} · "
        f"共 {stats.total_count}"
    )
    narrow = out.width < 100  # the priority column is the first to go; 说明 folds, the rest never wrap
    table = Table(title=f"最近的操作（{len(recent)}）", title_justify="left", box=box.SIMPLE_HEAD, show_edge=False)
    columns = (
        ("操作编号", "名称", "状态", "提交时间", "说明")
        if narrow
        else ("操作编号", "名称", "状态", "优先级", "提交时间", "说明")
    )
    for col in columns:
        table.add_column(col, no_wrap=col != "说明", overflow="fold")
    colors = {"success": "green", "failed": "red", "unknown": "yellow", "cancelled": "dim"}
    for op in recent:
        note = op.error or ((op.result or {}).get("data") or {}).get("message") or ""
        color = colors.get(op.status, "")
        cells = [
            op.operation_id[:8],
            op.name or "",
            f"[{color}]{op.status}[/{color}]" if color else op.status,
            str(op.priority),
            op.created_at.strftime("%m-%d %H:%M:%S") if op.created_at else "",
            str(note),
        ]
        if narrow:
            del cells[3]
        table.add_row(*cells)
    out.print(table)


def register(app: typer.Typer) -> None:
    for fn in (buy, sell, funds, holdings, orders, cancel, ops):
        app.command(fn.__name__)(fn)


__all__ = ["register"]
