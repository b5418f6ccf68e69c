"""ipo_query: today's new shares and bonds, with the account's 可申购数量 (打新, `docs/rules.md#ipo`)."""

from __future__ import annotations

from typing import Any, ClassVar

from easyths.brokers.base import Broker, SubscribesIpo
from easyths.errors import BrokerRejected
from easyths.operations.base import Operation, QueryParams, now_iso, shape_rows


def ipo_desk(broker: Broker) -> SubscribesIpo:
    """The backend's 打新 ability, or a refusal naming the backend (never an empty list: a list we
    could not read is not "no issues today")."""
    if not isinstance(broker, SubscribesIpo):
        raise BrokerRejected(f"当前后端（{broker.backend}）暂不支持新股/新债申购查询")
    return broker


class IpoQueryOperation(Operation):
    name: ClassVar[str] = "ipo_query"
    read_only: ClassVar[bool] = True
    description: ClassVar[str] = "查询今日新股/新债（申购代码、发行价、申购上限、可申购数量、是否已申购）"
    Params = QueryParams

    def run(self, broker: Broker, params: Any) -> dict[str, Any]:
        rows = ipo_desk(broker).ipo_issues()
        data: dict[str, Any] = {
            "ipo_list": shape_rows(rows, params.return_type),
            "timestamp": now_iso(),
            "message": f"查询今日新股/新债成功，共{len(rows)}只" if rows else "今日无新股/新债",
        }
        values = getattr(broker, "ipo_market_values", None)
        if callable(values):  # the sim knows the averages the quota comes from
            data["市值额度"] = values()
        return data
