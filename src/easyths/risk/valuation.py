"""What an order is worth for the value cap, decided once, at admission, from its command.

Why here and from the command: before, risk valued only orders with a price in their params, so
a market order and a stop-loss passed the cap whatever their size. Now every kind has a rule:
- a limit order: its price × quantity;
- a market order: where the backend knows the market (the sim), what the broker freezes for it:
  the limit-up price for a buy, the latest price for a sell; elsewhere the request's optional
  `protect_price`; with neither, it cannot be valued (the caller decides what that means);
- a condition order: its trigger price × quantity; a stop-loss: its take-profit trigger (the
  higher of its two) × its quantity, or the quantity held at admission when none was given;
- a reverse repo loan: the cash lent.
Cancels put nothing at stake and have no value.
"""

from __future__ import annotations

from decimal import Decimal

from easyths.brokers.abilities import Marks
from easyths.domain.codes import classify
from easyths.domain.commands import CommandKind, OrderCommand, Side
from easyths.domain.prices import round_half_up


def value_of(command: OrderCommand, marks: Marks | None) -> Decimal | None:
    """The command's value in yuan, or None when it cannot be valued from what is known."""
    kind, qty = command.kind, command.quantity
    if kind is CommandKind.REPO:
        return None if command.amount is None else Decimal(command.amount)
    if kind in (CommandKind.LIMIT, CommandKind.CONDITION):
        return None if command.price is None or qty is None else command.price * qty
    if kind is CommandKind.MARKET:
        rule = _market_price(command, marks)
        return None if rule is None or qty is None else rule * qty
    if kind is CommandKind.STOP_LOSS_PROFIT:
        return _stop_value(command, marks)
    return None


def _market_price(command: OrderCommand, marks: Marks | None) -> Decimal | None:
    if marks is not None:
        known = marks.limit_up if command.side is Side.BUY else marks.price
        if known is not None:
            return known
    return command.protect_price


def _stop_value(command: OrderCommand, marks: Marks | None) -> Decimal | None:
    qty = command.quantity
    if marks is not None and marks.cost_price is not None and command.stop_profit_percent is not None:
        trigger = marks.cost_price * (1 + command.stop_profit_percent / 100)
        if command.code:
            trigger = round_half_up(trigger, classify(command.code).tick)
        held = qty if qty is not None else marks.available or marks.held
        return trigger * held
    if command.protect_price is not None and qty is not None:
        return command.protect_price * qty
    return None


__all__ = ["value_of"]
