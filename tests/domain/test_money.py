"""Money at the JSON edge: a JSON number becomes the Decimal the user typed, and a Decimal goes
back out as a JSON number without a float's noise."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from easyths.domain.money import decimal_from_json, json_number


def test_json_numbers_go_through_their_text_so_10_1_stays_10_1() -> None:
    assert decimal_from_json(10.1) == Decimal("10.1")  # Decimal(10.1) would be 10.0999…
    assert decimal_from_json(5) == Decimal(5)
    assert decimal_from_json("3.456") == "3.456"  # left to the field's own parsing


@pytest.mark.parametrize("value", [True, False])
def test_true_and_false_are_not_numbers(value: bool) -> None:
    with pytest.raises(ValueError, match="必须是数字"):
        decimal_from_json(value)


def test_decimals_leave_as_json_numbers_whole_ones_as_integers() -> None:
    assert json.dumps([json_number(Decimal("100")), json_number(Decimal("1E+2"))]) == "[100, 100]"
    assert json.dumps(json_number(Decimal("10.13"))) == "10.13"
    assert json.dumps(json_number(Decimal("0.001"))) == "0.001"
    assert json.dumps(json_number(Decimal("NaN"))) == "NaN"  # not an int: int() of it would raise
