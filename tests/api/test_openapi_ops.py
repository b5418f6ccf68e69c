"""Every operation's params model is in /openapi.json, and both body shapes still work."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
from fastapi.testclient import TestClient
from pydantic import Field

from easyths.api.app import create_app
from easyths.api.openapi_ops import EXAMPLES
from easyths.operations.base import Operation, Params
from easyths.operations.registry import BUILTIN, Registry
from tests.conftest import make_settings


class EchoParams(Params):
    text: str = Field(description="要回显的文字")


class EchoOperation(Operation):
    name: ClassVar[str] = "echo"
    description: ClassVar[str] = "回显（测试插件）"
    Params = EchoParams

    def run(self, broker: Any, params: Any) -> dict[str, Any]:
        return {"text": params.text}


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    registry = Registry()
    registry.add(EchoOperation)
    with TestClient(create_app(make_settings(tmp_path), registry=registry), base_url="http://127.0.0.1") as c:
        yield c


def test_every_operation_has_a_path_with_its_params_model(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    components = schema["components"]["schemas"]
    for name in [*BUILTIN, "echo"]:
        post = schema["paths"][f"/api/v1/operations/{name}"]["post"]
        nested, flat, empty = post["requestBody"]["content"]["application/json"]["schema"]["anyOf"]
        assert empty["type"] == "null"  # a null body is no params, as the service has always taken it
        nested, flat = (components[body["$ref"].rsplit("/", 1)[1]] for body in (nested, flat))
        ref = nested["properties"]["params"]["anyOf"][0]["$ref"]
        model = components[ref.rsplit("/", 1)[1]]
        assert set(flat["properties"]) == set(model["properties"]) | {"priority"}
        assert post["operationId"] == f"submit_{name}"
    buy = components["BuyParams"]
    assert buy["required"] == ["stock_code", "quantity", "price"]
    assert "买入价格" in buy["properties"]["price"]["description"]
    assert components["EchoParams"]["properties"]["text"]["description"] == "要回显的文字"
    assert "/api/v1/operations/{operation_name}" in schema["paths"], "the generic route stays"


def test_the_examples_are_valid_params(client: TestClient) -> None:
    registry = Registry(plugins=False)
    for name in BUILTIN:
        registry.validate(name, EXAMPLES[name])


@pytest.mark.parametrize(
    "body",
    [
        {"params": {"text": "嵌套"}, "priority": 3},
        {"text": "扁平", "priority": 3},
    ],
)
def test_both_body_shapes_run_through_the_documented_path(client: TestClient, body: dict[str, Any]) -> None:
    r = client.post("/api/v1/operations/echo?wait=5", json=body)
    assert r.status_code == 200, r.text
    assert r.json()["data"]["result"]["data"]["text"] in ("嵌套", "扁平")


def test_validation_still_names_the_field(client: TestClient) -> None:
    r = client.post("/api/v1/operations/buy", json={"stock_code": "600000", "price": 10.5, "quantity": 150})
    assert r.status_code == 422 and r.json()["details"][0]["field"] == "quantity"


def test_swagger_lists_the_typed_paths(client: TestClient) -> None:
    paths = list(client.get("/openapi.json").json()["paths"])
    assert paths.index("/api/v1/operations/buy") < paths.index("/api/v1/operations/{operation_name}")


def test_every_reference_in_the_schema_resolves(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    components = schema["components"]["schemas"]

    def refs(node: Any) -> Iterator[str]:
        if isinstance(node, dict):
            if isinstance(node.get("$ref"), str):
                yield node["$ref"]
            for value in node.values():
                yield from refs(value)
        elif isinstance(node, list):
            for value in node:
                yield from refs(value)

    missing = {r for r in refs(schema) if r.rsplit("/", 1)[1] not in components}
    assert missing == set()
