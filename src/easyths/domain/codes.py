"""What a 6-digit code is: exchange, board, kind, lot, tick and size limits.

Classification follows `docs/rules.md#boards`: BSE prefixes are checked first (920xxx would
otherwise look like SH), then the SH prefixes, and everything else is SZ. The result is a frozen
value object so validation (API), matching (sim) and price formatting (THS driver) agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache


class Exchange(StrEnum):
    SH = "SH"
    SZ = "SZ"
    BJ = "BJ"


class Board(StrEnum):
    MAIN = "main"  # 沪深主板
    CHINEXT = "chinext"  # 创业板
    STAR = "star"  # 科创板
    BSE = "bse"  # 北交所
    FUND = "fund"  # ETF / LOF / 封基 / REITs
    CONVERTIBLE = "convertible"  # 可转债 / 可交换债
    REPO = "repo"  # 国债逆回购


class Kind(StrEnum):
    STOCK = "stock"
    FUND = "fund"
    BOND = "bond"
    REPO = "repo"


STOCK_TICK = Decimal("0.01")
FINE_TICK = Decimal("0.001")

# 国债逆回购: code -> (exchange, term in days, display name)
REPO_CODES: dict[str, tuple[Exchange, int, str]] = {
    "204001": (Exchange.SH, 1, "GC001"),
    "204002": (Exchange.SH, 2, "GC002"),
    "204003": (Exchange.SH, 3, "GC003"),
    "204004": (Exchange.SH, 4, "GC004"),
    "204007": (Exchange.SH, 7, "GC007"),
    "204014": (Exchange.SH, 14, "GC014"),
    "204028": (Exchange.SH, 28, "GC028"),
    "204091": (Exchange.SH, 91, "GC091"),
    "204182": (Exchange.SH, 182, "GC182"),
    "131810": (Exchange.SZ, 1, "R-001"),
    "131811": (Exchange.SZ, 2, "R-002"),
    "131800": (Exchange.SZ, 3, "R-003"),
    "131809": (Exchange.SZ, 4, "R-004"),
    "131801": (Exchange.SZ, 7, "R-007"),
    "131802": (Exchange.SZ, 14, "R-014"),
    "131803": (Exchange.SZ, 28, "R-028"),
    "131805": (Exchange.SZ, 91, "R-091"),
    "131806": (Exchange.SZ, 182, "R-182"),
}


def repo_code(exchange: Exchange, term_days: int) -> str:
    """The reverse-repo code for a market and term; KeyError when no such product."""
    for code, (ex, days, _) in REPO_CODES.items():
        if ex == exchange and days == term_days:
            return code
    raise KeyError(f"{exchange}:{term_days}")


@dataclass(frozen=True, slots=True)
class Instrument:
    code: str
    exchange: Exchange
    board: Board
    kind: Kind
    tick: Decimal
    buy_min: int  # smallest buy quantity
    buy_step: int  # increments above the minimum
    odd_lot: int  # a sell remainder below this must go in one order
    max_limit_qty: int  # largest limit order
    max_market_qty: int  # largest market order
    t_plus_zero: bool  # may sell what was bought today

    @property
    def market_name(self) -> str:
        """THS 交易市场 column text (full-width Ａ, as the client prints it)."""
        return {Exchange.SH: "上海Ａ股", Exchange.SZ: "深圳Ａ股", Exchange.BJ: "北京Ａ股"}[self.exchange]

    def buy_quantity_error(self, quantity: int, max_qty: int | None = None) -> str | None:
        """Why `quantity` is not a valid buy size for this board, or None when it is.

        `max_qty` replaces the board's limit-order cap where another one applies (盘后固定价格交易:
        `docs/rules.md#after-hours`); the minimum and the step stay the board's."""
        if quantity <= 0:
            return "委托数量必须大于0"
        if self.kind is Kind.REPO:  # lending is a sell; buying a repo code is 正回购 (borrowing)
            return f"{self.code}是国债逆回购代码：只能卖出（出借资金），不能买入"
        if quantity < self.buy_min:
            return f"{self.code}买入数量不得少于{self.buy_min}"
        if (quantity - self.buy_min) % self.buy_step:
            if self.buy_step == self.buy_min:
                return f"{self.code}买入数量必须是{self.buy_step}的整数倍"
            return f"{self.code}买入数量须不少于{self.buy_min}且以{self.buy_step}为单位递增"
        cap = self.max_limit_qty if max_qty is None else max_qty
        if quantity > cap:
            return f"{self.code}单笔委托数量不得超过{cap}"
        return None

    def price_error(self, price: Decimal) -> str | None:
        """Why `price` is not a valid order price (≤ 0 or off the tick), or None."""
        if price <= 0:
            return "委托价格必须大于0"
        if price % self.tick:
            return f"委托价格的小数价格应为{self.tick}的整数倍"
        return None


_SH_BOND_PREFIXES = ("110", "111", "113", "118", "132")


@lru_cache(maxsize=4096)
def classify(code: str) -> Instrument:
    """Classify a 6-digit code; ValueError when it is not one."""
    if len(code) != 6 or not (code.isascii() and code.isdigit()):  # not ６０００００
        raise ValueError("证券代码必须是6位数字")
    if code in REPO_CODES:
        ex = REPO_CODES[code][0]
        return Instrument(code, ex, Board.REPO, Kind.REPO, FINE_TICK, 10, 10, 10, 100_000_000, 0, True)
    if code.startswith(("92", "43", "83", "87", "88")):
        return Instrument(
            code, Exchange.BJ, Board.BSE, Kind.STOCK, STOCK_TICK, 100, 1, 100, 1_000_000, 1_000_000, False
        )
    if code.startswith(("688", "689")):
        return Instrument(code, Exchange.SH, Board.STAR, Kind.STOCK, STOCK_TICK, 200, 1, 200, 100_000, 50_000, False)
    if code.startswith(_SH_BOND_PREFIXES) or code.startswith(("123", "127", "128", "120")):
        ex = Exchange.SH if code.startswith(_SH_BOND_PREFIXES) else Exchange.SZ
        return Instrument(code, ex, Board.CONVERTIBLE, Kind.BOND, FINE_TICK, 10, 10, 10, 100_000, 100_000, True)
    if code.startswith("5"):
        return Instrument(
            code, Exchange.SH, Board.FUND, Kind.FUND, FINE_TICK, 100, 100, 100, 1_000_000, 1_000_000, False
        )
    if code.startswith(("15", "16", "18")):
        return Instrument(
            code, Exchange.SZ, Board.FUND, Kind.FUND, FINE_TICK, 100, 100, 100, 1_000_000, 1_000_000, False
        )
    if code.startswith(("6", "9")):
        return Instrument(
            code, Exchange.SH, Board.MAIN, Kind.STOCK, STOCK_TICK, 100, 100, 100, 1_000_000, 1_000_000, False
        )
    if code.startswith("3"):
        return Instrument(
            code, Exchange.SZ, Board.CHINEXT, Kind.STOCK, STOCK_TICK, 100, 100, 100, 300_000, 150_000, False
        )
    return Instrument(code, Exchange.SZ, Board.MAIN, Kind.STOCK, STOCK_TICK, 100, 100, 100, 1_000_000, 1_000_000, False)


__all__ = ["REPO_CODES", "Board", "Exchange", "Instrument", "Kind", "classify", "repo_code"]
