"""The result models of each contract, for the routes to declare (`response_model`).

Why models built here: results are plain dicts chosen per operation at run time, so FastAPI
cannot infer them from a handler; the models come from the same tables that shape the data
(`v2.py`). The /result route is built per app and declares the answer of the configured
`[api].contract` (a per-request header override cannot change a document generated once); each
submit route declares its operation's 1.x result, which is what a `?wait` answer carries.
The only step after FastAPI's own is `install`: two top-level keys no route can declare.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel, ConfigDict, Field, RootModel, create_model

from easyths.api.contracts import Contract
from easyths.api.contracts.v2 import RESULT_MODELS, RESULTS, Kind, v1_result_schema
from easyths.api.openapi_ops import camel
from easyths.api.responses import V2Envelope

REF = "#/components/schemas/{model}"


def _schema_of(schema: dict[str, Any]) -> Callable[[dict[str, Any]], None]:
    def replace(generated: dict[str, Any]) -> None:
        generated.clear()
        generated.update(copy.deepcopy(schema))

    return replace


def _as_sent(op: str, schema: dict[str, Any]) -> dict[str, Any]:
    """`v1_result_schema` (what the listing shows, unchanged) widened to every answer a backend
    sends, as a response schema must: a column that can be null says so (cancel-all has no
    stock_code), and an amount the 1.x table gives as text may come as a number (the sim's 打新
    rows send 发行价格 as one)."""
    schema = copy.deepcopy(schema)
    spec = RESULTS[op]
    rows = schema["properties"][spec.rows_key]["items"] if spec.shape in ("rows", "accounts") else schema
    for column in spec.table:
        prop = rows["properties"].get(column.v1)
        if prop is None:
            continue
        types = [prop["type"]]
        if column.kind is Kind.NUM and prop["type"] == "string":
            types.append("number")
        if column.nullable:
            types.append("null")
        prop["type"] = types if len(types) > 1 else types[0]
    return schema


def _v1_models() -> dict[str, type[BaseModel]]:
    """The 1.x result of each operation: the same tables under our column names (`v1_result_schema`)."""
    models: dict[str, type[BaseModel]] = {}
    for op in RESULTS:
        schema = v1_result_schema(op)
        if schema is not None:
            schema = _as_sent(op, schema)
            config = ConfigDict(extra="allow", json_schema_extra=_schema_of(schema))
            models[op] = create_model(f"V1{camel(op)}Result", __config__=config)
    return models


def _v2_models() -> dict[str, type[BaseModel]]:
    """The 2.x `data` of each operation; a list of rows is a named component (`HoldingRowList`)."""
    models: dict[str, type[BaseModel]] = {}
    lists: dict[str, type[BaseModel]] = {}
    for op, model in RESULT_MODELS.items():
        if isinstance(model, type) and issubclass(model, BaseModel):
            models[op] = model
        else:
            name = f"{RESULTS[op].title}List"
            # a list of a row model built at run time: no static type can name it
            models[op] = lists.setdefault(name, create_model(name, __base__=RootModel[model]))  # type: ignore[valid-type]
    return models


V1_RESULTS = _v1_models()
V2_RESULTS = _v2_models()


def results(contract: Contract) -> dict[str, type[BaseModel]]:
    return V2_RESULTS if contract == "v2" else V1_RESULTS


def result_answer(contract: Contract) -> type[BaseModel]:
    """The /result route's 200 answer in `contract`: `data` is one of the operations' results."""
    data: Any = None
    for model in dict.fromkeys(results(contract).values()):
        data = model if data is None else data | model
    described = Field(description="业务数据：按操作见 x-result-schemas；未成功时为 null")
    if contract == "v2":
        return create_model("V2ResultEnvelope", __base__=V2Envelope, data=(data | None, described))
    return create_model(
        "V1ResultEnvelope",
        __config__=ConfigDict(extra="allow"),
        success=(bool | None, Field(description="操作是否成功")),
        data=(data | None, described),
        message=(str | None, Field(description="说明（中文）")),
        timestamp=(str, Field(description="结束时间，ISO 8601（北京时间）")),
        operation_id=(str, ...),
        status=(str, Field(description="queued/running/success/failed/cancelled/unknown")),
        error_code=(str | None, Field(description="未成功时为 OPERATION_<状态>")),
    )


def result_ref(contract: Contract, operation: str) -> dict[str, str] | None:
    model = results(contract).get(operation)
    return None if model is None else {"$ref": REF.format(model=model.__name__)}


def install(app: FastAPI, contract: Contract) -> None:
    """Add the document's contract and its per-operation result components (top-level keys)."""
    original: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = original()
        schema["x-easyths-contract"] = contract
        schema["x-result-schemas"] = {op: result_ref(contract, op) for op in results(contract)}
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented way to extend the schema


__all__ = ["install", "result_answer", "result_ref", "results"]
