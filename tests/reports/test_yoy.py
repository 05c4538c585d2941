"""Year on year (同比): the seed 004 figures and the edge cases."""

from decimal import Decimal

import pytest

from reports.yoy import DOWN, FLAT, UP, year_on_year


def test_seed_accidents_and_deaths():
    accidents = year_on_year(673, 1105)
    assert accidents.phrase("起") == "少432起，下降39.10%"
    assert accidents.direction == DOWN
    assert accidents.percent == Decimal("39.10")
    assert year_on_year(141, 228).phrase("人") == "少87人，下降38.16%"


@pytest.mark.parametrize(
    ("current", "previous", "phrase", "direction"),
    [
        (5, 5, "持平", FLAT),
        (0, 0, "持平", FLAT),
        (3, 0, "多3起", UP),
        (0, 4, "少4起，下降100.00%", DOWN),
        (3, 2, "多1起，上升50.00%", UP),
        # Half up: 1/8 = 12.5 %, 1/3 = 33.333… %, 2/3 = 66.666… %.
        (9, 8, "多1起，上升12.50%", UP),
        (2, 3, "少1起，下降33.33%", DOWN),
        (1, 3, "少2起，下降66.67%", DOWN),
    ],
)
def test_phrases(current, previous, phrase, direction):
    result = year_on_year(current, previous)
    assert result.phrase("起") == phrase
    assert result.direction == direction


def test_half_up_not_bankers_rounding():
    # 1 / 800 = 0.125 %: half-even would give 0.12.
    assert year_on_year(801, 800).percent == Decimal("0.13")


def test_decimal_amounts():
    loss = year_on_year(Decimal("120.50"), Decimal("100.00"))
    assert loss.phrase("万元") == "多20.50万元，上升20.50%"
    assert loss.as_dict() == {
        "current": "120.50",
        "previous": "100",
        "change": "20.50",
        "percent": "20.50",
        "direction": UP,
    }
    assert year_on_year(None, 2).current == 0
