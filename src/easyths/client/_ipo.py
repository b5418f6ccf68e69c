"""The SDK's 打新 methods: today's issues, one subscription, the allotments, and subscribing to
every issue of the day once (keyed by day and code)."""

from __future__ import annotations

from typing import Any

from easyths.client import _plan as p
from easyths.client import models as m
from easyths.client._base import (
    DEFAULT,
)
from easyths.client._bridge import endpoint
from easyths.client._operations import OperationsApi
from easyths.client._queries import JSON_ROWS
from easyths.errors import OperationFailed
from easyths.params import (
    IpoSubscribeParams,
)


class IpoApi(OperationsApi):
    """新股/新债: issues, subscriptions and allotments."""

    def _ipo_issues(self, timeout: Any) -> p.Plan[list[m.IpoIssue]]:
        verdict = yield from self._op("ipo_query", JSON_ROWS, timeout=timeout)
        return p.rows(verdict, "ipo_list", m.IpoIssue)

    def _ipo_subscribe(
        self, code: str, quantity: int | None, key: str, account_name: str | None, timeout: Any
    ) -> p.Plan[m.IpoSubscription]:
        params = IpoSubscribeParams.model_construct(stock_code=code, quantity=quantity, account_name=account_name)
        verdict = yield from self._op("ipo_subscribe", params, key=key, timeout=timeout)
        return m.IpoSubscription.model_validate(
            {**(verdict.data or {}), "operation_id": verdict.operation_id, "client_order_id": key}
        )

    @endpoint
    def ipo_query(self, *, timeout: Any = DEFAULT) -> p.Plan[list[m.IpoIssue]]:
        """Today's new shares and bonds (`.subscribe_code`, `.allowed` 可申购数量, `.subscribed`)."""
        return (yield from self._ipo_issues(timeout))

    @endpoint
    def ipo_subscribe(
        self,
        stock_code: str,
        quantity: int | None = None,
        *,
        client_order_id: str | None = None,
        account_name: str | None = None,
        timeout: Any = DEFAULT,
    ) -> p.Plan[m.IpoSubscription]:
        """Subscribe to one issue (申购代码 or 证券代码); `quantity` None: the most allowed."""
        key = client_order_id or p.new_client_order_id()
        return (yield from self._ipo_subscribe(stock_code, quantity, key, account_name, timeout))

    @endpoint
    def ipo_allotments(self, *, timeout: Any = DEFAULT) -> p.Plan[list[m.IpoAllotment]]:
        """Each subscription's 配号, 中签, amount due and payment, newest first."""
        verdict = yield from self._op("ipo_allotment_query", JSON_ROWS, timeout=timeout)
        return p.rows(verdict, "allotments", m.IpoAllotment)

    @endpoint
    def subscribe_all_ipos(self, *, timeout: Any = DEFAULT) -> p.Plan[list[m.IpoOutcome]]:
        """Subscribe to every issue of today with quota left, one operation each.

        Each carries the idempotency key `ipo-<申购日期>-<证券代码>` (the broker's day, so a
        rehearsal on the sim's clock keys by the sim's day): run it twice, even from two machines,
        and each issue is still subscribed once. An issue that fails does not stop the others;
        its outcome says why, and an `unknown` one must be checked in 当日委托 before any retry.
        """
        outcomes: list[m.IpoOutcome] = []
        for issue in (yield from self._ipo_issues(timeout)):
            code = issue.stock_code or issue.subscribe_code or ""
            if issue.subscribed or not issue.allowed:
                why = "今日已申购" if issue.subscribed else "可申购数量为0（无额度）"
                outcomes.append(m.IpoOutcome(stock_code=code, name=issue.name, status="skipped", message=why))
                continue
            key = f"ipo-{issue.subscribe_date}-{code}"
            try:
                done = yield from self._ipo_subscribe(code, None, key, None, timeout)
            except OperationFailed as exc:
                outcomes.append(
                    m.IpoOutcome(
                        stock_code=code,
                        name=issue.name,
                        status=exc.status,
                        operation_id=exc.operation_id,
                        message=exc.message,
                    )
                )
                continue
            outcomes.append(
                m.IpoOutcome(
                    stock_code=code,
                    name=issue.name,
                    status="success",
                    quantity=done.quantity,
                    contract_no=done.contract_no,
                    operation_id=done.operation_id,
                    message=done.message,
                )
            )
        return outcomes


__all__ = ["IpoApi"]
