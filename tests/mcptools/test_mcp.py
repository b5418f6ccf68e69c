"""MCP through the official `mcp` client: over streamable HTTP at /mcp and over stdio."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import httpx
import httpx2
import pytest
from mcp.client import Client
from mcp.client.stdio import StdioServerParameters
from mcp.client.streamable_http import streamable_http_client

from easyths.api.app import create_app
from easyths.errors import EasyTHSError
from easyths.mcptools.stdio import service_client
from easyths.settings import load_settings
from tests.live import LiveServer

KEY = "mcp-test-key"
EASYTHS = str(Path(sys.executable).parent / "easyths")


def _server(tmp: Path, **sections: Any) -> LiveServer:
    server = LiveServer(create_app(load_settings(None, app={"home": str(tmp)}, **sections)))
    headers = {"Authorization": f"Bearer {KEY}"} if sections.get("api", {}).get("key") else {}
    quote = {"price": 10.5, "prev_close": 10.2, "name": "浦发银行"}
    httpx.put(f"{server.url}/api/v1/sim/quotes/600000", json=quote, headers=headers).raise_for_status()
    return server


@pytest.fixture(scope="module")
def readonly(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    server = _server(tmp_path_factory.mktemp("mcp-ro"), mcp={"enabled": True})
    yield server
    server.close()


@pytest.fixture(scope="module")
def trading(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    server = _server(tmp_path_factory.mktemp("mcp-rw"), mcp={"enabled": True, "allow_orders": True})
    yield server
    server.close()


async def _session(
    url: str,
    *calls: tuple[str, dict[str, Any] | None],
    headers: dict[str, str] | None = None,
    source: str | None = None,
) -> Any:
    """Connect (from the loopback address `source` when given), list the tools, make the calls;
    return (tools, results)."""
    http = httpx2.AsyncClient(headers=headers or {}, transport=httpx2.AsyncHTTPTransport(local_address=source))
    transport = streamable_http_client(f"{url}/mcp", http_client=http)
    async with Client(transport) as client:
        tools = (await client.list_tools()).tools
        results = [await client.call_tool(name, args) for name, args in calls]
    return tools, results


def run(
    url: str,
    *calls: tuple[str, dict[str, Any] | None],
    headers: dict[str, str] | None = None,
    source: str | None = None,
) -> Any:
    return anyio.run(lambda: _session(url, *calls, headers=headers, source=source))


def _orders_placed(server: LiveServer, name: str = "buy") -> list[Any]:
    return [r for r in server.app.state.engine.journal.recent(None, 500) if r.name == name]


def test_the_tools_are_typed_and_described_in_chinese_and_read_only_by_default(readonly: LiveServer) -> None:
    tools, _ = run(readonly.url)
    names = {t.name for t in tools}
    assert {"funds_query", "holding_query", "order_query", "operation_status", "service_status"} <= names
    assert not names & {"buy", "sell", "market_buy", "market_sell", "order_cancel", "condition_buy", "reverse_repo_buy"}
    by_name = {t.name: t for t in tools}
    assert "查询" in (by_name["funds_query"].description or "")
    order_query = by_name["order_query"].input_schema["properties"]
    assert "股票代码" in order_query["stock_code"]["description"]
    assert order_query["return_type"]["enum"] == ["str", "json", "dict", "markdown"]
    assert by_name["holding_query"].annotations.read_only_hint is True


def test_a_query_tool_answers_from_the_account(readonly: LiveServer) -> None:
    _, (funds,) = run(readonly.url, ("funds_query", {}))
    assert not funds.is_error
    assert funds.structured_content["ok"] is True
    assert funds.structured_content["data"]["总资产"] == 1_000_000


def test_an_order_tool_is_refused_when_orders_are_not_allowed(readonly: LiveServer) -> None:
    """The refusal used to be the library's "Unknown tool: buy": now Chinese, naming the setting."""
    args = {"stock_code": "600000", "price": 10.5, "quantity": 100}
    _, (result, other) = run(readonly.url, ("buy", args), ("no_such_tool", {}))
    assert result.is_error
    text = result.content[0].text
    assert "allow_orders = true" in text and "Unknown tool" not in text, text
    assert other.is_error and "没有名为 no_such_tool 的工具" in other.content[0].text
    assert _orders_placed(readonly) == []


def test_bad_arguments_are_described_as_the_http_api_describes_them(trading: LiveServer) -> None:
    """A bad price gave pydantic's raw English ("1 validation error for buyArguments …")."""
    before = len(_orders_placed(trading))
    _, (result,) = run(trading.url, ("buy", {"stock_code": "600000", "price": "abc", "quantity": 100}))
    assert result.is_error
    text = result.content[0].text
    assert text.startswith("参数无效: price") and "validation error" not in text, text
    assert len(_orders_placed(trading)) == before


def test_stdio_logs_only_warnings_unless_asked() -> None:
    """Every HTTP request was logged at INFO to the assistant's stderr."""
    import logging

    from easyths.mcptools.stdio import quiet_logs

    quiet_logs(False)
    assert logging.getLogger("httpx").getEffectiveLevel() == logging.WARNING
    assert logging.getLogger("mcp").getEffectiveLevel() == logging.WARNING
    quiet_logs(True)
    assert logging.getLogger("httpx").getEffectiveLevel() == logging.INFO
    quiet_logs(False)


def test_an_order_tool_places_through_the_queue_when_allowed_and_says_so(trading: LiveServer) -> None:
    tools, _ = run(trading.url)
    buy = next(t for t in tools if t.name == "buy")
    assert "会真实下单" in (buy.description or "")
    assert set(buy.input_schema["required"]) == {"stock_code", "price", "quantity"}

    args = {"stock_code": "600000", "price": 10.5, "quantity": 200, "client_order_id": "assistant-1"}
    _, (placed, again, orders) = run(trading.url, ("buy", args), ("buy", args), ("order_query", {}))
    verdict = placed.structured_content
    assert verdict["placed"] is True and verdict["status"] == "success"
    contract = verdict["合同编号"]
    assert contract and contract.isdigit() and contract in verdict["summary"]
    assert verdict["summary"].startswith("已下单")
    # a retried call with the same client_order_id is the same order, not a second one
    assert again.structured_content["duplicate"] is True
    assert again.structured_content["合同编号"] == contract
    records = _orders_placed(trading)
    assert len(records) == 1 and records[0].idempotency_key == "assistant-1"
    assert [o["合同编号"] for o in orders.structured_content["data"]["orders"]] == [contract]


def test_an_order_the_service_refuses_says_it_was_not_placed(trading: LiveServer) -> None:
    odd_lot = {"stock_code": "600000", "price": 10.5, "quantity": 150}
    broke = {"stock_code": "600000", "price": 10.5, "quantity": 900_000}
    _, (invalid, no_cash) = run(trading.url, ("buy", odd_lot), ("buy", broke))
    assert invalid.structured_content["placed"] is False
    assert invalid.structured_content["summary"].startswith("未下单")
    assert "100" in invalid.structured_content["summary"]
    assert no_cash.structured_content["placed"] is False
    assert no_cash.structured_content["合同编号"] is None


class _RiskLimit(EasyTHSError):
    error_code = "RISK_LIMIT"
    http_status = 403


def _refuse_4400(op: Any, params: Any, context: dict[str, Any]) -> None:
    if getattr(params, "quantity", None) == 4400:
        raise _RiskLimit("单笔委托数量超过风控上限 4000 股")


def test_an_order_tool_meets_the_same_admission_checks_as_http(trading: LiveServer) -> None:
    engine = trading.app.state.engine
    engine.add_admission(_refuse_4400)
    before = len(_orders_placed(trading))
    order = {"stock_code": "600000", "price": 10.5, "quantity": 4400}
    _, (refused,) = run(trading.url, ("buy", order))
    verdict = refused.structured_content
    assert verdict["placed"] is False and verdict["error_code"] == "RISK_LIMIT"
    assert "风控上限" in verdict["summary"] and verdict["summary"].startswith("未下单")
    assert len(_orders_placed(trading)) == before  # refused before anything was journalled
    over_http = httpx.post(f"{trading.url}/api/v1/operations/buy", json={"params": order})
    assert over_http.status_code == 403 and over_http.json()["error_code"] == "RISK_LIMIT"


def test_cancelling_through_mcp_reports_what_was_cancelled(trading: LiveServer) -> None:
    resting = {"stock_code": "600000", "price": 10.0, "quantity": 100}
    _, (placed,) = run(trading.url, ("buy", resting))
    contract = placed.structured_content["合同编号"]
    _, (cancelled,) = run(trading.url, ("order_cancel", {"contract_no": contract}))
    assert cancelled.structured_content["cancelled_count"] == 1
    assert cancelled.structured_content["summary"].startswith("撤单已执行")


def test_mcp_is_off_by_default(tmp_path: Path) -> None:
    server = _server(tmp_path)
    try:
        assert httpx.post(f"{server.url}/mcp", json={}).status_code == 404
    finally:
        server.close()


def test_mcp_asks_for_the_api_key_when_one_is_set(tmp_path: Path) -> None:
    server = _server(tmp_path, api={"key": KEY}, mcp={"enabled": True})
    try:
        assert httpx.post(f"{server.url}/mcp", json={}).status_code == 401
        _, (funds,) = run(server.url, ("funds_query", {}), headers={"Authorization": f"Bearer {KEY}"})
        assert funds.structured_content["ok"] is True
    finally:
        server.close()


def test_the_tools_read_the_v1_contract_whatever_the_service_default(tmp_path: Path) -> None:
    server = _server(tmp_path, api={"contract": "v2"}, mcp={"enabled": True, "allow_orders": True})
    try:
        order = {"stock_code": "600000", "price": 10.5, "quantity": 100}
        _, (funds, placed) = run(server.url, ("funds_query", {}), ("buy", order))
        assert funds.structured_content["data"]["总资产"] == 1_000_000
        assert placed.structured_content["placed"] is True
    finally:
        server.close()


def test_easyths_mcp_over_stdio_talks_to_the_running_service(trading: LiveServer, tmp_path: Path) -> None:
    env = {
        **os.environ,
        "EASYTHS_HOME": str(tmp_path),
        "EASYTHS_MCP__ENABLED": "true",
        "EASYTHS_MCP__URL": trading.url,
    }
    env.pop("API_KEY", None)
    params = StdioServerParameters(command=EASYTHS, args=["mcp"], env=env, cwd=str(tmp_path))

    async def session() -> Any:
        async with Client(params) as client:
            tools = (await client.list_tools()).tools
            return tools, await client.call_tool("holding_query", {})

    tools, holdings = anyio.run(session)
    names = {t.name for t in tools}
    assert "holding_query" in names and "buy" not in names  # allow_orders is the stdio side's own setting
    assert holdings.structured_content["ok"] is True


def test_easyths_mcp_ignores_a_system_proxy_for_the_local_service(trading: LiveServer, tmp_path: Path) -> None:
    """On Windows httpx reads the registry's system proxy; here the environment stands in for it,
    pointing at a port where nothing listens. The service on loopback must be reached directly."""
    dead_proxy = "http://127.0.0.1:9"
    env = {
        **os.environ,
        "EASYTHS_HOME": str(tmp_path),
        "EASYTHS_MCP__ENABLED": "true",
        "EASYTHS_MCP__URL": trading.url,
        "HTTP_PROXY": dead_proxy,
        "HTTPS_PROXY": dead_proxy,
        "ALL_PROXY": dead_proxy,
    }
    for name in ("API_KEY", "NO_PROXY", "no_proxy"):
        env.pop(name, None)
    params = StdioServerParameters(command=EASYTHS, args=["mcp"], env=env, cwd=str(tmp_path))

    async def session() -> Any:
        async with Client(params) as client:
            return await client.call_tool("funds_query", {})

    funds = anyio.run(session)
    assert funds.structured_content["ok"] is True, funds.structured_content


def test_a_service_on_another_machine_is_reached_through_the_configured_proxy(tmp_path: Path) -> None:
    local = load_settings(None, app={"home": str(tmp_path)}, mcp={"url": "http://127.0.0.1:7648"})
    remote = load_settings(None, app={"home": str(tmp_path)}, mcp={"url": "http://192.0.2.10:7648"})
    assert service_client(local)._trust_env is False
    assert service_client(remote)._trust_env is True


def test_read_only_mode_cannot_switch_the_trading_account(tmp_path: Path) -> None:
    """account_switch places no order but decides where the user's next order lands."""
    server = _server(tmp_path, sim={"accounts": ["模拟账户", "二号账户"]}, mcp={"enabled": True})
    try:
        tools, (switched, _) = run(
            server.url, ("account_switch", {"account_name": "二号账户"}), ("funds_query", {"account_name": "二号账户"})
        )
        by_name = {t.name: t for t in tools}
        assert "account_switch" not in by_name
        assert not any("account_name" in t.input_schema.get("properties", {}) for t in tools)
        assert switched.is_error
        assert server.app.state.broker.current_account() == "模拟账户"
        assert not [r for r in server.app.state.engine.journal.recent(None, 100) if r.params.get("account_name")]
    finally:
        server.close()


def test_with_orders_allowed_switching_is_offered_and_not_marked_read_only(tmp_path: Path) -> None:
    server = _server(tmp_path, sim={"accounts": ["模拟账户", "二号账户"]}, mcp={"enabled": True, "allow_orders": True})
    try:
        tools, (switched,) = run(server.url, ("account_switch", {"account_name": "二号账户"}))
        switch = next(t for t in tools if t.name == "account_switch")
        assert switch.annotations.read_only_hint is False
        assert "切换" in (switch.description or "")
        assert switched.structured_content["ok"] is True
        assert server.app.state.broker.current_account() == "二号账户"
    finally:
        server.close()


def test_the_tools_own_calls_are_not_held_to_the_http_allow_list(tmp_path: Path) -> None:
    """The assistant connects from an allowed address; the tools' in-process calls come from no
    address at all and must not be refused for it (every tool failed without 127.0.0.1 listed)."""
    settings = load_settings(
        None, app={"home": str(tmp_path)}, api={"allowed_ips": ["127.0.0.2"]}, mcp={"enabled": True}
    )
    server = LiveServer(create_app(settings))
    try:
        assert httpx.get(f"{server.url}/api/v1/system/health").status_code == 403  # from 127.0.0.1
        _, (funds,) = run(server.url, ("funds_query", {}), source="127.0.0.2")
        assert funds.structured_content["ok"] is True, funds.structured_content
    finally:
        server.close()


def test_an_operation_id_must_look_like_one(readonly: LiveServer) -> None:
    _, (traversal,) = run(readonly.url, ("operation_status", {"operation_id": "../../system/status"}))
    assert traversal.is_error


def test_the_mcp_path_with_a_slash_asks_for_the_key_instead_of_redirecting(tmp_path: Path) -> None:
    server = _server(tmp_path, api={"key": KEY}, mcp={"enabled": True})
    try:
        for path in ("/mcp", "/mcp/"):
            r = httpx.post(f"{server.url}{path}", json={})
            assert r.status_code == 401 and r.json()["error_code"] == "UNAUTHORIZED", (path, r.status_code)
    finally:
        server.close()


def test_a_cross_site_page_cannot_call_mcp(readonly: LiveServer) -> None:
    r = httpx.post(f"{readonly.url}/mcp", json={}, headers={"Origin": "https://evil.example"})
    assert r.status_code == 403 and r.json()["error_code"] == "CROSS_SITE_FORBIDDEN"
