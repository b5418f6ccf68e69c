"""The 配置 page: every setting of `Settings`, walked from the model itself.

Each leaf setting becomes a row with its TOML key, type, default, environment variable and the
Chinese `Field(description=...)`; a setting without a description is reported, not hidden, so the
docs test fails when one is added without it.
"""

from __future__ import annotations

import json
import types
import typing
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any, TypeGuard

from pydantic import BaseModel, SecretStr
from pydantic.fields import FieldInfo

from easyths.settings import Settings
from easyths.settings.example import toml_value

# The one environment variable without the EASYTHS_ prefix (the reference's name).
SPECIAL_ENV = {("api", "key"): "API_KEY"}
# Fields of `Settings` that are not settings a user writes in config.toml.
NOT_SETTINGS = {"config_file"}


@dataclass(frozen=True)
class SettingDoc:
    section: str  # "sim.fees"
    key: str  # "commission_rate"
    type: str
    default: str
    env: list[str]
    description: str

    @property
    def dotted(self) -> str:
        return f"{self.section}.{self.key}"


def _is_section(annotation: Any) -> TypeGuard[type[BaseModel]]:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def walk_settings(model: type[BaseModel] = Settings, prefix: tuple[str, ...] = ()) -> list[SettingDoc]:
    """Every leaf setting, in declaration order; nested sections (`[sim.fees]`) included."""
    out: list[SettingDoc] = []
    for name, info in model.model_fields.items():
        if not prefix and name in NOT_SETTINGS:
            continue
        if _is_section(info.annotation):
            out.extend(walk_settings(info.annotation, (*prefix, name)))
            continue
        if not prefix:  # a top-level scalar: not part of any section today
            out.append(_doc((), name, info))
            continue
        out.append(_doc(prefix, name, info))
    return out


def _doc(prefix: tuple[str, ...], name: str, info: FieldInfo) -> SettingDoc:
    path = (*prefix, name)
    env = ["EASYTHS_" + "__".join(p.upper() for p in path)]
    if path in SPECIAL_ENV:
        env.insert(0, SPECIAL_ENV[path])
    return SettingDoc(
        section=".".join(prefix),
        key=name,
        type=type_name(info.annotation),
        default=default_text(info),
        env=env,
        description=(info.description or "").strip(),
    )


_NAMES = {
    str: "字符串",
    int: "整数",
    float: "数字",
    bool: "布尔",
    Decimal: "数字",
    Path: "路径",
    SecretStr: "字符串（保密）",
}


def type_name(annotation: Any) -> str:
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Literal:
        return " \\| ".join(f"`{json.dumps(a, ensure_ascii=False)}`" for a in args)
    if origin in (typing.Union, types.UnionType):
        parts = [type_name(a) for a in args if a is not type(None)]
        text = " \\| ".join(parts)
        return f"{text}（可不设）" if type(None) in args else text
    if origin is list:
        return f"{type_name(args[0])}列表" if args else "列表"
    if origin is dict:
        return f"表（{type_name(args[0])} → {type_name(args[1])}）" if args else "表"
    if origin is typing.Annotated:
        return type_name(args[0])
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return " \\| ".join(f"`{m.value}`" for m in annotation)
    return _NAMES.get(annotation, getattr(annotation, "__name__", str(annotation)))


def default_text(info: FieldInfo) -> str:
    value = info.get_default(call_default_factory=True)
    if value is None:
        return "（不设）"
    return f"`{toml_value(value)}`"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;").replace("\n", " ")


def settings_markdown() -> str:
    """One table per section, headed `[section]`, rows in declaration order."""
    docs = walk_settings()
    lines: list[str] = []
    current: str | None = None
    for doc in docs:
        if doc.section != current:
            current = doc.section
            lines += ["", f"### `[{doc.section}]`" if doc.section else "### 顶层", ""]
            lines += ["| 键 | 类型 | 默认值 | 环境变量 | 说明 |", "|---|---|---|---|---|"]
        env = "<br>".join(f"`{e}`" for e in doc.env)
        desc = _cell(doc.description) if doc.description else "**（缺少说明）**"
        lines.append(f'| <span id="{doc.dotted}"></span>`{doc.key}` | {doc.type} | {doc.default} | {env} | {desc} |')
    return "\n".join(lines).strip() + "\n"


def settings_table(dotted: list[str]) -> str:
    """A short table of chosen settings (`section` for all of a section, or `section.key`), each
    linked to its row on the configuration page."""
    docs = walk_settings()
    chosen = [d for d in docs if d.section in dotted or d.dotted in dotted]
    lines = ["| 设置 | 默认值 | 说明 |", "|---|---|---|"]
    for doc in chosen:
        link = f"[`[{doc.section}].{doc.key}`](configuration.md#{doc.dotted})"
        lines.append(f"| {link} | {doc.default} | {_cell(doc.description)} |")
    return "\n".join(lines) + "\n"


__all__ = ["SettingDoc", "settings_markdown", "settings_table", "type_name", "walk_settings"]
