"""The exit-code table of the 风控与安全 page, read from the EXIT_* constants of `cli/startup.py`."""

from __future__ import annotations

from importlib import import_module

MEANINGS_ZH = {
    "EXIT_UNEXPECTED": "未预期的错误（程序缺陷，详情见日志）",
    "EXIT_CONFIG": "配置无效（指出是哪个键），或命令行参数错误",
    "EXIT_FOLDER_BUSY": "数据目录已被另一个 EasyTHS 进程使用（指出目录与该进程的 PID）",
    "EXIT_PORT_BUSY": "端口被占用或无法监听（在打开任何数据库之前报告）",
    "EXIT_DATABASE": "journal.db 或 sim.db 无法读写或已损坏：服务不会自动重建，请改名保存后再启动",
    "EXIT_BACKEND": "交易后端无法启动（例如找不到同花顺客户端）",
}


def exit_codes_markdown() -> str:
    try:
        startup = import_module("easyths.cli.startup")
    except ImportError:
        return "（本版本没有启动检查。）\n"
    codes = sorted((value, name) for name, value in vars(startup).items() if name.startswith("EXIT_"))
    out = ["| 退出码 | 含义 |", "|---|---|", "| 0 | 正常停止 |"]
    out += [f"| {value} | {MEANINGS_ZH.get(name, name)} |" for value, name in codes]
    return "\n".join(out) + "\n"


__all__ = ["exit_codes_markdown"]
