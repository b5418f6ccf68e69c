"""A small in-test broker: lets engine and API tests control timing and verdicts exactly.

It is not the sim; it exists so the queue's ordering, watchdog and crash handling can be pinned
without market rules getting in the way.
"""

from __future__ import annotations

import threading
from decimal import Decimal
from typing import Any

from easyths.brokers.base import Ack, BrokerHealth, ConditionAck, Evidence, OrderAck, RepoAck, Row, Side
from easyths.brokers.dispatch import submit_command
from easyths.domain.commands import OrderCommand
from easyths.errors import BrokerRejected, OutcomeUnknown


class FakeBroker:
    backend = "fake"

    def __init__(self) -> None:
        self.calls: list[tuple[str, Any]] = []
        self.gate = threading.Event()
        self.gate.set()
        self.entered = threading.Event()
        self.reject_with: str | None = None
        self.unknown = False
        self.reconcile_answer: Ack | None = None
        self.commands: list[OrderCommand] = []
        self.account = "主账户"
        self._next = 1000

    def _order(self, what: str, *args: Any) -> OrderAck:
        self.calls.append((what, args))
        self.entered.set()
        self.gate.wait(30)
        if self.reject_with:
            raise BrokerRejected(self.reject_with)
        if self.unknown:
            raise OutcomeUnknown("未收到客户端回应", details={"args": [str(a) for a in args]})
        self._next += 1
        return OrderAck(str(self._next), f"您的委托已成功提交，合同编号：{self._next}。")

    def submit(self, command: OrderCommand) -> Ack:
        """The backends' own dispatch (`brokers.dispatch`), each kind to the method a test watches in `calls`."""
        self.commands.append(command)
        return submit_command(self, command, ref=command.operation_id)

    def health(self) -> BrokerHealth:
        return BrokerHealth(True, True, "fake")

    def place_order(
        self, side: Side, stock_code: str, price: Decimal, quantity: int, *, ref: str | None = None
    ) -> OrderAck:
        return self._order("place_order", side, stock_code, price, quantity)

    def place_market_order(
        self, side: Side, stock_code: str, quantity: int, strategy: Any, *, ref: str | None = None
    ) -> OrderAck:
        return self._order("place_market_order", side, stock_code, quantity, strategy)

    def cancel_orders(
        self,
        *,
        stock_code: str | None = None,
        side: str = "all",
        contract_no: str | None = None,
        ref: str | None = None,
    ) -> list[str]:
        self.calls.append(("cancel_orders", (stock_code, side, contract_no)))
        return []

    def holdings(self) -> list[Row]:
        self.calls.append(("holdings", ()))
        self.entered.set()
        self.gate.wait(30)
        return [{"证券代码": "000001", "证券名称": "平安银行", "股票余额": 100, "可用余额": 100}]

    def funds(self) -> Row:
        return {"资金余额": Decimal("1000.50"), "可用金额": Decimal("1000.50")}

    def today_orders(self, stock_code: str | None = None) -> list[Row]:
        return []

    def today_fills(self, stock_code: str | None = None) -> list[Row]:
        return []

    def order_history(self, time_range: str, stock_code: str | None = None) -> list[Row]:
        return []

    def repo_rates(self) -> list[Row]:
        return []

    def lend_repo(self, market: str, term_days: int, amount: int, *, ref: str | None = None) -> RepoAck:
        raise BrokerRejected("没有行情")

    def place_condition_order(self, *args: Any, ref: str | None = None) -> ConditionAck:
        return ConditionAck("1", "ok", args[3])

    def place_stop_loss_profit(self, *args: Any, ref: str | None = None) -> ConditionAck:
        return ConditionAck("2", "ok", args[3] or 100)

    def condition_orders(self) -> list[Row]:
        return []

    def cancel_condition_orders(self, *, stock_code: str | None = None, side: Side | None = None) -> int:
        return len(self.delete_conditions(stock_code, side))

    def delete_conditions(self, stock_code: str | None, side: Side | None, *, ref: str | None = None) -> list[str]:
        return []

    def accounts(self) -> list[Row]:
        return [
            {"account_name": n, "account_index": i, "current": n == self.account}
            for i, n in enumerate(["主账户", "副账户"])
        ]

    def current_account(self) -> str:
        return self.account

    def switch_account(self, account_name: str) -> None:
        self.calls.append(("switch_account", (account_name,)))
        if account_name not in ("主账户", "副账户"):
            raise BrokerRejected(f"账户 {account_name} 不存在")
        self.account = account_name

    def reconcile(self, command: OrderCommand, evidence: Evidence) -> Ack | None:
        self.calls.append(("reconcile", (command, evidence)))
        return self.reconcile_answer

    def close(self) -> None:
        pass
