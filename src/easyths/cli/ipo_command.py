"""`easyths ipo`: today's new shares and bonds; `--subscribe-all` subscribes to each, on the SDK.

Why a loop in the client and not one operation: each subscription is its own order with its own
verdict (合同编号, or failed, or unknown), keyed by the day and the code, so a morning job run
twice, or on two machines, subscribes nothing twice, and one refusal does not hide the others.
"""

from __future__ import annotations

from typing import Annotated

import typer

from easyths.cli.client_commands import (
    ApiKey,
    Json,
    Timeout,
    Url,
    _call,
    _client,
    _print_json,
    _show_rows,
    err,
    out,
)

ISSUE_COLUMNS = ("申购代码", "证券代码", "证券名称", "类型", "板块", "发行价格", "申购上限", "可申购数量", "已申购")
ISSUE_DROP = ("板块", "申购上限", "证券名称")
ALLOTMENT_COLUMNS = (
    "申购日期", "证券代码", "证券名称", "申购数量", "状态", "起始配号", "配号数量", "中签数量", "应缴金额", "缴款日期",
)  # fmt: skip
ALLOTMENT_DROP = ("起始配号", "证券名称", "缴款日期", "配号数量")
STATUS_COLORS = {"success": "green", "failed": "red", "unknown": "yellow", "skipped": "dim"}


def ipo(
    subscribe_all: Annotated[
        bool, typer.Option("--subscribe-all", help="申购今天全部有额度、未申购的新股/新债（每只一个操作，可重复运行）")
    ] = False,
    allotments: Annotated[bool, typer.Option("--allotments", help="查看配号、中签与缴款")] = False,
    url: Url = None,
    api_key: ApiKey = None,
    as_json: Json = False,
    timeout: Timeout = 300.0,
) -> None:
    """打新：列出今日新股/新债与可申购数量；--subscribe-all 一键申购，--allotments 查看中签。"""
    if subscribe_all and allotments:
        err.print("[red]--subscribe-all 与 --allotments 只能选一个[/red]")
        raise typer.Exit(2)
    with _client(url, api_key, timeout) as client:
        if allotments:
            rows = _call(as_json, "查询配号与中签", client.ipo_allotments)
            _show_rows(rows, as_json, "配号与中签", ALLOTMENT_COLUMNS, ALLOTMENT_DROP, "没有申购记录")
            return
        if not subscribe_all:
            issues = _call(as_json, "查询今日新股/新债", client.ipo_query)
            _show_rows(issues, as_json, "今日新股/新债", ISSUE_COLUMNS, ISSUE_DROP, "今日无新股/新债")
            return
        outcomes = _call(as_json, "逐只申购中", client.subscribe_all_ipos)
    if as_json:
        _print_json(outcomes)
    elif not outcomes:
        out.print("今日无新股/新债")
    for o in [] if as_json else outcomes:
        color = STATUS_COLORS.get(o.status, "")
        what = f"合同编号 {o.contract_no}，{o.quantity}" if o.status == "success" else (o.message or "")
        out.print(f"[{color}]{o.status:<8}[/{color}] {o.stock_code} {o.name or ''}  {what}")
    if any(o.status == "unknown" for o in outcomes):
        err.print("[yellow]有申购结果未知：请先用 easyths orders 核对当日委托中的配售申购，再决定是否重试[/yellow]")
    if any(o.status in ("failed", "unknown") for o in outcomes):
        raise typer.Exit(1)


__all__ = ["ipo"]
