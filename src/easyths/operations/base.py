"""What an operation plugin is: a params model and `run(broker, params)`.

Why classes with class attributes: the registry lists operations (name, version, description,
parameters) without instantiating or running anything, and `parameters` is derived from the
pydantic model so the listing can never drift from the validation.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, ClassVar, Literal, get_args, get_origin
from zoneinfo import ZoneInfo

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, ValidationInfo, field_validator

from easyths.brokers.base import Ack, Broker, Row
from easyths.domain.codes import classify
from easyths.domain.commands import OrderCommand
from easyths.domain.money import decimal_from_json

SHANGHAI = ZoneInfo("Asia/Shanghai")


def now_iso() -> str:
    """Timestamps users see are ISO 8601 in Asia/Shanghai (the market's clock)."""
    return datetime.now(SHANGHAI).isoformat()


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


def instrument_error(code: str) -> str | None:
    try:
        classify(code)
    except ValueError as exc:
        return str(exc)
    return None


class Operation:
    """Base of operation plugins.

    An operation that places, cancels or arms something describes it as a command (`command`):
    the engine journals it, risk and the kill switch judge it (a plugin's order included, with no
    name table), `Broker.submit` carries it out and `acked` turns the broker's `Ack` into the
    result data (also after the fact, when reconciliation finds it on the book).
    `places_order` marks operations that change the account; the engine never re-runs them after
    a restart and turns an unobserved outcome into `unknown` instead of failing it.
    `settles_on_book` marks operations whose effect can be found afterwards where their command's
    kind says, so an outcome cut off by a restart can be settled by the backend that stored the
    operation's id with it. `verify_with` tells the user what to check by hand when it cannot be
    (the THS client stores nothing of ours).
    `read_only` marks operations that only read (queries): the engine does not journal their
    `running` state, since a query interrupted by a crash is simply run again after the restart.
    """

    name: ClassVar[str]
    version: ClassVar[str] = "1.0.0"
    description: ClassVar[str]
    Params: ClassVar[type[Params]] = NoParams
    places_order: ClassVar[bool] = False
    read_only: ClassVar[bool] = False
    settles_on_book: ClassVar[bool] = False
    verify_with: ClassVar[str] = "请用 order_query 核对当日委托"

    def prepare(self, broker: Broker, params: Any) -> None:
        """Runs in the worker's slot right before `run`: by default, switch to `account_name`.

        The operation owns this (not the engine), so an operation that is itself about accounts
        (account_switch) can do otherwise.
        """
        account = getattr(params, "account_name", None)
        if account and broker.current_account() != account:
            broker.switch_account(account)

    def command(self, params: Any, operation_id: str) -> OrderCommand | None:
        """The order, cancel or condition this operation asks for; None for one that only reads."""
        return None

    def run(self, broker: Broker, params: Any) -> dict[str, Any]:
        """A read overrides this. One with a command need not: the engine submits the command it
        journalled; this runs it outside the engine (no operation id then)."""
        command = self.command(params, "")
        if command is None:
            raise NotImplementedError
        return self.acked(params, broker.submit(command))

    def acked(self, params: Any, ack: Ack) -> dict[str, Any]:
        """Result data for a command the broker confirmed, also after the fact (reconciliation)."""
        return {"合同编号": ack.contract_no, "message": ack.message}

    @classmethod
    def describe(cls) -> dict[str, Any]:
        """The reference's listing entry: {name, version, description, parameters}."""
        schema = cls.Params.model_json_schema()
        required = set(schema.get("required", []))
        parameters: dict[str, Any] = {}
        for field_name, info in cls.Params.model_fields.items():
            prop = schema.get("properties", {}).get(field_name, {})
            entry: dict[str, Any] = {
                "type": _json_type(prop),
                "required": field_name in required,
                "description": info.description or "",
            }
            enum = _enum(prop)
            if enum:
                entry["enum"] = enum
            if field_name not in required and info.default is not None:
                entry["default"] = info.default if not isinstance(info.default, Decimal) else float(info.default)
            parameters[field_name] = entry
        return {
            "name": f"{''.join(p.title() for p in cls.name.split('_'))}Operation",
            "version": cls.version,
            "description": cls.description,
            "parameters": parameters,
        }


def _json_type(prop: dict[str, Any]) -> str:
    if "type" in prop:
        return str(prop["type"])  # pydantic writes one JSON type name here, never a list
    for option in prop.get("anyOf", []):
        if option.get("type") not in (None, "null"):
            return str(option["type"])
        if "enum" in option:
            return "string" if isinstance(option["enum"][0], str) else "integer"
    if "enum" in prop:
        return "string" if isinstance(prop["enum"][0], str) else "integer"
    return "string"


def _enum(prop: dict[str, Any]) -> list[Any] | None:
    if "enum" in prop:
        return list(prop["enum"])
    for option in prop.get("anyOf", []):
        if "enum" in option:
            return list(option["enum"])
    return None


def shape_rows(rows: list[Row], return_type: str) -> Any:
    """Apply the reference's `return_type`: json/dict → list of rows, str → text table, markdown."""
    if return_type in ("json", "dict"):
        return rows
    if not rows:
        return "空数据"
    headers = list(rows[0].keys())
    cells = [[_cell(row.get(h)) for h in headers] for row in rows]
    if return_type == "markdown":
        lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
        lines += ["| " + " | ".join(r) + " |" for r in cells]
        return "\n".join(lines)
    widths = [max(_width(h), *(_width(r[i]) for r in cells)) for i, h in enumerate(headers)]
    out = ["  ".join(_pad(h, w) for h, w in zip(headers, widths, strict=True))]
    out += ["  ".join(_pad(c, w) for c, w in zip(r, widths, strict=True)) for r in cells]
    return "\n".join(out)


def _cell(value: Any) -> str:
    return "" if value is None else str(value)


def _width(text: str) -> int:
    """Display width: CJK characters take two columns in a terminal."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


__all__ = [
    "ExpireDays",
    "FieldsQueryParams",
    "NoParams",
    "Operation",
    "Params",
    "Percent",
    "Price",
    "QueryParams",
    "ReturnType",
    "StockCode",
    "now_iso",
    "shape_rows",
]
