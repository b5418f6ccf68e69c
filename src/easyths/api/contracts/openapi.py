"""OpenAPI that shows the result schema of the configured contract.

Why a post-processing step: results are plain dicts chosen per operation at run time, so FastAPI
cannot infer them from the route. The schemas come from the same tables that shape the data
(`v2.py`), added as components, referenced per operation under `x-result-schemas` and as the
`data` of the /result route's 200 response. A per-request header override cannot change a
document generated once; the document describes `[api].contract`. The 2.x envelope itself is a
model the routes declare (`api/responses.py`: `V2Envelope`), referenced here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from pydantic import TypeAdapter

from easyths.api.contracts import Contract
from easyths.api.contracts.v2 import RESULT_MODELS, RESULTS, v1_result_schema

REF = "#/components/schemas/{model}"
RESULT_PATH = "/api/v1/operations/{operation_id}/result"


def _v2_components() -> tuple[dict[str, Any], dict[str, Any]]:
    components: dict[str, Any] = {}
    per_op: dict[str, Any] = {}
    for op, model in RESULT_MODELS.items():
        schema = TypeAdapter(model).json_schema(ref_template=REF)
        components.update(schema.pop("$defs", {}))
        title = RESULTS[op].title
        if schema.get("type") == "array" or op == "account_query":
            name = "AccountsResult" if op == "account_query" else f"{title}List"
            components[name] = schema
            per_op[op] = {"$ref": REF.format(model=name)}
        else:
            components[title] = schema
            per_op[op] = {"$ref": REF.format(model=title)}
    return components, per_op


def _v1_components() -> tuple[dict[str, Any], dict[str, Any]]:
    components: dict[str, Any] = {}
    per_op: dict[str, Any] = {}
    for op in RESULTS:
        schema = v1_result_schema(op)
        if schema is None:
            continue
        name = f"V1{''.join(p.title() for p in op.split('_'))}Result"
        components[name] = schema
        per_op[op] = {"$ref": REF.format(model=name)}
    return components, per_op


def install(app: FastAPI, contract: Contract) -> None:
    """Replace `app.openapi` with one that adds the contract's result schemas."""
    original: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = original()
        components, per_op = _v2_components() if contract == "v2" else _v1_components()
        schema.setdefault("components", {}).setdefault("schemas", {}).update(components)
        schema["x-easyths-contract"] = contract
        schema["x-result-schemas"] = per_op
        for op, ref in per_op.items():  # the per-operation submit paths, when documented
            post = schema.get("paths", {}).get(f"/api/v1/operations/{op}", {}).get("post")
            if post is not None:
                post["x-result-schema"] = ref
                name = ref["$ref"].rsplit("/", 1)[1]
                post["description"] = (post.get("description") or "") + (
                    f"\n\n结果（/result 的 data，{contract} 契约）的结构见组件 `{name}`。"
                )
        route = schema.get("paths", {}).get(RESULT_PATH, {}).get("get")
        if route is not None:
            data = {"oneOf": list(per_op.values())}
            body = (
                {"allOf": [{"$ref": REF.format(model="V2Envelope")}, {"properties": {"data": data}}]}
                if contract == "v2"
                else {"type": "object", "properties": {"success": {"type": "boolean"}, "data": data}}
            )
            route.setdefault("responses", {})["200"] = {
                "description": f"操作结果（{contract} 契约），data 的结构按操作见 x-result-schemas",
                "content": {"application/json": {"schema": body}},
            }
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented way to extend the schema


__all__ = ["install"]
