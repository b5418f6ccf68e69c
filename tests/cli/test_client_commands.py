"""The client subcommands against a real service on loopback: their tables and their --json."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from rich.cells import cell_len
from typer.testing import CliRunner

from easyths.cli.main import app

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def test_buy_prints_the_contract_number_and_json_carries_it(cli: Any) -> None:
    table = cli("buy", "600000", "10.50", "100").output
    assert "买入委托已提交" in table and "100000001" in table
    order = json.loads(cli("buy", "600000", "10.00", "100", "--json", "--client-order-id", "c-9").output)
    assert order["合同编号"] == "100000002" and order["client_order_id"] == "c-9" and order["side"] == "buy"
    again = json.loads(cli("buy", "600000", "10.00", "100", "--json", "--client-order-id", "c-9").output)
    assert again["合同编号"] == "100000002"


def test_funds_holdings_and_orders_as_tables_and_json(cli: Any) -> None:
    cli("buy", "600000", "10.50", "100")
    funds = cli("funds").output
    assert "可用金额" in funds and "总资产" in funds
    assert json.loads(cli("funds", "--json").output)["总资产"] > 0
    holdings = cli("holdings").output
    assert "浦发银行" in holdings and "股票余额" in holdings
    [row] = json.loads(cli("holdings", "--json").output)
    assert row["证券代码"] == "600000" and row["股票余额"] == 100
    orders = cli("orders").output
    assert "合同编号" in orders and "100000001" in orders and "已成" in orders
    assert json.loads(cli("orders", "--code", "600000", "--json").output)[0]["备注"] == "已成"


def test_holdings_and_orders_fit_an_80_column_terminal_without_hiding_values(
    cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At 80 columns the tables used to cut values to '10…', '6000…'; now they fold instead."""
    cli("buy", "600000", "10.50", "1000")
    monkeypatch.setenv("COLUMNS", "80")
    expected = {"holdings": ("600000", "浦发银行", "10,500.00"), "orders": ("600000", "已成")}
    for command, values in expected.items():
        out = cli(command).output
        assert "…" not in out, out
        assert all(v in out for v in values), out


def test_every_client_command_fits_80_columns_and_never_splits_a_contract_number(
    cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """rich used to squeeze columns: 合同编号 100000001 printed as "100000" over "001", headers as
    "合同编" over "号", amounts as 0.0 beside 6300.00."""
    cli.client.sim.set_quote("000001", 11.2, 11.2, name="平安银行")
    numbers = [json.loads(cli("buy", code, price, qty, "--json").output)["合同编号"]
               for code, price, qty in (("600000", "10.50", "600"), ("000001", "11.00", "200"))]  # fmt: skip
    monkeypatch.setenv("COLUMNS", "80")
    outputs = {
        "buy": cli("buy", "600000", "10.00", "100").output,
        "funds": cli("funds").output,
        "holdings": cli("holdings").output,
        "orders": cli("orders").output,
        "cancel": cli("cancel", "--contract-no", numbers[1]).output,
        "ops": cli("ops").output,
        "ipo": cli("ipo").output,
    }
    for command, out in outputs.items():
        for line in out.splitlines():
            assert cell_len(line.rstrip()) <= 80, (command, line)
        assert "合同编\n" not in out and "…" not in out, (command, out)
    for number in numbers:
        assert number in outputs["orders"], outputs["orders"]
    assert numbers[1] in outputs["cancel"]
    assert "1,000,000.00" not in outputs["funds"] and re.search(r"\d,\d{3}\.\d{2}\b", outputs["funds"])
    assert not re.search(r"\b\d+\.\d\b", outputs["funds"] + outputs["holdings"]), "one-decimal amount"
    assert "6,300.00" in outputs["holdings"]  # 600 × 10.50, money at two decimals


def test_cancel_one_or_all_and_refuse_neither(cli: Any) -> None:
    cli("buy", "600000", "10.00", "100")
    cli("buy", "600000", "10.01", "100")
    assert "100000001" in cli("cancel", "--contract-no", "100000001").output
    result = json.loads(cli("cancel", "--all", "--json").output)
    assert result["cancelled"] == ["100000002"]
    assert "没有可撤销的委托" in cli("cancel", "--all").output
    cli("cancel", code=2)
    cli("cancel", "--all", "--contract-no", "1", code=2)


def test_cancelling_a_filled_order_is_a_failure_that_says_it_was_filled(cli: Any) -> None:
    """It answered success ("没有可撤销的委托", exit 0) for an order that had already filled."""
    filled = json.loads(cli("buy", "600000", "10.50", "100", "--json").output)["合同编号"]
    body = json.loads(cli("cancel", "--contract-no", filled, "--json", code=1).stdout)
    assert body["error_code"] == "ORDER_NOT_CANCELLABLE" and "已成" in body["message"]
    result = cli("cancel", "--contract-no", "999999999", code=1)
    assert "当日无此委托" in result.output
    [op] = [o for o in cli.client.recent_operations(None, 5) if o.name == "order_cancel"][:1]
    assert op.status == "failed", op.result
    assert {"合同编号": "999999999", "状态": "当日无此委托"}.items() <= op.result["data"].items()
    assert "没有可撤销的委托" in cli("cancel", "--all").output  # by "all" with nothing open: still exit 0


def test_ops_shows_queue_and_recent_operations(cli: Any) -> None:
    cli("buy", "600000", "10.50", "100")
    cli("sell", "600000", "10.50", "100", code=1)
    table = cli("ops").output
    assert "队列" in table and "buy" in table and "sell" in table and "可用余额不足" in table
    data = json.loads(cli("ops", "--json", "--limit", "1").output)
    assert data["stats"]["failed_count"] == 1 and [o["name"] for o in data["operations"]] == ["sell"]


def test_errors_exit_1_with_the_envelope_in_json(cli: Any) -> None:
    result = cli("buy", "600000", "10.50", "10", "--json", code=1)
    body = json.loads(result.stdout)
    assert body["error_code"] == "INVALID_PARAMS" and body["details"][0]["field"] == "quantity"
    failed = json.loads(cli("sell", "600000", "10.50", "100", "--json", code=1).stdout)
    assert failed["error_code"] == "BROKER_REJECTED" and failed["operation_id"]


def test_an_unreachable_service_is_a_clear_error() -> None:
    result = CliRunner().invoke(app, ["funds", "--url", "http://127.0.0.1:9", "--json"])
    assert result.exit_code == 1
    assert json.loads(result.stdout)["error_code"] == "SERVICE_UNREACHABLE"


@pytest.mark.parametrize("price", ["abc", "NaN", "0", "1e999x"])
def test_a_price_that_is_not_a_positive_number_is_a_usage_error_and_sends_nothing(cli: Any, price: str) -> None:
    """It used to end in a Decimal traceback (exit 1) or a JSON encoding error for NaN."""
    result = cli("buy", "600000", price, "100", code=2)
    assert "委托价格必须是大于 0 的数字" in result.output and "Traceback" not in result.output
    assert cli.client.queue_stats()["total_count"] == 0


def test_every_command_help_renders_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rich markup ate "[mcp]" from the mcp command's help ("需 .enabled = true"): what a command
    says about itself must reach the terminal unchanged."""
    import typer.main

    monkeypatch.setenv("COLUMNS", "400")
    group = typer.main.get_command(app)
    for name, cmd in group.commands.items():  # type: ignore[attr-defined]
        text = " ".join((cmd.help or "").split())
        out = " ".join(CliRunner().invoke(app, [name, "--help"]).output.replace("│", " ").split())
        assert text[:60] in out, (name, text, out[:400])


def test_a_partly_filled_order_cancelled_by_contract_says_how_much_traded(cli: Any) -> None:
    """部撤 is a success that says what was filled and what was withdrawn."""
    cli.client.sim.set_quote("000001", 12.0, 12.0, name="平安银行", volume=300)
    number = json.loads(cli("buy", "000001", "12.00", "500", "--json").output)["合同编号"]
    body = json.loads(cli("cancel", "--contract-no", number, "--json").output)
    assert body["cancelled"] == [number] and "部撤" in body["message"]
    assert (body["filled_quantity"], body["cancelled_quantity"]) == (300, 200)
