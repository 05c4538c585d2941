"""Local days as instants."""

from datetime import date, datetime, time

from django.utils import timezone


def start_of_day(day: date) -> datetime:
    """The first instant of a local (Asia/Shanghai) day. Timestamps are compared against
    these, so a column's index serves and no row is converted to a date."""
    return timezone.make_aware(datetime.combine(day, time.min))
