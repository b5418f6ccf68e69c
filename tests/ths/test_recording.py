"""`easyths doctor` recordings: structure without values, and loadable into the emulator."""

from __future__ import annotations

import json
import sys
from io import StringIO
from pathlib import Path

import pytest
from rich.console import Console

from easyths.brokers.base import Side
from easyths.brokers.ths import ThsBroker
from easyths.brokers.ths.emulator import ThsEmulator
from easyths.brokers.ths.recording import record, suggest_config
from easyths.cli.doctor import doctor, run_doctor
from easyths.settings import BrokerSection
from tests.ths.grid_variants import VARIANT_B_RECORDING
from tests.ths.support import D, Harness, open_sim, ths_harness


def _ids(node: dict) -> list[int | None]:
    return [node.get("control_id"), *(i for child in node.get("children", []) for i in _ids(child))]


@pytest.fixture
def h(tmp_path: Path) -> Harness:
    harness = ths_harness(tmp_path / "sim.db")
    harness.quote("600000", "10.00", name="浦发银行")
    harness.broker.place_order(Side.BUY, "600000", D("10.00"), 100)
    harness.broker.place_order(Side.BUY, "600000", D("9.90"), 200)
    return harness


def test_a_recording_has_structure_and_headers_but_no_values(h: Harness) -> None:
    assert h.emu is not None
    recording = record(h.emu, BrokerSection())
    text = json.dumps(recording, ensure_ascii=False)
    assert recording["grid_headers"]["holdings"][:4] == ["证券代码", "证券名称", "股票余额", "可用余额"]
    assert recording["menu"]["funds"] == ["查询[F4]", "资金股票"] and recording["menu_missing"] == []
    contract = h.sim.today_orders()[0]["合同编号"]
    funds = h.sim.funds()
    for secret in ("浦发银行", contract, "主账户", "信用账户", str(funds["可用金额"]), str(funds["总资产"])):
        assert secret not in text, secret
    ids = {cid for page in recording["pages"].values() for node in page for cid in _ids(node)}
    assert {1032, 1033, 1034, 1006, 1036, 30001, 30002, 30003, 1047, 1012, 1016} <= ids


def test_a_recording_loads_back_into_the_emulator_and_records_the_same(tmp_path: Path, h: Harness) -> None:
    assert h.emu is not None
    first = record(h.emu, BrokerSection())
    path = tmp_path / "rec.json"
    path.write_text(json.dumps(first, ensure_ascii=False), encoding="utf-8")
    again = ThsEmulator(open_sim(tmp_path / "other.db"), recording=path)
    second = record(again, BrokerSection())
    for key in ("window_title", "menu", "grid_headers", "menu_paths"):
        assert second[key] == first[key], key


def test_a_variant_recording_round_trips_and_suggests_its_config(tmp_path: Path) -> None:
    emu = ThsEmulator(open_sim(tmp_path / "sim.db"), recording=VARIANT_B_RECORDING)
    config = BrokerSection(window_title="核新网上交易系统", menu=VARIANT_B_RECORDING["menu"])
    recording = record(emu, config)
    assert recording["grid_headers"]["holdings"] == VARIANT_B_RECORDING["grid_headers"]["holdings"]
    assert suggest_config(recording) == {"window_title": "核新网上交易系统", "menu": VARIANT_B_RECORDING["menu"]}


def test_doctor_writes_the_recording_and_reports_problems(tmp_path: Path, h: Harness) -> None:
    assert h.emu is not None
    out = StringIO()
    console = Console(file=out, width=160)
    assert run_doctor(h.emu, BrokerSection(), tmp_path / "doc.json", console=console) == 0
    saved = json.loads((tmp_path / "doc.json").read_text("utf-8"))
    assert saved["problems"] == [] and "holdings" in saved["grid_headers"]
    assert "未发现问题" in out.getvalue()
    for need in ("撤单前是否需要确认", "委托成功后是否弹出提示对话框", "切换页面是否清空代码", "[broker].popups = off"):
        assert need in out.getvalue()  # the settings the driver cannot read, for the user to confirm
    h.emu.logged_in = False
    assert run_doctor(h.emu, BrokerSection(), tmp_path / "doc2.json", console=console) == 1
    h.emu.kill()
    assert run_doctor(h.emu, BrokerSection(), tmp_path / "doc3.json", console=console) == 1
    assert not (tmp_path / "doc3.json").exists()


@pytest.mark.skipif(sys.platform == "win32", reason="the refusal is for other systems")
def test_doctor_off_windows_explains_and_fails() -> None:
    out = StringIO()
    assert doctor(console=Console(file=out, width=160)) == 2
    assert "只能在 Windows 上运行" in out.getvalue()


def test_a_recording_carries_settings_version_dialogs_panels_and_timings_without_values(tmp_path: Path) -> None:
    from easyths.brokers.base import MarketStrategy

    source = ThsEmulator(open_sim(tmp_path / "a.db"), popups=True)
    source.market_items = {MarketStrategy.FIVE_LEVEL_CANCEL: "五档即成剩撤", MarketStrategy.OWN_BEST: "本方最优"}
    source.show("提示", "您的买入委托已成功提交，合同编号：865912566。")
    recording = record(source, BrokerSection())
    text = json.dumps(recording, ensure_ascii=False)
    assert "865912566" not in text
    assert recording["client_settings"]["委托成功后是否弹出提示对话框"] == "是"
    assert recording["client_version"] == "emulator"
    assert recording["dialogs"][0]["title"] == "提示" and "#########" in recording["dialogs"][0]["text"]
    assert {"condition_price", "repo"} <= set(recording["panels"])
    assert set(recording["step_timings"]) >= {"buy", "orders"}
    assert recording["market_items"] == ["五档即成剩撤", "本方最优"]
    # a user's report becomes the emulator a test runs against
    again = ThsEmulator(open_sim(tmp_path / "b.db"), recording=recording)
    assert again.popups is True and again.market_items == source.market_items
    harness = Harness(
        ThsBroker(again, BrokerSection(step_timeout=2.0, popups="on")),
        again.broker,  # type: ignore[arg-type]
        again,
    )
    harness.quote("600000", "10.00", name="浦发银行")
    ack = harness.broker.place_market_order(Side.BUY, "600000", 100, MarketStrategy.FIVE_LEVEL_CANCEL)
    assert ack.contract_no == harness.sim.today_orders()[0]["合同编号"]
    health = harness.broker.health()
    assert health.extra["popups"] is True and not any("popups" in p for p in health.problems)
    # the recorded client shows its popups: a config that says off is named as the problem
    stated_off = ThsBroker(again, BrokerSection(step_timeout=2.0, popups="off")).health().problems
    assert any("[broker].popups = off 不一致，请改为 on" in p for p in stated_off)
