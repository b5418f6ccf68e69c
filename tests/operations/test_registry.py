"""The registry holds every operation: the 13 of the reference, the newer ones, and the plugins
installed under the `easyths.operations` entry-point group; a broken plugin never stops it."""

from __future__ import annotations

import importlib
import logging
import pkgutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import easyths.operations
from easyths.errors import InvalidParams, NotFound
from easyths.operations.base import Operation
from easyths.operations.registry import BUILTIN, Registry

# The API reference (1.x), in its order: scripts written against it must find every one.
REFERENCE = (
    "buy",
    "sell",
    "holding_query",
    "funds_query",
    "order_query",
    "order_cancel",
    "historical_commission_query",
    "reverse_repo_buy",
    "reverse_repo_query",
    "condition_buy",
    "stop_loss_profit",
    "condition_order_query",
    "condition_order_cancel",
)
NEWER = (
    "market_buy",
    "market_sell",
    "condition_sell",
    "account_query",
    "account_switch",
    "ipo_query",
    "ipo_subscribe",
    "ipo_allotment_query",
)
NOT_OPERATIONS = {"base", "registry"}  # the package's shared modules


def test_the_registry_holds_the_13_operations_of_the_reference_and_the_newer_ones(registry: Registry) -> None:
    assert len(REFERENCE) == 13
    assert sorted(registry.names()) == sorted(REFERENCE + NEWER)
    assert len(registry) == 21


def test_every_module_of_the_package_is_a_registered_operation_of_its_own_name() -> None:
    """A new module forgotten in BUILTIN would be an operation no one can call."""
    modules = {m.name for m in pkgutil.iter_modules(easyths.operations.__path__)} - NOT_OPERATIONS
    assert modules == set(BUILTIN)
    for name in BUILTIN:
        cls = Registry(plugins=False).get(name)
        assert cls.__module__ == f"easyths.operations.{name}" and cls.name == name


def test_an_operation_that_changes_the_account_is_never_read_only(registry: Registry) -> None:
    """The engine re-runs a read-only operation after a crash: an order among them would be placed twice."""
    for name in registry.names():
        cls = registry.get(name)
        assert not (cls.places_order and cls.read_only), name
    placing = {n for n in registry.names() if registry.get(n).places_order}
    assert placing == {
        "buy",
        "sell",
        "market_buy",
        "market_sell",
        "condition_buy",
        "condition_sell",
        "stop_loss_profit",
        "order_cancel",
        "condition_order_cancel",
        "reverse_repo_buy",
        "ipo_subscribe",
    }
    queries = {n for n in registry.names() if n.endswith("_query")}
    assert all(registry.get(n).read_only for n in queries)


def test_every_parameter_is_described_in_chinese(registry: Registry) -> None:
    """The listing is what a user reads to call an operation: a field without a description is a guess."""
    for name, entry in registry.describe().items():
        assert any("\u4e00" <= ch <= "\u9fff" for ch in entry["description"]), name
        for field, spec in entry["parameters"].items():
            assert any("\u4e00" <= ch <= "\u9fff" for ch in spec["description"]), (name, field)


def test_the_listing_over_http_derives_parameters_from_the_models(app: TestClient) -> None:
    body = app.get("/api/v1/operations/").json()
    ops = body["data"]["operations"]
    assert body["data"]["count"] == len(ops) == 21
    assert set(ops) == set(REFERENCE + NEWER)
    buy = ops["buy"]
    assert buy["name"] == "BuyOperation" and buy["version"] == "1.0.0"
    assert buy["parameters"]["stock_code"] == {"type": "string", "required": True, "description": "股票代码（6位数字）"}
    assert buy["parameters"]["price"]["type"] == "number"
    assert ops["condition_buy"]["parameters"]["expire_days"]["enum"] == [1, 3, 5, 10, 20, 30]
    assert ops["condition_buy"]["parameters"]["expire_days"]["default"] == 30
    assert ops["order_cancel"]["parameters"]["cancel_type"]["default"] == "all"
    assert ops["reverse_repo_buy"]["parameters"]["amount"] == {
        "type": "integer",
        "required": True,
        "description": "出借金额（元，必须是1000的倍数）",
    }
    assert ops["account_switch"]["parameters"]["account_name"]["required"] is True
    assert ops["buy"]["parameters"]["account_name"]["required"] is False


def test_an_unknown_operation_is_not_found_in_chinese(registry: Registry) -> None:
    with pytest.raises(NotFound, match="操作 'fly' 不存在"):
        registry.get("fly")
    with pytest.raises(NotFound):
        registry.validate("fly", {})
    assert "fly" not in registry


def test_validate_names_every_offending_field_in_one_chinese_message(registry: Registry) -> None:
    with pytest.raises(InvalidParams) as caught:
        registry.validate("buy", {"stock_code": "60000", "quantity": 100, "colour": "red"})
    fields = [d["field"] for d in caught.value.details]
    assert sorted(fields) == ["colour", "price", "stock_code"]
    assert caught.value.message.startswith("参数无效: ")
    assert "stock_code: 股票代码必须是6位数字" in caught.value.message
    assert "price: 必填" in caught.value.message and "colour: 不支持的参数" in caught.value.message


PLUGINS = """
from typing import ClassVar
from easyths.operations.base import Operation

class Hello(Operation):
    name: ClassVar[str] = "hello"
    description: ClassVar[str] = "问候"
    read_only: ClassVar[bool] = True

    def run(self, broker, params):
        return {"message": "你好"}

NotAnOperation = object()
"""


@pytest.fixture
def installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A distribution on sys.path as `pip install` leaves one, with a good, a broken and a wrong entry point."""
    site = tmp_path / "site"
    info = site / "hello_plugin-1.0.dist-info"
    info.mkdir(parents=True)
    (site / "hello_plugin.py").write_text(PLUGINS, encoding="utf-8")
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: hello-plugin\nVersion: 1.0\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(
        "[easyths.operations]\n"
        "hello = hello_plugin:Hello\n"
        "broken = hello_plugin_missing:Nothing\n"
        "wrong = hello_plugin:NotAnOperation\n",
        encoding="utf-8",
    )
    monkeypatch.syspath_prepend(str(site))
    importlib.invalidate_caches()


def test_an_installed_plugin_joins_and_a_broken_one_is_logged_and_skipped(
    installed: None, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="easyths.operations.registry"):
        registry = Registry()
    assert "hello" in registry and issubclass(registry.get("hello"), Operation)
    assert "broken" not in registry and "wrong" not in registry
    assert len(registry) == 22  # the 21 built-ins stay whatever a plugin does
    messages = [r.getMessage() for r in caplog.records]
    assert "加载操作插件 broken 失败" in messages
    assert "操作插件 wrong 不是 Operation 子类，已忽略" in messages
    assert "已加载第三方操作插件 hello" in messages


def test_plugins_stay_out_when_not_asked_for(installed: None) -> None:
    assert "hello" not in Registry(plugins=False)
