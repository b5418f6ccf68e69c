"""Values that used to load and fail later (or be ignored) are refused at load, naming the key."""

from __future__ import annotations

from typing import Any

import pytest

from easyths.brokers.ths.columns import DEFAULT_MENU
from easyths.errors import ConfigError
from easyths.settings import load_settings
from easyths.settings.broker import MENU_PAGES


@pytest.mark.parametrize(
    ("sections", "named", "why"),
    [
        ({"sim": {"start": "2026-13-45T09:30"}}, "sim.start", "ISO"),
        ({"sim": {"t0_codes": ["51088"]}}, "sim.t0_codes", "6位数字"),
        ({"sim": {"limit20_codes": ["sh510300"]}}, "sim.limit20_codes", "6位数字"),
        ({"sim": {"accounts": []}}, "sim.accounts", ""),
        ({"sim": {"fees": {"commission_rate": -0.0003}}}, "sim.fees.commission_rate", ""),
        ({"sim": {"fees": {"repo_fee_rates": {"1": -1}}}}, "sim.fees.repo_fee_rates", ""),
        ({"sim": {"fees": {"repo_fee_rates": {"0": 0.0001}}}}, "sim.fees.repo_fee_rates", ""),
        ({"queue": {"reconcile_delays": [1, -5]}}, "queue.reconcile_delays", ""),
        ({"logging": {"backup_count": -1}}, "logging.backup_count", ""),
        ({"broker": {"market_aliases": {"对手方最优": ["对手价"]}}}, "broker.market_aliases", "对手方最优价格"),
        ({"mcp": {"url": "127.0.0.1:7648"}}, "mcp.url", "http://"),
        ({"broker": {"market_aliases": {"对手方最优价格": [""]}}}, "broker.market_aliases", "不能为空"),
        ({"broker": {"market_aliases": {"对手方最优价格": ["对手最优", " "]}}}, "broker.market_aliases", "不能为空"),
        ({"broker": {"menu": {"fundz": ["查询[F4]", "资金股份"]}}}, "broker.menu", "fundz"),
        ({"api": {"host": "127.0.0.1:7648"}}, "api.host", "不带端口"),
        ({"api": {"host": "[::1]"}}, "api.host", "方括号"),
        ({"api": {"host": "http://0.0.0.0"}}, "api.host", "http://"),
        ({"api": {"allowed_hosts": ["http://trader.lan"]}}, "api.allowed_hosts", "不要写 http://"),
        ({"api": {"allowed_hosts": ["*"]}}, "api.allowed_hosts", "留空即不检查"),
        ({"api": {"allowed_hosts": ["*.trader.lan"]}}, "api.allowed_hosts", "通配符"),
        ({"api": {"allowed_hosts": ["trader lan"]}}, "api.allowed_hosts", "不是合法的主机名"),
        ({"api": {"allowed_hosts": ["交易.中国"]}}, "api.allowed_hosts", "xn--tlq248c.xn--fiqs8s"),
        ({"api": {"cors_origins": "localhost:3000"}}, "api.cors_origins", "协议://主机"),
        ({"api": {"cors_origins": "http://localhost:3000, https://app.example/trade"}}, "api.cors_origins", "路径"),
        ({"api": {"cors_origins": "https://*.example.com"}}, "api.cors_origins", "通配符"),
        ({"api": {"cors_origins": "http://localhost:70000"}}, "api.cors_origins", "localhost:70000"),
        ({"broker": {"columns": {"参考盈亏 ": "盈亏"}}}, "broker.columns", "首尾不能有空格"),
        ({"broker": {"columns": {"参考盈亏": " 盈亏"}}}, "broker.columns", "首尾不能有空格"),
        ({"broker": {"columns": {"参考盈亏": ""}}}, "broker.columns", "不能为空"),
        ({"trading": {"max_order_amount": -1}}, "trading.max_order_amount", ""),
        ({"broker": {"menu": {"funds": []}}}, "broker.menu", "funds"),
        ({"broker": {"menu": {"funds": ["查询[F4]", " "]}}}, "broker.menu", "funds"),
        ({"broker": {"captcha_recogniser": "my-ocr.py"}}, "broker.captcha_recogniser", "模块:函数"),
        ({"broker": {"captcha_recogniser": ":recognise"}}, "broker.captcha_recogniser", "模块:函数"),
        ({"broker": {"export_dir": "D:/表格导出"}}, "broker.export_dir", "ASCII"),
        ({"sim": {"quotes": "replay"}}, "sim", "replay_file"),
        ({"sim": {"accounts": ["主账户", "主账户"]}}, "sim.accounts", "重复"),
        ({"sim": {"accounts": ["主账户", ""]}}, "sim.accounts", "不能为空"),
    ],
)
def test_a_malformed_value_stops_the_load_naming_its_key(sections: dict[str, Any], named: str, why: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(None, **sections)
    message = caught.value.message
    assert named in message and why in message, message
    assert "Input should" not in message and "Value error" not in message  # said in Chinese


def test_the_well_formed_spellings_still_load() -> None:
    settings = load_settings(
        None,
        sim={
            "start": "2026-11-25T09:30:00",
            "t0_codes": ["510880"],
            "limit20_codes": ["510300"],
            "fees": {"repo_fee_rates": {"1": 0.00001}},
        },
        queue={"reconcile_delays": [0, 1.5]},
        broker={"market_aliases": {"对手方最优价格": ["对手最优"]}},
        mcp={"url": "https://trade.lan:7648"},
    )
    assert settings.sim.fees.repo_fee_rates == {1: settings.sim.fees.repo_fee_rates[1]}
    assert settings.broker.market_aliases == {"对手方最优价格": ["对手最优"]}


def test_every_host_and_origin_spelling_that_worked_still_loads() -> None:
    """Ports, brackets, case, a trailing dot, IP addresses, blanks; `*`, `null` and non-web schemes."""
    hosts = ["trader.lan", "Trader.LAN:8080", "[::1]:7648", "fe80::1", "192.168.1.5", "", "nas_1.local."]
    origins = (
        "http://localhost:3000/, HTTPS://App.Example.com:443, *, null, chrome-extension://abcdef, http://[::1]:3000"
    )
    settings = load_settings(None, api={"allowed_hosts": hosts, "cors_origins": origins, "key": "k" * 16})
    assert settings.api.allowed_hosts == hosts
    assert settings.api.cors_list() == [  # as browsers write an Origin
        "http://localhost:3000",
        "https://app.example.com",
        "*",
        "null",
        "chrome-extension://abcdef",
        "http://[::1]:3000",
    ]
    for host in ("127.0.0.1", "0.0.0.0", "::", "::1", "localhost", "trader-pc.lan", ""):
        assert load_settings(None, api={"host": host, "key": "k" * 24}).api.host == host
    columns = {"参考盈亏": "盈亏", "委托编号": "合同编号"}
    for recogniser in ("my_ocr", "my_ocr:recognise", "tools.ocr:Reader.read"):
        assert load_settings(None, broker={"captcha_recogniser": recogniser}).broker.captcha_recogniser == recogniser
    assert load_settings(None, trading={"max_order_amount": 0}).trading.max_order_amount == 0
    assert load_settings(None, broker={"export_dir": "C:/easyths_grid"}).broker.export_dir == "C:/easyths_grid"
    assert load_settings(None, broker={"columns": columns}).broker.columns == columns


def test_the_settings_know_every_page_the_driver_has_a_menu_path_for() -> None:
    assert sorted(MENU_PAGES) == sorted(DEFAULT_MENU)
    assert load_settings(None, broker={"menu": {"ipo": ["新股申购", "新股申购"]}}).broker.menu["ipo"]
