"""OpenAPI that shows every operation's parameters: one documented path per operation.

Why documentation paths over one real handler: the submit route is one handler for every
operation (built-ins and plugins) and accepts two body shapes, the reference's nested
`{"params": {...}, "priority": n}` and the 2.x flat `{...params, "priority": n}`; validation is the
registry's, whose 422 names the field. Declaring per-operation FastAPI routes would put a second
validator in front with different messages. So the schema is post-processed instead:
`POST /api/v1/operations/buy` etc. appear with an `anyOf` of both shapes (and null) built from the operation's
own params model (components `BuyParams` …) and an example; a request to that path is served by
the one handler, exactly as before.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI

from easyths.api.envelope import COMMON_ERROR_RESPONSES
from easyths.operations.registry import Registry

REF = "#/components/schemas/{model}"
SUBMIT_PATH = "/api/v1/operations/{operation_name}"
TAG = "操作（按名称，含参数模型）"

PRIORITY = {
    "type": "integer",
    "minimum": 0,
    "maximum": 10,
    "default": 0,
    "description": "优先级 0-10，数字越大越先执行；同优先级先进先出",
}

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


def _camel(name: str) -> str:
    return "".join(p.title() for p in name.split("_"))


def _operation_entry(name: str, cls: Any, params_ref: str, flat: dict[str, Any]) -> dict[str, Any]:
    example = EXAMPLES.get(name, {})
    nested = {
        "type": "object",
        "title": "嵌套格式（1.x 参考文档）",
        "properties": {
            # the service has always taken `"params": null` as no params; the document says so too
            "params": {"anyOf": [{"$ref": params_ref}, {"type": "null"}], "description": "操作参数；null 等同于 {}"},
            "priority": PRIORITY,
        },
        "additionalProperties": False,
    }
    return {
        "tags": [TAG],
        "summary": f"{name}：{cls.description}",
        "description": (
            f'提交操作 `{name}`（{cls.description}）。请求体两种格式均可：嵌套 `{{"params": {{...}}, '
            '"priority": n}`，或扁平 `{...参数, "priority": n}`。加 `?wait=秒数` 可在结束时一并返回结果；'
            "`Idempotency-Key` 请求头（或下单参数 `client_order_id`）使重复提交返回原操作。"
            + ("\n\n**会改变账户（下单/撤单），不会自动重试。**" if getattr(cls, "places_order", False) else "")
        ),
        "operationId": f"submit_{name}",
        "parameters": [
            {
                "name": "wait",
                "in": "query",
                "required": False,
                "schema": {"type": "number", "minimum": 0, "maximum": 300},
                "description": "可选：最多等待这么多秒，结束时在 data.result 中一并返回结果",
            },
            {
                "name": "Idempotency-Key",
                "in": "header",
                "required": False,
                "schema": {"type": "string", "maxLength": 128},
                "description": "幂等键：相同键的重复提交返回原操作；内容不同则 422",
            },
        ],
        "requestBody": {
            "required": False,
            "content": {
                "application/json": {
                    "schema": {"anyOf": [nested, flat, {"type": "null", "description": "null 等同于空请求体"}]},
                    "examples": {
                        "嵌套格式": {"value": {"params": example, "priority": 5}},
                        "扁平格式": {"value": {**example, "priority": 5}},
                    },
                }
            },
        },
        "responses": {
            **{str(code): dict(entry) for code, entry in COMMON_ERROR_RESPONSES.items()},
            "200": {"description": "已加入队列（或 ?wait 时已结束并带 data.result）"},
            "404": {"description": "操作不存在"},
            "422": {"description": "参数无效，details 中 field 指明字段"},
            "503": {"description": "队列已满、日志库不可写、服务正在停止或交易已暂停（TRADING_PAUSED）"},
            "403": {"description": "风控拒绝（RISK_LIMIT，details.rule 指明规则）或地址不被允许"},
        },
    }


def typed_paths(registry: Registry) -> tuple[dict[str, Any], dict[str, Any]]:
    """(components, paths) for every operation of the registry."""
    components: dict[str, Any] = {}
    paths: dict[str, Any] = {}
    for name in registry.names():
        cls = registry.get(name)
        schema = cls.Params.model_json_schema(ref_template=REF)
        components.update(schema.pop("$defs", {}))
        component = f"{_camel(name)}Params"
        schema["title"] = component
        components[component] = schema
        flat = copy.deepcopy(schema)
        flat["title"] = "扁平格式（2.x 客户端）"
        flat.setdefault("properties", {})["priority"] = PRIORITY
        paths[SUBMIT_PATH.replace("{operation_name}", name)] = {
            "post": _operation_entry(name, cls, REF.format(model=component), flat)
        }
    return components, paths


def install(app: FastAPI, registry: Registry) -> None:
    """Wrap `app.openapi` (after any other wrapper) to add the per-operation paths."""
    original: Callable[[], dict[str, Any]] = app.openapi
    done: dict[str, dict[str, Any]] = {}

    def openapi() -> dict[str, Any]:
        if "schema" in done:
            return done["schema"]
        schema = original()
        components, paths = typed_paths(registry)
        schema.setdefault("components", {}).setdefault("schemas", {}).update(components)
        generic = schema.get("paths", {}).pop(SUBMIT_PATH, None)
        schema["paths"] = {**schema.get("paths", {}), **paths}
        if generic is not None:  # keep the generic route, listed after the typed ones
            answer = generic.get("post", {}).get("responses", {}).get("200", {}).get("content")
            for entry in paths.values():  # the answer the route declares (response_model), on each typed path
                if answer is not None:
                    entry["post"]["responses"]["200"]["content"] = answer
            generic.get("post", {})["description"] = (
                "通用提交入口（任意操作名，含第三方插件）。每个操作的参数模型见上方按名称列出的接口。"
            )
            # The names it serves: any other segment on this shape is an operation id (DELETE), and
            # `Allow` says so; the document says the same, so the two templates no longer overlap.
            for param in generic.get("post", {}).get("parameters", []):
                if param.get("in") == "path" and param.get("name") == "operation_name":
                    param["schema"] = {**param.get("schema", {}), "enum": registry.names()}
                    param["description"] = "已加载的操作名称（内置与插件）"
            schema["paths"][SUBMIT_PATH] = generic
        done["schema"] = schema
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented way to extend the schema


__all__ = ["EXAMPLES", "install", "typed_paths"]
