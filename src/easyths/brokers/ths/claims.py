"""What the session remembers between flows, so the book settles each question once.

Why: a flow that ended without a verdict may still send dialogs (`outstanding`), a 合同编号
credited to one flow must never be credited to another (`claimed`: an identical order placed after
an unknown one), and an order this service placed but no read of 当日委托 has shown yet
(`expected`) means that read has not caught up, not that the order is gone.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from easyths.brokers.ths.seam import GuiSeam
from easyths.brokers.ths.verdicts import Attempt

OUTSTANDING = 16  # earlier flows remembered as "may still send dialogs"
CLAIMED = 4096  # 合同编号 remembered as credited (several days of orders)


class Claims:
    """Mixed into `ClientSession`, which sets the state up."""

    raw_seam: GuiSeam
    outstanding: list[dict[str, Any]]
    claimed: dict[str, None]
    expected: dict[str, date]

    def _remember(self, attempt: Attempt | None) -> None:
        if attempt is not None and attempt.submitted:
            self.outstanding.append(attempt.hint)
            del self.outstanding[:-OUTSTANDING]

    def claim(self, contract_no: str) -> str:
        """Remember a 合同编号 as some flow's own (bounded: the oldest are forgotten first)."""
        self.claimed[contract_no] = None
        if not contract_no.startswith("条件单:"):
            self.expected[contract_no] = self.raw_seam.today()
            while len(self.expected) > OUTSTANDING:
                del self.expected[next(iter(self.expected))]
        while len(self.claimed) > CLAIMED:
            del self.claimed[next(iter(self.claimed))]
        return contract_no

    def expected_today(self) -> set[str]:
        """The 合同编号 placed today that no read of 当日委托 has shown yet."""
        today = self.raw_seam.today()
        return {c for c, day in self.expected.items() if day == today}

    def seen(self, contract_nos: set[str] | None = None) -> None:
        """A read of 当日委托 showed these (None: forget them all, e.g. another account)."""
        for contract_no in list(self.expected) if contract_nos is None else contract_nos:
            self.expected.pop(contract_no, None)

    def settled(self) -> None:
        """Late dialogs have been waited for and closed: earlier flows can send no more."""
        self.outstanding.clear()


__all__ = ["CLAIMED", "OUTSTANDING", "Claims"]
