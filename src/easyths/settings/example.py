"""The example config.toml, written from the schema: every key with its Chinese description and default.

Why generated: the hand-written example drifted from the model (keys missing, defaults stale).
Here a key's comment is its `Field(description=...)`, its value is its default, and a key that is
unset by default is shown commented out with its `Field(examples=...)`. Keys kept only so the
original project's files load (`LEGACY`) are left out. `config.example.toml` at the repository's
root is this text; a test keeps the two equal.
"""

from __future__ import annotations

import json
import re
import unicodedata
from datetime import date
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any, TypeGuard

from pydantic import BaseModel, SecretStr
from pydantic.fields import FieldInfo

from easyths.settings.base import is_legacy
from easyths.settings.model import Settings

HEADER = """\
# EasyTHS 配置文件示例（config.toml），由设置模型生成：每个键的说明和默认值都取自代码
# 读取顺序：命令行参数 > 环境变量 > 本文件 > 默认值
# 环境变量：API_KEY 设置 [api].key；其余为 EASYTHS_<节>__<键>，如 EASYTHS_SIM__QUOTES=random
# 以 # 开头的键不生效（这些键默认不设置，或是可按需填写的表）：去掉行首的 # 并改成你的值后生效
"""

# Comment lines are wrapped at this display width (a Chinese character counts two).
WIDTH = 100
_BREAKS = "，；。、）)"
_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def example_config() -> str:
    """The whole example, sections in the order `Settings` declares them."""
    parts = [HEADER]
    for name, info in Settings.model_fields.items():
        if _is_section(info.annotation):
            parts.append(_section(name, info.annotation, info.description))
    return "\n".join(parts)


def _is_section(annotation: Any) -> TypeGuard[type[BaseModel]]:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _section(dotted: str, model: type[BaseModel], description: str | None) -> str:
    lines = [*_comment(description), f"[{dotted}]"]
    subsections: list[str] = []
    for name, info in model.model_fields.items():
        if is_legacy(info):
            continue
        if _is_section(info.annotation):
            subsections.append(_section(f"{dotted}.{name}", info.annotation, info.description))
            continue
        lines += [*_comment(info.description), _assignment(f"{dotted}.{name}", name, info)]
    return "\n".join(["\n".join(lines) + "\n", *subsections])


def _assignment(dotted: str, name: str, info: FieldInfo) -> str:
    """`key = default`; commented out when unset by default or a table (a `[section.key]` table the
    user adds below must not collide with an inline one)."""
    default = info.get_default(call_default_factory=True)
    key = _key(name)
    if default is None or isinstance(default, dict):
        shown = info.examples[0] if info.examples else default
        if shown is None:
            raise ValueError(f"设置 {dotted} 默认不设置，需要在 Field(examples=[...]) 中给出示例值")
        return f"# {key} = {toml_value(shown)}"
    return f"{key} = {toml_value(default)}"


def toml_value(value: Any) -> str:
    """`value` as one writes it in config.toml (dates bare, decimals without exponent)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, SecretStr):
        return '""'
    if isinstance(value, Enum):
        return toml_value(value.value)
    if isinstance(value, str | Path):
        return json.dumps(str(value), ensure_ascii=False)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        if not value:
            return "{}"
        return "{ " + ", ".join(f"{_key(str(k))} = {toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"无法写成 TOML 的默认值: {value!r}")


def _key(name: str) -> str:
    return name if _BARE_KEY.match(name) else json.dumps(name, ensure_ascii=False)


def _comment(text: str | None) -> list[str]:
    return [f"# {line}" for line in _wrap(" ".join((text or "").split()))]


def _wrap(text: str) -> list[str]:
    """Lines of at most WIDTH columns, broken after punctuation where there is some (a space
    only when there is none), so a number is not split from its words."""
    lines: list[str] = []
    while text:
        width, cut, punct, space = 0, len(text), -1, -1
        for i, ch in enumerate(text):
            width += 2 if unicodedata.east_asian_width(ch) in "WF" else 1
            if width > WIDTH:
                cut = (punct if punct > 0 else space if space > 0 else i - 1) + 1
                break
            if ch in _BREAKS:
                punct = i
            elif ch == " ":
                space = i
        lines.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    return lines


EXAMPLE_CONFIG = example_config()


__all__ = ["EXAMPLE_CONFIG", "example_config", "toml_value"]
