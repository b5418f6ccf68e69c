"""The base of every params model and the field types the models share.

Why the base forbids unknown keys and refuses booleans for numbers: a typo must not become a
default, and pydantic's lax mode read JSON `true` as 1 (`"expire_days": true` was a 1-day order).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal, get_args, get_origin

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, ValidationInfo, field_validator

from easyths.domain.money import decimal_from_json


def _code(value: Any) -> Any:
    # isascii: str.isdigit() also takes full-width and other scripts' digits (６０００００).
    if isinstance(value, str) and not (len(value) == 6 and value.isascii() and value.isdigit()):
        raise ValueError("股票代码必须是6位数字")
    if not isinstance(value, str):
        raise ValueError("股票代码必须是6位数字字符串")
    return value


StockCode = Annotated[str, BeforeValidator(_code), Field(description="股票代码（6位数字）")]
Price = Annotated[
    Decimal,
    BeforeValidator(decimal_from_json),
    Field(gt=0, le=100000, description="价格"),
    PlainSerializer(float, return_type=float, when_used="json"),
]
Percent = Annotated[
    Decimal,
    BeforeValidator(decimal_from_json),
    Field(gt=0, le=100),
    PlainSerializer(float, return_type=float, when_used="json"),
]
ReturnType = Literal["str", "json", "dict", "markdown"]
ExpireDays = Literal[1, 3, 5, 10, 20, 30]
CancelSide = Literal["all", "buy", "sell"]
ConditionSide = Literal["买入", "卖出"]
RepoMarket = Literal["上海", "深圳"]
RepoTerm = Literal["1天期", "2天期", "3天期", "4天期", "7天期", "14天期", "28天期", "91天期", "182天期"]
TimeRange = Literal["当日", "近一周", "近一月", "近三月", "近一年"]


def _takes_numbers(annotation: Any) -> bool:
    """An int/float/Decimal field, or a Literal of numbers, possibly inside Optional/Annotated."""
    if annotation in (int, float, Decimal):
        return True
    if get_origin(annotation) is Literal:
        return any(type(arg) in (int, float) for arg in get_args(annotation))
    return any(_takes_numbers(arg) for arg in get_args(annotation) if arg is not bool)


class Params(BaseModel):
    """Base of every params model: unknown keys are errors (a typo must not become a default)."""

    model_config = ConfigDict(extra="forbid", strict=False)

    account_name: str | None = Field(
        None, min_length=1, description="执行前切换到的账户名（可选，取值见 account_query）"
    )

    @field_validator("*", mode="before")
    @classmethod
    def _no_booleans_for_numbers(cls, value: Any, info: ValidationInfo) -> Any:
        """pydantic's lax mode reads JSON true as 1: `"expire_days": true` became a 1-day order."""
        if isinstance(value, bool) and info.field_name and _takes_numbers(cls.model_fields[info.field_name].annotation):
            raise ValueError("必须是数字，不能是 true/false")
        return value


class NoParams(Params):
    pass


class QueryParams(Params):
    return_type: ReturnType = Field("json", description="返回类型：str/json/dict/markdown，默认 json")


class FieldsQueryParams(Params):
    """A query whose result is one set of fields, not rows (funds, repo rates): `return_type` is
    accepted because scripts of the original service send it to every query, and changes nothing."""

    return_type: ReturnType = Field(
        "json", description="为与其他查询一致而接受（可选 str/json/dict/markdown）；本查询的结果是一组字段，不受它影响"
    )


__all__ = [
    "CancelSide",
    "ConditionSide",
    "ExpireDays",
    "FieldsQueryParams",
    "NoParams",
    "Params",
    "Percent",
    "Price",
    "QueryParams",
    "RepoMarket",
    "RepoTerm",
    "ReturnType",
    "StockCode",
    "TimeRange",
]
