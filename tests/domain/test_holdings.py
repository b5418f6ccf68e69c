"""What of a holding may be sold: the odd-lot remainder and T+0."""

from __future__ import annotations

import pytest

from easyths.domain.codes import classify
from easyths.domain.holdings import is_t_plus_zero, sell_quantity_error


@pytest.mark.parametrize(
    ("qty", "ok"),
    [
        (99, True),
        (100, True),
        (199, True),
        (200, True),
        (299, True),
        (1, False),
        (101, False),
        (198, False),
        (298, False),
    ],
)
def test_odd_lot_remainder_is_sold_in_one_order(qty: int, ok: bool) -> None:
    assert (sell_quantity_error(classify("600000"), qty, 299) is None) is ok


def test_star_sells_step_by_one_above_200_and_a_small_holding_goes_whole() -> None:
    star = classify("688981")
    assert sell_quantity_error(star, 201, 250) is None
    assert sell_quantity_error(star, 50, 250)
    assert sell_quantity_error(star, 150, 150) is None


def test_t_plus_zero_for_convertibles_and_configured_funds() -> None:
    assert is_t_plus_zero(classify("113050"))
    assert not is_t_plus_zero(classify("600000"))
    assert not is_t_plus_zero(classify("511990"))
    assert is_t_plus_zero(classify("511990"), ["511990"])
