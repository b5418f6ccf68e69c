"""reverse_repo_query: the current annual rates per market and term."""

from __future__ import annotations

from typing import Any, ClassVar

from easyths.brokers.base import Broker
from easyths.operations.base import FieldsQueryParams, Operation, now_iso


class ReverseRepoQueryOperation(Operation):
    name: ClassVar[str] = "reverse_repo_query"
    read_only: ClassVar[bool] = True
    description: ClassVar[str] = "查询国债逆回购年化利率"
    Params = FieldsQueryParams

    def run(self, broker: Broker, params: Any) -> dict[str, Any]:
        return {
            "reverse_repo_interest": broker.repo_rates(),
            "timestamp": now_iso(),
            "message": "查询国债逆回购年化利率成功",
        }
