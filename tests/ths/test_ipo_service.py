"""打新 through the SDK on the real app over `--backend emulator` (the THS driver on the emulated
client, the sim's shipped example issues behind it): one operation per issue, the day-and-code key,
a re-run that subscribes nothing twice, an unknown subscription the engine settles from 当日委托,
and a plain refusal for 配号/中签."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from easyths.api.app import create_app
from easyths.brokers.factory import create_broker
from easyths.brokers.ths.emulator.backend import EmulatedThsBroker
from easyths.client import AppTransport, Client
from easyths.errors import OperationFailed
from tests.conftest import make_settings

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _service(tmp_path: Path, **emulator: object) -> Iterator[tuple[Client, EmulatedThsBroker]]:
    settings = make_settings(
        tmp_path,
        broker={"backend": "emulator", "step_timeout": 0.5},
        emulator=emulator,
        queue={"reconcile_delays": [0.2, 0.5, 1.0, 2.0]},
    )
    broker = create_broker(settings)
    assert isinstance(broker, EmulatedThsBroker)
    try:
        with Client(transport=AppTransport(create_app(settings, broker=broker))) as client:
            yield client, broker
    finally:
        broker.close()


@pytest.fixture
def service(tmp_path: Path) -> Iterator[tuple[Client, EmulatedThsBroker]]:
    yield from _service(tmp_path)


def test_subscribe_all_on_the_emulated_client_takes_each_issue_once(service: tuple[Client, EmulatedThsBroker]) -> None:
    sdk, broker = service
    issues = {i.subscribe_code: i for i in sdk.ipo_query()}
    assert set(issues) == {"732777", "301555", "754999"}
    assert issues["754999"].kind == "bond" and issues["754999"].allowed == 10000
    assert issues["732777"].allowed == 0 and issues["732777"].stock_code is None  # the page shows no 证券代码
    first = {o.stock_code: o for o in sdk.subscribe_all_ipos()}
    assert first["754999"].status == "success" and first["754999"].quantity == 10000, first
    assert {first[c].status for c in ("732777", "301555")} == {"skipped"}
    again = {o.stock_code: o for o in sdk.subscribe_all_ipos()}
    assert again["754999"].status == "skipped" and again["754999"].message == "今日已申购"
    [row] = broker.sim.today_orders()
    assert (row["操作"], row["合同编号"]) == ("配售申购", first["754999"].contract_no)
    with pytest.raises(OperationFailed, match="不支持查询新股/新债的配号与中签"):
        sdk.ipo_allotments()


def test_an_unknown_subscription_is_settled_from_the_book_by_the_engine(tmp_path: Path) -> None:
    """The 配售申购 row shows late and the popups are off: the submit ends unknown, and the engine's
    reconciliation finds the row; nothing is placed twice."""
    for sdk, broker in _service(tmp_path, faults={"slow_refresh": 1.0}):
        broker.emulator.faults.refresh_delay = 1.5  # later than the submit looks, sooner than reconcile gives up
        with pytest.raises(OperationFailed) as caught:
            sdk.ipo_subscribe("754999", client_order_id="ipo-late")
        assert caught.value.status == "unknown"
        operation = str(caught.value.operation_id)
        for _ in range(200):  # the engine's reconciliation runs on its own schedule: wait for its event
            info = sdk.status(operation)
            if info.status != "unknown":
                break
            time.sleep(0.05)
        assert info.status == "success", info
        [row] = broker.sim.today_orders()
        assert sdk.result(operation).data["合同编号"] == row["合同编号"]  # type: ignore[index]
        again = sdk.ipo_subscribe("754999", client_order_id="ipo-late")  # the same key: the first one
        assert again.contract_no == row["合同编号"] and len(broker.sim.today_orders()) == 1
