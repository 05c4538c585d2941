"""同比: a figure against the same period last year, worded as the bulletins word it.

"发生事故673起，比上年同期少432起，下降39.10%" — the change is the absolute difference, the
percentage is the change over last year's figure, rounded half up to 2 decimals (the seed's
39.09 is its own rounding slip: 432 / 1105 = 39.095…). Equal figures are 持平; a rise from
zero has no percentage.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

UP = "上升"
DOWN = "下降"
FLAT = "持平"
HUNDREDTH = Decimal("0.01")


@dataclass(frozen=True)
class YearOnYear:
    current: Decimal
    previous: Decimal
    change: Decimal
    percent: Decimal | None
    direction: str

    @property
    def more_or_less(self) -> str:
        """多 / 少 (持平: 持平)."""
        if self.direction == FLAT:
            return FLAT
        return "多" if self.direction == UP else "少"

    def phrase(self, unit: str) -> str:
        """ "少432起，下降39.10%" (or "持平", or "多3起" when last year had none)."""
        if self.direction == FLAT:
            return FLAT
        amount = f"{self.more_or_less}{format_number(self.change)}{unit}"
        if self.percent is None:
            return amount
        return f"{amount}，{self.direction}{self.percent}%"

    def as_dict(self) -> dict:
        return {
            "current": format_number(self.current),
            "previous": format_number(self.previous),
            "change": format_number(self.change),
            "percent": str(self.percent) if self.percent is not None else None,
            "direction": self.direction,
        }


def format_number(value: Decimal) -> str:
    """Whole numbers without decimals (673), others as stored (120.50)."""
    value = Decimal(value)
    if value == value.to_integral_value():
        return str(value.quantize(Decimal(1)))
    return str(value.quantize(HUNDREDTH, rounding=ROUND_HALF_UP))


def year_on_year(current, previous) -> YearOnYear:
    current, previous = Decimal(current or 0), Decimal(previous or 0)
    change = abs(current - previous)
    direction = FLAT if current == previous else UP if current > previous else DOWN
    percent = None
    if previous:
        percent = (change * 100 / previous).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)
    if direction == FLAT:
        percent = Decimal("0.00")
    return YearOnYear(current, previous, change, percent, direction)
