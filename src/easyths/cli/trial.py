"""`easyths trial`: the first run on a real client, with the user's explicit consent.

Why a command of its own (not a script): it is the one thing a user runs before trusting the THS
backend with money, and the one file they send back. It refuses to start outside continuous
trading or with a price off the tick, says what it will do and what it freezes, and asks. The
steps are in `brokers/ths/trial.py`; this module wires the backend, asks, prints and writes.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from easyths.brokers.ths import ThsBroker
from easyths.brokers.ths.trial import Trial, lot, refusal
from easyths.domain.clock import Clock, WallClock
from easyths.errors import EasyTHSError
from easyths.settings import Settings

VERDICTS = {"ok": "[green]通过[/green]", "surprise": "[yellow]意外，停止[/yellow]", "failed": "[red]失败，停止[/red]"}


def trial(
    settings: Settings,
    code: str,
    price_text: str,
    output: Path | None = None,
    *,
    assume_yes: bool = False,
    ask: Callable[[str], str] | None = None,
    console: Console | None = None,
) -> int:
    """0: every step passed; 1: stopped at a step (the report says which); 2: did not start."""
    console = console or Console(soft_wrap=True)
    backend = settings.broker.backend
    if backend == "sim":
        console.print("[red]试运行针对同花顺客户端[/red]：请用 --backend ths 或 --backend emulator（模拟客户端）")
        return 2
    if backend == "ths" and sys.platform != "win32":
        console.print("[red]--backend ths 只能在 Windows 上运行[/red]：在其他系统上可以用 --backend emulator 演练一遍")
        return 2
    try:
        price = Decimal(price_text)
    except InvalidOperation:
        console.print(f"[red]价格无效[/red]：{price_text}")
        return 2
    try:
        broker = _broker(settings)
    except EasyTHSError as exc:
        console.print(f"[red]无法连接客户端[/red]：{exc.message}")
        return 2
    try:
        clock: Clock = getattr(getattr(broker, "sim", None), "clock", None) or WallClock()
        why = refusal(code, price, clock.now())
        if why:
            console.print(f"[red]不能开始试运行[/red]：{why}")
            return 2
        quantity = lot(code)
        console.print(
            "试运行将读取资金、持仓、当日委托、当日成交、历史委托、逆回购利率和条件单，"
            f"然后以 [bold]{price}[/bold] 元限价买入 [bold]{code} {quantity} 股[/bold]，"
            "在当日委托中按合同编号确认后立即按合同编号撤单，并确认已撤。\n"
            f"这会短暂冻结约 {price * quantity:,.2f} 元现金（撤单后解冻）。"
            "请确认这个价格在今天的涨跌停范围内、离市价足够远，不会成交；"
            "试运行绝不会发出市价委托，遇到任何意外都会立即停止。"
        )
        if not assume_yes:
            answer = (ask or input)("确认开始请输入 yes：")
            if answer.strip().lower() != "yes":
                console.print("已取消，没有发出任何委托")
                return 2
        run = Trial(broker, code, price, clock.now)
        report = run.run()
    finally:
        broker.close()
    path = output or Path.cwd() / f"easyths-trial-{datetime.now():%Y%m%d-%H%M%S}.json"
    path.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    _print(console, report["trial"], path, run.contract_no)
    return 0 if report["trial"]["verdict"] == "passed" else 1


def _broker(settings: Settings) -> ThsBroker:
    from easyths.brokers.factory import create_broker

    broker = create_broker(settings)
    assert isinstance(broker, ThsBroker)
    return broker


def _print(console: Console, trial: dict[str, Any], path: Path, contract_no: str | None) -> None:
    """The table, the verdict, and the 合同编号 of an order that may still be open: on the screen
    only (the report never carries it)."""
    table = Table(title="同花顺客户端试运行")
    for column in ("步骤", "结果", "秒", "界面动作", "说明"):
        table.add_column(column)
    for step in trial["steps"]:
        actions = "，".join(f"{a} {n}" for a, n in step["gui_actions"].items() if a != "read")
        table.add_row(step["title"], VERDICTS[step["verdict"]], f"{step['seconds']:.2f}", actions, step["detail"])
    console.print(table)
    if trial["verdict"] == "passed":
        console.print("[green]全部步骤通过[/green]：这台客户端上的读取与限价委托、按合同编号撤单都按预期工作")
    else:
        console.print(f"[yellow]试运行在「{trial['stopped_title']}」这一步停止[/yellow]")
    if trial["order_may_be_open"]:
        console.print(
            "[bold red]试运行发出的委托可能仍未撤销：请立即在客户端的 撤单[F3] 页面中查看并撤销它[/bold red]"
            f"（{trial['code']}，限价 {trial['price']}，{trial['quantity']} 股，合同编号 {contract_no or '未知'}）"
        )
    console.print(f"报告已保存到 [bold]{path}[/bold]（不含账号、姓名、资金和表格数据），可附在问题报告中")


__all__ = ["trial"]
