"""`easyths doctor`: check the 同花顺 client and record its window tree for a bug report.

Why: client builds and brokers differ, and "it does not work" is not a bug report. The doctor
runs the driver's start-up check, prints what is wrong in plain Chinese, and writes a recording
(control ids, classes, labels, menu paths, grid headers; never account numbers, balances or
grid cells) that a maintainer loads into `ThsEmulator` to reproduce the user's client.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from easyths.brokers.ths.broker import UNVERIFIED, ThsBroker
from easyths.brokers.ths.recording import record, suggest_config
from easyths.brokers.ths.requirements import REQUIRED
from easyths.brokers.ths.seam import GuiSeam
from easyths.errors import EasyTHSError
from easyths.settings import BrokerSection
from easyths.winenv import excluded_port_ranges, port_problem


def doctor(output: Path | None = None, *, console: Console | None = None) -> int:
    """Entry point for the CLI. 0: all good; 1: problems found; 2: cannot run here."""
    console = console or Console(soft_wrap=True)
    if sys.platform != "win32":
        console.print(
            "[red]easyths doctor 只能在 Windows 上运行[/red]：它检查本机的同花顺下单程序 xiadan.exe。\n"
            "在其他系统上请使用模拟券商：easyths --backend sim"
        )
        return 2
    try:
        from easyths.brokers.ths.pywinauto_seam import PywinautoSeam
        from easyths.settings import load_settings

        settings = load_settings()
        seam = PywinautoSeam(exe_path=settings.exe_path)
    except (EasyTHSError, ImportError, RuntimeError) as exc:
        console.print(f"[red]无法启动检查[/red]：{exc}")
        return 2
    reserved = port_problem(settings.api.port, excluded_port_ranges())  # before the service is started
    return run_doctor(
        seam, settings.broker, output, console=console, app_path=settings.exe_path, extra=[reserved] if reserved else []
    )


def run_doctor(
    seam: GuiSeam,
    config: BrokerSection,
    output: Path | None = None,
    *,
    console: Console | None = None,
    app_path: str | None = None,
    extra: Sequence[str] = (),
) -> int:
    """The checks and the recording against any seam (the emulator in tests); `extra`: problems
    found outside the client (a reserved port)."""
    console = console or Console(soft_wrap=True)
    broker = ThsBroker(seam, config, app_path=app_path)
    problems = [*broker.startup_check(), *extra]
    table = Table(title="同花顺客户端检查")
    table.add_column("检查项")
    table.add_column("结果")
    found = not any("未找到同花顺下单窗口" in p for p in problems)
    table.add_row("下单窗口", f"[green]已找到[/green]（{config.window_title}）" if found else "[red]未找到[/red]")
    for problem in problems:
        table.add_row("问题", f"[yellow]{problem}[/yellow]")
    if not problems:
        table.add_row("结果", "[green]未发现问题[/green]")
    console.print(table)
    settings = Table(title="请在客户端「系统设置」中逐项确认（驱动无法读取这些设置）")
    for column in ("位置", "设置项", "要求", "原因"):
        settings.add_column(column)
    for need in REQUIRED:
        settings.add_row(*(escape(text) for text in (need.tab, need.item, need.value, need.why)))
    console.print(settings)
    console.print(escape(f"当前 [broker].popups = {config.popups}"))
    if not found:
        console.print("请先启动并登录同花顺下单程序，再运行 easyths doctor")
        return 1
    try:
        recording = record(seam, config)
    except Exception as exc:
        console.print(f"[red]记录窗口结构失败[/red]：{type(exc).__name__}: {exc}")
        return 1
    path = output or Path.cwd() / f"easyths-doctor-{datetime.now():%Y%m%d-%H%M%S}.json"
    recording["problems"] = problems
    recording["unverified"] = list(UNVERIFIED)
    path.write_text(json.dumps(recording, ensure_ascii=False, indent=2), encoding="utf-8")
    _print_summary(console, recording, path)
    return 1 if problems else 0


def _print_summary(console: Console, recording: dict[str, Any], path: Path) -> None:
    headers = recording.get("grid_headers", {})
    for page, columns in headers.items():
        console.print(f"[bold]{page}[/bold] 表头：{' | '.join(columns)}")
    if recording.get("menu_missing"):
        console.print(f"[yellow]菜单中未找到的页面[/yellow]：{', '.join(recording['menu_missing'])}")
    console.print(f"客户端版本：{recording.get('client_version', 'unknown')}")
    settings = recording.get("client_settings")
    if settings:
        console.print("客户端设置：" + "；".join(f"{k} = {v}" for k, v in settings.items()))
    else:
        console.print(
            "[yellow]未能自动读取客户端设置[/yellow]：请手动确认 系统设置 → 快速交易 中的弹窗与「切换页面是否清空代码」"
        )
    timings = recording.get("step_timings") or {}
    if timings:
        console.print("各页面用时（秒）：" + "，".join(f"{k} {v:.2f}" for k, v in timings.items()))
    console.print("[yellow]以下步骤尚未在真实客户端上验证[/yellow]：" + "；".join(UNVERIFIED))
    suggestion = suggest_config(recording)
    console.print(f"建议的 [broker] 配置：{json.dumps(suggestion, ensure_ascii=False)}")
    console.print(f"窗口结构已保存到 [bold]{path}[/bold]（不含账号、资金和表格数据），可附在问题报告中")


__all__ = ["doctor", "run_doctor"]
