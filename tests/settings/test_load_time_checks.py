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
        ({"broker": {"menu": {"fundz": ["查询[F4]", "资金股份"]}}}, "broker.menu", "fundz"),
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


def test_the_settings_know_every_page_the_driver_has_a_menu_path_for() -> None:
    assert sorted(MENU_PAGES) == sorted(DEFAULT_MENU)
    assert load_settings(None, broker={"menu": {"ipo": ["新股申购", "新股申购"]}}).broker.menu["ipo"]
