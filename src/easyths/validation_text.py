"""Chinese wording for pydantic's validation errors.

Why: every user-facing message is Chinese, but pydantic words its built-in checks in English
("Field required", "Input should be a valid decimal"). Both the operation registry and the API's
request validation go through `chinese_message`, so a 422 reads the same whatever rejected it.
Unknown error types keep pydantic's text rather than guessing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any


def _ctx(err: Mapping[str, Any], key: str) -> str:
    return str((err.get("ctx") or {}).get(key, ""))


def _choices(err: Mapping[str, Any]) -> str:
    return _ctx(err, "expected").replace(" or ", ", ")


_TEXT: dict[str, str | Callable[[Mapping[str, Any]], str]] = {
    "missing": "必填",
    "extra_forbidden": "不支持的参数",
    "int_parsing": "必须是整数",
    "int_type": "必须是整数",
    "int_from_float": "必须是整数（不能有小数部分）",
    "int_parsing_size": "整数超出范围",
    "decimal_parsing": "必须是数字",
    "decimal_type": "必须是数字",
    "float_parsing": "必须是数字",
    "float_type": "必须是数字",
    "finite_number": "必须是有限的数字",
    "string_type": "必须是字符串",
    "bool_parsing": "必须是布尔值（true/false）",
    "bool_type": "必须是布尔值（true/false）",
    "dict_type": "必须是对象",
    "model_type": "必须是对象",
    "model_attributes_type": "必须是对象",
    "list_type": "必须是数组",
    "json_invalid": "不是合法的 JSON",
    "string_pattern_mismatch": "格式不正确",
    "datetime_parsing": "必须是日期时间（如 2026-11-26T14:00:00）",
    "datetime_from_date_parsing": "必须是日期时间（如 2026-11-26T14:00:00）",
    "datetime_type": "必须是日期时间（如 2026-11-26T14:00:00）",
    "date_parsing": "必须是日期（如 2026-11-26）",
    "date_from_datetime_parsing": "必须是日期（如 2026-11-26）",
    "date_type": "必须是日期（如 2026-11-26）",
    "greater_than": lambda e: f"必须大于 {_ctx(e, 'gt')}",
    "greater_than_equal": lambda e: f"必须大于或等于 {_ctx(e, 'ge')}",
    "less_than": lambda e: f"必须小于 {_ctx(e, 'lt')}",
    "less_than_equal": lambda e: f"不能大于 {_ctx(e, 'le')}",
    "literal_error": lambda e: f"必须是以下之一: {_choices(e)}",
    "enum": lambda e: f"必须是以下之一: {_choices(e)}",
    "decimal_max_places": lambda e: f"小数位数不能超过 {_ctx(e, 'decimal_places')} 位",
    "decimal_max_digits": lambda e: f"数字位数不能超过 {_ctx(e, 'max_digits')} 位",
    "decimal_whole_digits": lambda e: f"整数部分不能超过 {_ctx(e, 'whole_digits')} 位",
    "multiple_of": lambda e: f"必须是 {_ctx(e, 'multiple_of')} 的整数倍",
    "too_short": lambda e: f"至少需要 {_ctx(e, 'min_length')} 项",
    "too_long": lambda e: f"最多 {_ctx(e, 'max_length')} 项",
    "string_too_long": lambda e: f"长度不能超过 {_ctx(e, 'max_length')}",
    "string_too_short": lambda e: f"长度不能少于 {_ctx(e, 'min_length')}",
}


def chinese_message(err: Mapping[str, Any]) -> str:
    """One pydantic error (an item of `ValidationError.errors()`) in Chinese."""
    text = _TEXT.get(str(err.get("type", "")))
    if text is None:
        return str(err.get("msg", "")).removeprefix("Value error, ")
    return text(err) if callable(text) else text


__all__ = ["chinese_message"]
