"""account_switch: make another account current for the operations that follow."""

from __future__ import annotations

from typing import Any, ClassVar

from easyths.brokers.base import Broker
from easyths.operations.base import Operation, now_iso
from easyths.params import AccountSwitchParams


class AccountSwitchOperation(Operation):
    name: ClassVar[str] = "account_switch"
    description: ClassVar[str] = "切换账户"
    Params = AccountSwitchParams

    def prepare(self, broker: Broker, params: Any) -> None:
        """`account_name` is the target here, switched to by `run` itself (which reports both)."""

    def run(self, broker: Broker, params: Any) -> dict[str, Any]:
        previous = broker.current_account()
        broker.switch_account(params.account_name)
        return {
            "previous_used_account": previous,
            "current_used_account": broker.current_account(),
            "timestamp": now_iso(),
            "message": f"已切换到账户 {params.account_name}",
        }
