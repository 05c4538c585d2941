"""Calendar arithmetic for training rules: months and years as the regulations count them.

A period of N months from 31 August ends on the last day of February, never in March.
"""

import calendar
from datetime import date, timedelta


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_years(day: date, years: int) -> date:
    return add_months(day, 12 * years)


def earliest_still_due(today: date, months: int) -> date:
    """The earliest date D with add_months(D, months) >= today.

    A unit whose last drill was before this date is overdue today. Month ends make
    add_months non-injective, hence the step forward from the naive answer.
    """
    day = add_months(today, -months)
    while add_months(day, months) < today:
        day += timedelta(days=1)
    return day
