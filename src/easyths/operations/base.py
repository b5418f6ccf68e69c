"""What an operation plugin is: a params model and `run(broker, params)`.

The params models and their field types live in `easyths.params` (the SDK and MCP share them);
they are re-exported here, where plugins have always imported them from.

Why classes with class attributes: the registry lists operations (name, version, description,
parameters) without instantiating or running anything, and `parameters` is derived from the
pydantic model so the listing can never drift from the validation.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from easyths.brokers.base import Ack, Broker, Row
from easyths.domain.commands import OrderCommand
from easyths.params.fields import (
    ExpireDays,
    FieldsQueryParams,
    NoParams,
    Params,
    Percent,
    Price,
    QueryParams,
    ReturnType,
    StockCode,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")


def now_iso() -> str:
    """Timestamps users see are ISO 8601 in Asia/Shanghai (the market's clock)."""
    return datetime.now(SHANGHAI).isoformat()


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
