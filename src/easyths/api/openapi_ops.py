"""What each operation's submit route declares: its request body and its answer, as models.

Why a body the route declares but never validates: one handler serves every operation (built-ins
and plugins) and accepts two body shapes, the reference's nested `{"params": {...}, "priority": n}`
and the 2.x flat `{...params, "priority": n}`; validation is the registry's, whose 422 names the
field. A typed FastAPI body would put a second validator in front with other messages. So the
body is `Any` to the validator (`PlainValidator` hands the value on untouched) and, for the
document, says it takes the operation's nested or flat model (`json_schema_input_type`), which
FastAPI turns into components (`BuyParams`, `BuyBody`, `BuyFlatBody`) like any other model.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, PlainValidator, create_model

from easyths.api.responses import Envelope, OperationResultView, SubmittedView, V2Envelope

EXAMPLES: dict[str, dict[str, Any]] = {
    "buy": {"stock_code": "600000", "price": 10.5, "quantity": 100},
    "sell": {"stock_code": "600000", "price": 10.6, "quantity": 100},
    "market_buy": {"stock_code": "000001", "quantity": 100, "execution_strategy": 3},
    "market_sell": {"stock_code": "000001", "quantity": 100, "execution_strategy": 3},
    "holding_query": {"return_type": "json"},
    "funds_query": {},
    "order_query": {"return_type": "json"},
    "order_cancel": {"contract_no": "100000001"},
    "historical_commission_query": {"time_range": "近一周", "return_type": "json"},
    "reverse_repo_buy": {"market": "上海", "time_range": "1天期", "amount": 10000},
    "reverse_repo_query": {},
    "condition_buy": {"stock_code": "600000", "target_price": 10.0, "quantity": 100, "expire_days": 30},
    "condition_sell": {"stock_code": "600000", "target_price": 11.0, "quantity": 100, "expire_days": 30},
    "stop_loss_profit": {"stock_code": "600000", "stop_loss_percent": 3, "stop_profit_percent": 5},
    "condition_order_query": {"return_type": "json"},
    "condition_order_cancel": {"stock_code": "600000"},
    "account_query": {},
    "account_switch": {"account_name": "模拟账户"},
    "ipo_query": {"return_type": "json"},
    "ipo_subscribe": {"stock_code": "732777"},
    "ipo_allotment_query": {"return_type": "json"},
}

_PRIORITY = "优先级 0-10，数字越大越先执行；同优先级先进先出"


def camel(name: str) -> str:
    return "".join(p.title() for p in name.split("_"))


def _unchanged(value: Any) -> Any:
    return value


def _bodies(name: str, params: type[BaseModel]) -> tuple[type[BaseModel], type[BaseModel]]:
    """The nested and the flat body of `name`, over a copy of its params model named after the
    operation (several operations share one params class; each gets its own component)."""
    own: type[BaseModel] = create_model(f"{camel(name)}Params", __base__=params, __doc__=params.__doc__)
    priority = (int, Field(0, ge=0, le=10, description=_PRIORITY))
    nested: type[BaseModel] = create_model(
        f"{camel(name)}Body",
        __config__=ConfigDict(extra="forbid", title="嵌套格式（1.x 参考文档）"),
        params=(own | None, Field(None, description="操作参数；null 等同于 {}")),
        priority=priority,
    )
    flat: type[BaseModel] = create_model(
        f"{camel(name)}FlatBody",
        __base__=own,
        __doc__="扁平格式：参数与 priority 同级（2.x 客户端）",
        priority=priority,
    )
    flat.model_config["title"] = "扁平格式（2.x 客户端）"
    flat.model_rebuild(force=True)
    return nested, flat


def request_body(name: str, params: type[BaseModel]) -> Any:
    """The submit body of `name` for the document; to the validator it is `Any`."""
    nested, flat = _bodies(name, params)
    return Annotated[Any, PlainValidator(_unchanged, json_schema_input_type=nested | flat | None)]


def examples(name: str) -> dict[str, Any]:
    example = EXAMPLES.get(name, {})
    nested, flat = {"params": example, "priority": 5}, {**example, "priority": 5}
    return {"嵌套格式": {"value": nested}, "扁平格式": {"value": flat}}


def submitted_answer(name: str, result: Any) -> Any:
    """`Envelope[…Submitted] | V2Envelope`, where a `?wait` answer's `result.data` is `result`
    (the operation's 1.x result: the 1.x envelope carries 1.x names whatever the contract)."""
    run: type[BaseModel] = create_model(
        f"{camel(name)}Run",
        __base__=OperationResultView,
        data=(result | None, Field(description="业务数据（查询结果已过期时为 null）")),
    )
    view: type[BaseModel] = create_model(
        f"{camel(name)}Submitted",
        __base__=SubmittedView,
        result=(run | None, Field(None, description="带 ?wait 且已结束时的结果")),
    )
    envelope = create_model(f"{camel(name)}SubmittedEnvelope", __base__=Envelope[view])
    return envelope | V2Envelope


__all__ = ["EXAMPLES", "camel", "examples", "request_body", "submitted_answer"]
