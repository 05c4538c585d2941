"""A risk's level from its grading method's inputs (thresholds: hazards.risk_constants)."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from hazards.risk_constants import (
    LEC_CONSEQUENCE,
    LEC_EXPOSURE,
    LEC_LIKELIHOOD,
    LEC_THRESHOLDS,
    MATRIX_THRESHOLDS,
    RISK_LEVEL_ORDER,
    MatrixLikelihood,
    MatrixSeverity,
    RiskLevel,
    RiskMethod,
)


def lec_level(score) -> RiskLevel:
    """D > 320 red, (160, 320] orange, (70, 160] yellow, ≤ 70 blue."""
    for threshold, level in LEC_THRESHOLDS:
        if score > threshold:
            return level
    return RiskLevel.LOW


def matrix_level(score) -> RiskLevel:
    """R ≥ 20 red, [15, 20) orange, [9, 15) yellow, < 9 blue."""
    for minimum, level in MATRIX_THRESHOLDS:
        if score >= minimum:
            return level
    return RiskLevel.LOW


def _factor(value, table, field, label) -> Decimal:
    try:
        number = Decimal(str(value)) if value not in (None, "") else None
    except ArithmeticError:
        number = None
    if number is None or number not in table:
        allowed = "、".join(str(v) for v in sorted(table))
        raise ValidationError(
            {
                field: _("%(label)s应取LEC法规定的分值之一：%(allowed)s。")
                % {"label": label, "allowed": allowed}
            }
        )
    return number


def grade(
    method,
    *,
    lec_likelihood=None,
    lec_exposure=None,
    lec_consequence=None,
    matrix_likelihood=None,
    matrix_severity=None,
) -> tuple[Decimal, RiskLevel]:
    """(score, level) for the method's inputs; a Chinese ValidationError per bad input."""
    if method == RiskMethod.LEC:
        errors = {}
        factors = []
        for value, table, field, label in (
            (lec_likelihood, LEC_LIKELIHOOD, "lec_likelihood", "L（可能性）"),
            (lec_exposure, LEC_EXPOSURE, "lec_exposure", "E（暴露频繁程度）"),
            (lec_consequence, LEC_CONSEQUENCE, "lec_consequence", "C（后果）"),
        ):
            try:
                factors.append(_factor(value, table, field, label))
            except ValidationError as exc:
                errors.update(exc.error_dict)
        if errors:
            raise ValidationError(errors)
        score = factors[0] * factors[1] * factors[2]
        return score, lec_level(score)
    if method == RiskMethod.MATRIX:
        errors = {}
        for value, choices, field, label in (
            (matrix_likelihood, MatrixLikelihood, "matrix_likelihood", "L（可能性）"),
            (matrix_severity, MatrixSeverity, "matrix_severity", "S（严重性）"),
        ):
            if value not in choices.values:
                errors[field] = _("%(label)s应为1至5的整数。") % {"label": label}
        if errors:
            raise ValidationError(errors)
        score = Decimal(matrix_likelihood * matrix_severity)
        return score, matrix_level(score)
    raise ValidationError({"method": _("请选择评价方法（LEC法或风险矩阵法）。")})


def highest_level(counts: dict) -> RiskLevel | None:
    """The highest level with a non-zero count in {level: count}; None when all are zero."""
    return next((level for level in RISK_LEVEL_ORDER if counts.get(level)), None)
