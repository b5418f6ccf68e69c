"""The operation registry: built-ins plus third-party plugins from the `easyths.operations`
entry-point group.

Why a registry object instead of a module-level dict: an app instance owns its registry, so
tests can add an operation to one app without leaking it into another.
"""

from __future__ import annotations

import logging
from importlib import import_module
from importlib.metadata import entry_points
from typing import Any

from pydantic import ValidationError

from easyths.errors import InvalidParams, NotFound
from easyths.operations.base import Operation, Params
from easyths.validation_text import chinese_message

log = logging.getLogger(__name__)

BUILTIN = (
    "buy",
    "sell",
    "market_buy",
    "market_sell",
    "holding_query",
    "funds_query",
    "order_query",
    "order_cancel",
    "historical_commission_query",
    "reverse_repo_buy",
    "reverse_repo_query",
    "condition_buy",
    "condition_sell",
    "stop_loss_profit",
    "condition_order_query",
    "condition_order_cancel",
    "account_query",
    "account_switch",
    "ipo_query",
    "ipo_subscribe",
    "ipo_allotment_query",
)


def _builtin_class(module_name: str) -> type[Operation]:
    module = import_module(f"easyths.operations.{module_name}")
    for value in vars(module).values():
        if isinstance(value, type) and issubclass(value, Operation) and getattr(value, "name", None) == module_name:
            return value
    raise LookupError(f"no Operation named {module_name} in its module")


class Registry:
    def __init__(self, operations: list[type[Operation]] | None = None, *, plugins: bool = True) -> None:
        self._ops: dict[str, type[Operation]] = {}
        for cls in operations if operations is not None else [_builtin_class(n) for n in BUILTIN]:
            self.add(cls)
        if plugins:
            self._load_entry_points()

    def add(self, cls: type[Operation]) -> None:
        self._ops[cls.name] = cls

    def _load_entry_points(self) -> None:
        for ep in entry_points(group="easyths.operations"):
            try:
                cls = ep.load()
            except Exception:  # a broken plugin must not stop the service
                log.exception("加载操作插件 %s 失败", ep.name)
                continue
            if isinstance(cls, type) and issubclass(cls, Operation):
                self.add(cls)
                log.info("已加载第三方操作插件 %s", cls.name)
            else:
                log.error("操作插件 %s 不是 Operation 子类，已忽略", ep.name)

    def names(self) -> list[str]:
        return list(self._ops)

    def get(self, name: str) -> type[Operation]:
        try:
            return self._ops[name]
        except KeyError:
            raise NotFound(f"操作 '{name}' 不存在") from None

    def __contains__(self, name: object) -> bool:
        return name in self._ops

    def __len__(self) -> int:
        return len(self._ops)

    def validate(self, name: str, params: dict[str, Any]) -> Params:
        """Params model instance, or `InvalidParams` naming each offending field."""
        cls = self.get(name)
        try:
            return cls.Params.model_validate(params)
        except ValidationError as exc:
            raise InvalidParams(_describe(exc), details=_details(exc)) from exc

    def describe(self) -> dict[str, Any]:
        return {name: cls.describe() for name, cls in self._ops.items()}


def _details(exc: ValidationError) -> list[dict[str, Any]]:
    return [
        {"field": ".".join(str(p) for p in err["loc"]) or "params", "message": _msg(err)}
        for err in exc.errors(include_url=False)
    ]


def _msg(err: Any) -> str:
    return chinese_message(err)


def describe_invalid(exc: ValidationError) -> str:
    """The one Chinese wording of invalid parameters, for HTTP's 422 and MCP's tool errors alike."""
    return _describe(exc)


def _describe(exc: ValidationError) -> str:
    parts = [f"{d['field']}: {d['message']}" for d in _details(exc)]
    return "参数无效: " + "; ".join(parts)


__all__ = ["BUILTIN", "Registry", "describe_invalid"]
