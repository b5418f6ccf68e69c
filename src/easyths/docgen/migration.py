"""The 从原版迁移 page's field map: for each operation, the 2.x field and the 1.x column it comes
from, read from the tables in `easyths.api.contracts.v2` that also convert the results.
"""

from __future__ import annotations

from easyths.api.contracts import v2

_KINDS = {"text": "字符串", "int": "整数", "num": "数字", "market": "上海/深圳", "ordinal": "从 1 开始的序号"}
_SHAPES = {"rows": "行列表", "record": "对象", "accounts": "`{available_accounts: [行]}`"}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


def v2_fields_markdown() -> str:
    out: list[str] = []
    for operation, spec in v2.RESULTS.items():
        out += [f"#### `{operation}`", ""]
        out += [f"2.x 的 `data` 是{_SHAPES.get(spec.shape, spec.shape)}。", ""]
        out += ["| 2.x 字段 | 1.x 字段 / 客户端列 | 类型 | 说明 |", "|---|---|---|---|"]
        for col in spec.table:
            sources = " / ".join(f"`{s}`" for s in col.sources)
            kind = _KINDS.get(col.kind.value, col.kind.value)
            out.append(f"| `{col.v2}` | {sources} | {kind} | {_cell(col.description)} |")
        for v2_name, ours in spec.extra:
            out.append(f"| `{v2_name}` | `{ours}` | — | EasyTHS 在 2.x 之外增加的字段 |")
        out.append("")
    return "\n".join(out)


__all__ = ["v2_fields_markdown"]
