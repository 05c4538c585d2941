"""The ledger's daily jobs (beat schedule: migration 0004), safe to run twice or to retry.

- `mark_overdue_and_escalate` (01:30): flags overdue hazards set-wise, then proposes the next
  step of the escalation ladder (函告 → 通报 → 约谈 → 曝光) for those overdue long enough
  (ESCALATION_THRESHOLDS days past the deadline); the unique (hazard, step) makes a second
  run a no-op. A superior issues or dismisses each proposal (hazards.services).
- `send_hazard_deadline_reminders` (08:30): reminds the location unit's staff and the
  enterprise's users 7, 3 and 1 days before the deadline, each (hazard, deadline, threshold)
  once: the notifications' dedup key is unique per recipient. A hazard falls in the window of
  the smallest threshold its deadline is within, so a day the job did not run is caught up
  the next day, and a deadline moved later starts its reminders afresh.
- `send_risk_review_reminders` (08:40, migration 0007): tells the responsible unit — the
  location unit's staff and the enterprise's users — of each active risk past its review date,
  once per (risk, review date): re-reviewing it sets a new date and a new reminder later.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from celery import shared_task
from django.db import transaction
from django.db.models import Max, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.notifications import Message, notify_many
from hazards.constants import ESCALATION_THRESHOLDS, REMINDER_DAYS
from hazards.models import Escalation, Hazard, Risk
from hazards.risk_constants import RiskLevel
from hazards.services import OVERDUE_STATUSES, hazard_link
from orgs.constants import Role
from orgs.models import Membership

LAST_STEP = max(ESCALATION_THRESHOLDS)


def _day(today: str | None) -> date:
    return date.fromisoformat(today) if today else timezone.localdate()


def overdue_on(day: date) -> Q:
    return Q(is_void=False, status__in=OVERDUE_STATUSES, deadline__lt=day)


@shared_task(acks_late=True)
def mark_overdue_and_escalate(today: str | None = None) -> dict[str, int]:
    """Returns how many hazards became overdue, stopped being so, and steps proposed."""
    day = _day(today)
    with transaction.atomic():
        marked = Hazard.objects.filter(overdue_on(day), is_overdue=False).update(is_overdue=True)
        # Rectified, voided or given a later deadline since the last run.
        cleared = (
            Hazard.objects.filter(is_overdue=True).exclude(overdue_on(day)).update(is_overdue=False)
        )
        proposed = propose_escalations(day)
    return {"marked": marked, "cleared": cleared, "proposed": proposed}


def propose_escalations(day: date) -> int:
    """For each overdue hazard, the step after its last one, once it is overdue long enough.

    One step per run: a superior sees 函告 before 通报 even when the job was down for weeks.
    """
    candidates = (
        Hazard.objects.filter(overdue_on(day))
        .annotate(last_step=Coalesce(Max("escalations__step"), 0))
        .filter(last_step__lt=LAST_STEP)
        .values(
            "pk",
            "deadline",
            "last_step",
            "org_unit_id",
            "org_path",
            "province_id",
            "city_id",
            "county_id",
            "township_id",
        )
    )
    proposals = []
    for row in candidates.iterator(chunk_size=2000):
        step = row["last_step"] + 1
        if row["deadline"] + timedelta(days=ESCALATION_THRESHOLDS[step]) < day:
            proposals.append(
                Escalation(
                    hazard_id=row["pk"],
                    step=step,
                    # Located where its hazard is (bulk_create skips save's copy_location).
                    org_unit_id=row["org_unit_id"],
                    org_path=row["org_path"],
                    province_id=row["province_id"],
                    city_id=row["city_id"],
                    county_id=row["county_id"],
                    township_id=row["township_id"],
                )
            )
    created = Escalation.objects.bulk_create(proposals, batch_size=1000, ignore_conflicts=True)
    return len(created)


def reminder_threshold(days_left: int) -> int | None:
    """The smallest reminder threshold a deadline `days_left` away is within."""
    within = [days for days in REMINDER_DAYS if 0 <= days_left <= days]
    return min(within) if within else None


@shared_task(acks_late=True)
def send_hazard_deadline_reminders(today: str | None = None) -> int:
    """Remind of deadlines 7, 3 and 1 days ahead; returns the hazards reminded today."""
    day = _day(today)
    due = list(
        Hazard.objects.filter(
            is_void=False,
            status__in=OVERDUE_STATUSES,
            deadline__gte=day,
            deadline__lte=day + timedelta(days=max(REMINDER_DAYS)),
        ).values("pk", "ledger_number", "deadline", "description", "org_unit_id", "enterprise_id")
    )
    if not due:
        return 0
    staff = _user_ids(
        Membership.objects.filter(
            role=Role.STAFF, org_unit_id__in={row["org_unit_id"] for row in due}
        ),
        "org_unit_id",
    )
    enterprise_users = _user_ids(
        Membership.objects.filter(
            role=Role.ENTERPRISE, enterprise_id__in={row["enterprise_id"] for row in due}
        ),
        "enterprise_id",
    )
    messages = []
    for row in due:
        days_left = (row["deadline"] - day).days
        threshold = reminder_threshold(days_left)
        title = _("隐患整改将于%(deadline)s到期（剩%(days)d天）：%(number)s") % {
            "deadline": row["deadline"].isoformat(),
            "days": days_left,
            "number": row["ledger_number"],
        }
        recipients = staff[row["org_unit_id"]] | enterprise_users[row["enterprise_id"]]
        key = f"hazard-deadline:{row['pk']}:{row['deadline'].isoformat()}:{threshold}"
        link = hazard_link(row["pk"])
        messages += [
            Message(
                recipient_id=user_id,
                title=title,
                body=row["description"][:200],
                link=link,
                dedup_key=key,
            )
            for user_id in sorted(recipients)
        ]
    with transaction.atomic():
        notify_many(messages)
    return len(due)


@shared_task(acks_late=True)
def send_risk_review_reminders(today: str | None = None) -> int:
    """Remind of risks past their review date; returns how many such risks there are."""
    day = _day(today)
    due = list(
        Risk.objects.filter(status=Risk.Status.ACTIVE, review_date__lt=day).values(
            "pk", "name", "level", "review_date", "org_unit_id", "enterprise_id"
        )
    )
    if not due:
        return 0
    staff = _user_ids(
        Membership.objects.filter(
            role=Role.STAFF, org_unit_id__in={row["org_unit_id"] for row in due}
        ),
        "org_unit_id",
    )
    enterprise_users = _user_ids(
        Membership.objects.filter(
            role=Role.ENTERPRISE,
            enterprise_id__in={row["enterprise_id"] for row in due if row["enterprise_id"]},
        ),
        "enterprise_id",
    )
    levels = dict(RiskLevel.choices)
    messages = []
    for row in due:
        title = _("安全风险已过复评日期（%(date)s）：%(name)s（%(level)s）") % {
            "date": row["review_date"].isoformat(),
            "name": row["name"],
            "level": levels[row["level"]],
        }
        recipients = staff[row["org_unit_id"]] | enterprise_users[row["enterprise_id"]]
        key = f"risk-review:{row['pk']}:{row['review_date'].isoformat()}"
        link = reverse("hazards:risk_detail", args=[row["pk"]])
        messages += [
            Message(recipient_id=user_id, title=title, link=link, dedup_key=key)
            for user_id in sorted(recipients)
        ]
    with transaction.atomic():
        notify_many(messages)
    return len(due)


def _user_ids(memberships, key) -> defaultdict[int, set[int]]:
    ids = defaultdict(set)
    for value, user_id in memberships.values_list(key, "user_id"):
        ids[value].add(user_id)
    return ids
