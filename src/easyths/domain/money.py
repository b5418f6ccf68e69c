"""Money at the JSON edge: Decimal inside, JSON numbers outside (DESIGN §2 "Money").

Why one module: the service, the SDK and the CLI each cross that edge, and they must agree — a
price read as 10.0999… on one side and 10.1 on the other is a different order. Pure stdlib, so the
SDK can share it without importing server code.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any


def decimal_from_json(value: Any) -> Any:
    """A pydantic BeforeValidator: JSON numbers go through str so 10.1 stays 10.1, not 10.0999…;
    true/false are not numbers (bool is an int in Python); anything else is left to the field."""
    if isinstance(value, bool):
        raise ValueError("必须是数字")
    if isinstance(value, float | int):
        return Decimal(str(value))
    return value


def json_number(value: Decimal) -> int | float:
    """A Decimal as a JSON number. A quantity written without decimals stays an integer
    (Decimal('100') → 100, not 100.0); an amount that carries decimals stays a float even when they
    are zeros (Decimal('100.00') → 100.0): the number keeps the form its source wrote. float's
    repr round-trips, so Decimal('10.13') arrives as 10.13. NaN and infinity stay floats."""
    exponent = value.as_tuple().exponent
    whole = isinstance(exponent, int) and exponent >= 0 and value == value.to_integral_value()
    return int(value) if whole else float(value)
