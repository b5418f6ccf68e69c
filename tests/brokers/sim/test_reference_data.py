"""Names in every grid and quote; 20% funds; T+0 funds; no limit in the first days after listing;
reference data overridden by configuration and refreshed from the exchanges."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import httpx
import pytest

from easyths.brokers.base import Side
from easyths.brokers.sim import SimBroker
from easyths.brokers.sim.refdata import refresh
from easyths.domain import reference
from easyths.errors import BrokerRejected, BrokerUnavailable
from tests.brokers.sim.support import D, open_broker


def test_names_come_from_the_reference_into_every_grid_and_quote(sim: SimBroker) -> None:
    quote = sim.set_quote("600000", D("10.00"), D("10.00"))
    assert quote["name"] == "浦发银行"
    sim.place_order(Side.BUY, "600000", D("10.00"), 100)
    sim.place_condition_order(Side.BUY, "600000", D("9.00"), 100, 5)
    assert sim.today_orders()[0]["证券名称"] == "浦发银行"
    assert sim.today_fills()[0]["证券名称"] == "浦发银行"
    assert sim.holdings()[0]["证券名称"] == "浦发银行"
    assert "浦发银行" in sim.condition_orders()[0]["监控标的"]
    assert sim.state()["quotes"][0]["name"] == "浦发银行"


def test_a_name_given_with_the_quote_wins(sim: SimBroker) -> None:
    assert sim.set_quote("600000", D("10.00"), D("10.00"), name="ST浦发")["name"] == "ST浦发"
    assert sim.set_quote("600000", D("10.01"))["name"] == "ST浦发"


def test_an_etf_on_the_20_percent_list_trades_beyond_10_percent(sim: SimBroker) -> None:
    sim.set_quote("588000", D("1.000"), D("1.000"))
    sim.set_quote("510300", D("4.000"), D("4.000"))
    sim.place_order(Side.BUY, "588000", D("1.150"), 1000)  # within ±20%
    assert sim.today_orders()[0]["备注"] == "已成"
    with pytest.raises(BrokerRejected, match=r"\[3.600 - 4.400\]"):  # 沪深300ETF: ±10%
        sim.place_order(Side.BUY, "510300", D("4.500"), 100)


def test_a_t0_fund_bought_today_can_be_sold_today_and_an_ordinary_etf_cannot(sim: SimBroker) -> None:
    sim.set_quote("518880", D("5.000"), D("5.000"))
    sim.set_quote("510300", D("4.000"), D("4.000"))
    sim.place_order(Side.BUY, "518880", D("5.000"), 1000)
    sim.place_order(Side.BUY, "510300", D("4.000"), 1000)
    available = {h["证券代码"]: h["可用余额"] for h in sim.holdings()}
    assert available == {"510300": 0, "518880": 1000}
    sim.place_order(Side.SELL, "518880", D("5.000"), 1000)
    with pytest.raises(BrokerRejected, match="可用余额不足：510300可用0股"):
        sim.place_order(Side.SELL, "510300", D("4.000"), 1000)


def test_configuration_adds_to_the_lists_or_turns_the_shipped_ones_off(db: Path) -> None:
    sim = open_broker(db, limit20_codes=["510300"], t0_codes=["510500"], shipped_fund_lists=False)
    sim.set_quote("510300", D("4.000"), D("4.000"))
    sim.set_quote("588000", D("1.000"), D("1.000"))
    sim.place_order(Side.BUY, "510300", D("4.500"), 100)  # now ±20%
    with pytest.raises(BrokerRejected, match="超出涨跌停"):
        sim.place_order(Side.BUY, "588000", D("1.150"), 1000)  # list off: ±10%
    sim.close()


def test_a_new_listing_has_no_limit_for_five_trading_days(tmp_path: Path) -> None:
    ref = tmp_path / "reference"
    ref.mkdir()
    (ref / "securities.csv").write_text(
        "# 来源: 测试 2026-11-28\ncode,name,type,list_date\n603999,新股样本,沪市主板,2026-11-23\n", encoding="utf-8"
    )
    sim = open_broker(tmp_path / "sim.db", datetime(2026, 11, 27, 10, 0), reference_dir=ref)  # day 5
    assert sim.set_quote("603999", D("20.00"), D("10.00"))["name"] == "新股样本"
    sim.place_order(Side.BUY, "603999", D("25.00"), 100)  # +150% of the prev close: no limit yet
    sim.advance(days=1)  # day 6: ±10% again
    sim.set_quote("603999", D("20.00"), D("20.00"))
    with pytest.raises(BrokerRejected, match=r"\[18.00 - 22.00\]"):
        sim.place_order(Side.BUY, "603999", D("25.00"), 100)
    sim.close()


def test_a_bse_listing_is_free_on_its_first_day_only(tmp_path: Path) -> None:
    sim = open_broker(tmp_path / "sim.db", datetime(2025, 8, 8, 10, 0))  # 920007 listed that day
    sim.set_quote("920007", D("10.00"), D("10.00"))
    sim.place_order(Side.BUY, "920007", D("20.00"), 100)
    sim.advance(days=1)
    sim.set_quote("920007", D("20.00"), D("20.00"))
    with pytest.raises(BrokerRejected, match=r"\[14.00 - 26.00\]"):
        sim.place_order(Side.BUY, "920007", D("30.00"), 100)
    sim.close()


def _exchanges(request: httpx.Request) -> httpx.Response:
    if "sse.com.cn" in request.url.host:
        rows = {"1": [{"A_STOCK_CODE": "600000", "COMPANY_ABBR": "浦发银行", "LIST_DATE": "19991110"}]}
        rows["8"] = [{"A_STOCK_CODE": "688999", "COMPANY_ABBR": "科创新样", "LIST_DATE": "20261120"}]
        return httpx.Response(200, json={"result": rows[request.url.params["STOCK_TYPE"]]})
    page = int(request.url.params["PAGENO"])
    data = [{"agdm": "000001", "agjc": "<a href='x'><u>平安银行</u></a>", "agssrq": "1991-04-03"}]
    if page == 2:
        data = [{"agdm": "301999", "agjc": "创业新样", "agssrq": "2026-11-24"}]
    return httpx.Response(200, json=[{"data": data, "metadata": {"pagecount": 2}}])


def test_refresh_writes_the_exchanges_lists_which_then_win_over_the_shipped_data(tmp_path: Path) -> None:
    target = refresh(tmp_path / "reference", transport=httpx.MockTransport(_exchanges))
    text = target.read_text(encoding="utf-8")
    assert text.startswith("# 来源: 上交所") and "000001,平安银行,深市主板,1991-04-03" in text
    data = reference.load(tmp_path / "reference")
    assert data.name("688999") == "科创新样" and data.securities["301999"].type == "创业板"
    assert data.name("600519") == "贵州茅台"  # the shipped rows stay under the refreshed ones


def test_refresh_refuses_a_payload_it_cannot_read(tmp_path: Path) -> None:
    transport = httpx.MockTransport(lambda r: httpx.Response(200, content=json.dumps({"unexpected": 1})))
    with pytest.raises(BrokerUnavailable, match="上交所"):
        refresh(tmp_path / "reference", transport=transport)
    assert not (tmp_path / "reference" / "securities.csv").exists()
