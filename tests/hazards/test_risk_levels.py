"""Risk level computation at every threshold of both methods (hazards.risk_constants)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from hazards.risk_constants import LEC_CONSEQUENCE, LEC_EXPOSURE, LEC_LIKELIHOOD, RiskLevel
from hazards.risk_levels import grade, highest_level, lec_level, matrix_level

MAJOR, HIGH, MODERATE, LOW = RiskLevel.MAJOR, RiskLevel.HIGH, RiskLevel.MODERATE, RiskLevel.LOW


@pytest.mark.parametrize(
    ("score", "level"),
    [
        ("10000", MAJOR),
        ("320.01", MAJOR),
        ("320", HIGH),
        ("160.01", HIGH),
        ("160", MODERATE),
        ("70.01", MODERATE),
        ("70", LOW),
        ("0.05", LOW),
    ],
)
def test_lec_thresholds(score, level):
    assert lec_level(Decimal(score)) == level


@pytest.mark.parametrize(
    ("likelihood", "severity", "level"),
    [
        (5, 5, MAJOR),
        (4, 5, MAJOR),  # 20
        (5, 4, MAJOR),
        (4, 4, HIGH),  # 16
        (3, 5, HIGH),  # 15
        (3, 4, MODERATE),  # 12
        (3, 3, MODERATE),  # 9
        (2, 4, LOW),  # 8
        (1, 1, LOW),
    ],
)
def test_matrix_thresholds(likelihood, severity, level):
    score, computed = grade("matrix", matrix_likelihood=likelihood, matrix_severity=severity)
    assert score == likelihood * severity
    assert computed == level


@pytest.mark.parametrize(
    ("score", "level"),
    [
        (25, MAJOR),
        (20, MAJOR),
        (19, HIGH),
        (15, HIGH),
        (14, MODERATE),
        (9, MODERATE),
        (8, LOW),
        (1, LOW),
    ],
)
def test_matrix_score_thresholds(score, level):
    assert matrix_level(score) == level


def test_matrix_every_cell_by_its_product():
    expected = {
        score: MAJOR if score >= 20 else HIGH if score >= 15 else MODERATE if score >= 9 else LOW
        for score in range(1, 26)
    }
    for likelihood in range(1, 6):
        for severity in range(1, 6):
            score, level = grade("matrix", matrix_likelihood=likelihood, matrix_severity=severity)
            assert level == expected[int(score)]


def test_lec_products_from_the_factor_tables():
    # 1 × 10 × 7 = 70 is blue (the boundary belongs to the lower colour); 3 × 6 × 7 = 126 yellow;
    # 1 × 6 × 40 = 240 orange; 6 × 6 × 15 = 540 red; 0.5 × 0.5 × 1 = 0.25 blue.
    cases = [
        (("1", "10", "7"), Decimal("70"), LOW),
        (("3", "6", "7"), Decimal("126"), MODERATE),
        (("1", "6", "40"), Decimal("240"), HIGH),
        (("6", "6", "15"), Decimal("540"), MAJOR),
        (("0.5", "0.5", "1"), Decimal("0.25"), LOW),
    ]
    for (l_, e, c), score, level in cases:
        assert grade("lec", lec_likelihood=l_, lec_exposure=e, lec_consequence=c) == (score, level)


def test_lec_accepts_stored_decimals():
    # Read back from the database the factors carry one decimal place.
    assert grade(
        "lec",
        lec_likelihood=Decimal("10.0"),
        lec_exposure=Decimal("6.0"),
        lec_consequence=Decimal("100.0"),
    ) == (Decimal("6000"), MAJOR)


def test_lec_rejects_values_outside_the_tables_with_every_message():
    with pytest.raises(ValidationError) as error:
        grade("lec", lec_likelihood="4", lec_exposure=None, lec_consequence="abc")
    messages = error.value.message_dict
    assert set(messages) == {"lec_likelihood", "lec_exposure", "lec_consequence"}
    assert "LEC法规定的分值" in messages["lec_likelihood"][0]
    assert all(str(v) in messages["lec_exposure"][0] for v in LEC_EXPOSURE)
    assert LEC_LIKELIHOOD and LEC_CONSEQUENCE


def test_matrix_rejects_out_of_range():
    with pytest.raises(ValidationError) as error:
        grade("matrix", matrix_likelihood=6, matrix_severity=0)
    assert set(error.value.message_dict) == {"matrix_likelihood", "matrix_severity"}


def test_unknown_method():
    with pytest.raises(ValidationError) as error:
        grade("guess")
    assert "评价方法" in error.value.message_dict["method"][0]


def test_highest_level():
    assert highest_level({"major": 0, "high": 2, "moderate": 5, "low": 9}) == HIGH
    assert highest_level({"major": 1, "low": 1}) == MAJOR
    assert highest_level(dict.fromkeys(["major", "high", "moderate", "low"], 0)) is None
