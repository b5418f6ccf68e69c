"""account_query: the accounts the client (or the sim) can switch between."""

from __future__ import annotations

from typing import Any, ClassVar

from easyths.brokers.base import Broker
from easyths.operations.base import NoParams, Operation, now_iso


class AccountQueryOperation(Operation):
    name: ClassVar[str] = "account_query"
    read_only: ClassVar[bool] = True
    description: ClassVar[str] = "查询可切换的账户"
    Params = NoParams

    def run(self, broker: Broker, params: Any) -> dict[str, Any]:
        rows = broker.accounts()
        return {
            "available_accounts": rows,
            "current_used_account": broker.current_account(),
            "timestamp": now_iso(),
            "message": f"账户查询成功，共{len(rows)}个账户",
        }
