"""The command-line reference, read from the typer app itself (options, arguments, help texts)."""

from __future__ import annotations

from typing import Any

import typer

from easyths.cli.main import app


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


def _is_argument(param: Any) -> bool:
    """Positional argument (typer may use its own click copy, so no isinstance on click.Argument)."""
    return getattr(param, "param_type_name", "") == "argument"


def _param_row(param: Any) -> str | None:
    if param.name == "help" or getattr(param, "hidden", False):
        return None
    if _is_argument(param):
        name = f"`{param.name.upper()}`"
        help_text = getattr(param, "help", None) or ""
    else:
        name = " / ".join(f"`{o}`" for o in param.opts)
        help_text = getattr(param, "help", None) or ""
    extra: list[str] = []
    envvar: Any = getattr(param, "envvar", None)
    if envvar:
        extra.append("环境变量 " + ", ".join(f"`{e}`" for e in ([envvar] if isinstance(envvar, str) else envvar)))
    default = param.default
    shown = default is not None and default is not False and default != () and not callable(default)
    if not _is_argument(param) and shown:
        extra.append(f"默认 `{default}`")
    tail = f"（{'；'.join(extra)}）" if extra else ""
    return f"| {name} | {_cell(help_text)}{_cell(tail)} |"


def _table(command: Any) -> list[str]:
    rows = [r for r in (_param_row(p) for p in command.params) if r]
    return ["| 参数 | 说明 |", "|---|---|", *rows] if rows else []


def cli_markdown() -> str:
    group = typer.main.get_command(app)
    out = ["### `easyths`（启动服务）", "", _cell(group.help or ""), "", *_table(group), ""]
    commands = getattr(group, "commands", {})
    if commands:
        out += ["### 子命令", "", "| 命令 | 作用 |", "|---|---|"]
        for name, cmd in commands.items():
            out.append(f"| [`easyths {name}`](#cli-{name}) | {_cell((cmd.help or '').splitlines()[0])} |")
        out.append("")
        for name, cmd in commands.items():
            usage = " ".join(p.name.upper() for p in cmd.params if _is_argument(p))
            out += [f"#### `easyths {name}` {{#cli-{name}}}", "", _cell(cmd.help or ""), ""]
            out += ["```bash", f"easyths {name} {usage}".rstrip(), "```", "", *_table(cmd), ""]
    return "\n".join(out)


__all__ = ["cli_markdown"]
