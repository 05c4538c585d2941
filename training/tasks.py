"""Daily reminder jobs of training (beat schedule: migration 0003), safe to run twice.

- `send_certificate_reminders` (08:40): 60, 30 and 7 days before a certificate's review date
  and its expiry, and once after it expires (the enterprise is flagged: its users
  and the location's staff are told), each exactly once: the notifications' dedup key
  (certificate, which date, the date itself, threshold) is unique per recipient. A
  certificate falls in the window of the smallest threshold its date is within, so a day the
  job did not run is caught up the next day; a renewed certificate's new dates start afresh.
- `send_drill_reminders` (08:45): 30 and 7 days before an enterprise falls out of drill
  compliance, and once when it does, for each requirement on its own (its plans' drills;
  its on-site response drills every half year), keyed by the requirement and its due date
  (a new drill moves it).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from celery import shared_task
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.notifications import Message, notify_many
from orgs.constants import Role
from orgs.models import Enterprise, Membership
from training.constants import CERTIFICATE_REMINDER_DAYS, DRILL_REMINDER_DAYS, DrillStatus
from training.models import Certificate
from training.stats import drill_compliance, drill_due_on, on_site_drill_due_on

# Which certificate dates are reminded of, as users name them.
# A certificate expired this many days ago is still announced if the job was down that day.
EXPIRED_CATCH_UP_DAYS = 7
CERTIFICATE_DATES = {"review_due_on": _("复审"), "expires_on": _("有效期届满")}


def _day(today: str | None) -> date:
    return date.fromisoformat(today) if today else timezone.localdate()


def threshold_for(days_left: int, thresholds) -> int | None:
    """The smallest threshold a date `days_left` away is within."""
    within = [days for days in thresholds if 0 <= days_left <= days]
    return min(within) if within else None


def _recipients(enterprise_ids, org_unit_ids):
    """Users of each enterprise and staff of each location unit, in two queries."""
    by_enterprise, by_unit = defaultdict(set), defaultdict(set)
    for enterprise_id, user_id in Membership.objects.filter(
        role=Role.ENTERPRISE, enterprise_id__in=enterprise_ids
    ).values_list("enterprise_id", "user_id"):
        by_enterprise[enterprise_id].add(user_id)
    for unit_id, user_id in Membership.objects.filter(
        role=Role.STAFF, org_unit_id__in=org_unit_ids
    ).values_list("org_unit_id", "user_id"):
        by_unit[unit_id].add(user_id)
    return by_enterprise, by_unit


def _to_each(recipients, title: str, key: str) -> list[Message]:
    return [
        Message(recipient_id=user_id, title=title, dedup_key=key) for user_id in sorted(recipients)
    ]


@shared_task(acks_late=True)
def send_certificate_reminders(today: str | None = None) -> int:
    """Returns how many certificates were in a reminder window today."""
    day = _day(today)
    horizon = day + timedelta(days=max(CERTIFICATE_REMINDER_DAYS))
    rows = list(
        Certificate.objects.filter(is_void=False, review_due_on__lte=horizon)
        .filter(expires_on__gte=day - timedelta(days=EXPIRED_CATCH_UP_DAYS))
        .values(
            "pk",
            "number",
            "review_due_on",
            "expires_on",
            "org_unit_id",
            "enterprise_id",
            "holder__name",
        )
    )
    by_enterprise, by_unit = _recipients(
        {r["enterprise_id"] for r in rows}, {r["org_unit_id"] for r in rows}
    )
    messages, reminded = [], 0
    for row in rows:
        recipients = by_enterprise[row["enterprise_id"]] | by_unit[row["org_unit_id"]]
        found = False
        for field, what in CERTIFICATE_DATES.items():
            when = row[field]
            days_left = (when - day).days
            threshold = threshold_for(days_left, CERTIFICATE_REMINDER_DAYS)
            if field == "review_due_on" and when >= row["expires_on"]:
                # A review due on the expiry day is the expiry itself: remind once.
                continue
            if threshold is not None:
                title = _("%(name)s的证书%(number)s将于%(date)s%(what)s（剩%(days)d天）") % {
                    "name": row["holder__name"],
                    "number": row["number"],
                    "date": when.isoformat(),
                    "what": what,
                    "days": days_left,
                }
                key = f"certificate:{row['pk']}:{field}:{when.isoformat()}:{threshold}"
            elif field == "expires_on" and days_left < 0:
                title = _("%(name)s的证书%(number)s已于%(date)s过期，请停止其持证作业") % {
                    "name": row["holder__name"],
                    "number": row["number"],
                    "date": when.isoformat(),
                }
                key = f"certificate:{row['pk']}:expired:{when.isoformat()}"
            else:
                continue
            found = True
            messages += _to_each(recipients, title, key)
        reminded += found
    with transaction.atomic():
        notify_many(messages)
    return reminded


# Per requirement: the annotations of `drill_compliance` it is judged on, its due date, and
# what a reminder asks for. The general requirement keeps the key it had before the on-site
# one existed, so reminders already sent are not sent again.
DRILL_TRACKS = (
    (
        "general_drill_status",
        "last_drill_on",
        drill_due_on,
        "drill",
        _("应急演练"),
    ),
    (
        "on_site_drill_status",
        "last_on_site_drill_on",
        on_site_drill_due_on,
        "drill:on_site",
        _("现场处置方案演练"),
    ),
)


@shared_task(acks_late=True)
def send_drill_reminders(today: str | None = None) -> int:
    """Returns how many enterprises were reminded of (or told of) a drill today."""
    day = _day(today)
    units = list(
        drill_compliance(Enterprise.objects.all(), day)
        .exclude(drill_status=DrillStatus.COMPLIANT)
        .only("pk", "name", "org_unit_id")
    )
    by_enterprise, by_unit = _recipients({u.pk for u in units}, {u.org_unit_id for u in units})
    messages, reminded = [], 0
    for unit in units:
        recipients = by_enterprise[unit.pk] | by_unit[unit.org_unit_id]
        found = False
        for status_field, last_field, due_on, prefix, what in DRILL_TRACKS:
            # A requirement never met has no due date to remind of; the compliance list
            # shows the unit as overdue.
            if getattr(unit, status_field) == DrillStatus.COMPLIANT or not getattr(
                unit, last_field
            ):
                continue
            due = due_on(unit)
            days_left = (due - day).days
            threshold = threshold_for(days_left, DRILL_REMINDER_DAYS)
            values = {"name": unit.name, "date": due.isoformat(), "what": what}
            if threshold is not None:
                title = _("%(name)s应于%(date)s前组织%(what)s（剩%(days)d天）") % {
                    **values,
                    "days": days_left,
                }
                key = f"{prefix}:{unit.pk}:{due.isoformat()}:{threshold}"
            elif days_left < 0:
                title = _("%(name)s已逾期未组织%(what)s（应于%(date)s前）") % values
                key = f"{prefix}:{unit.pk}:{due.isoformat()}:overdue"
            else:
                continue
            found = True
            messages += _to_each(recipients, title, key)
        reminded += found
    with transaction.atomic():
        notify_many(messages)
    return reminded
