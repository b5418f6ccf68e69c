"""What a code says about its board: buy lots by board, and repo codes that only lend."""

from __future__ import annotations

import pytest

from easyths.domain.codes import classify


@pytest.mark.parametrize(
    ("code", "good", "bad"),
    [
        ("600000", [100, 200, 1000], [50, 150]),  # main board: lots of 100
        ("300750", [100, 300], [120]),  # ChiNext: lots of 100
        ("688981", [200, 201, 257], [100, 199]),  # STAR: at least 200, then steps of 1
        ("920001", [100, 101], [99]),  # BSE: at least 100, then steps of 1
        ("113050", [10, 20], [5, 15]),  # convertible bonds: 10 张
        ("510300", [100, 500], [150]),  # ETF: 100 units
    ],
)
def test_buy_lots_follow_the_board(code: str, good: list[int], bad: list[int]) -> None:
    inst = classify(code)
    assert all(inst.buy_quantity_error(q) is None for q in good)
    assert all(inst.buy_quantity_error(q) for q in bad)


def test_a_repo_code_cannot_be_bought() -> None:
    """Buying 204001 would be borrowing (正回购): a retail account only lends, by selling."""
    assert "只能卖出" in (classify("204001").buy_quantity_error(10) or "")
    assert "只能卖出" in (classify("131810").buy_quantity_error(1000) or "")
