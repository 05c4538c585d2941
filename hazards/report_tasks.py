"""The daily reminder of citizens' reports' deadlines (beat schedule: migration 0008).

`send_report_deadline_reminders` (08:50) reminds the handlers of each open report 7, 3 and
1 days before its deadline (the ledger's thresholds) and once when it is overdue. Each
(report, deadline, threshold) is notified once per recipient through the notifications'
dedup key, so a retried or doubled run sends nothing twice, a day missed is caught up the
next, and a new deadline (a reassignment) starts its reminders afresh. The messages name the
receipt code and the place, never the reporter.

Registered with Celery through HazardsConfig.ready (autodiscovery reads hazards.tasks only).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from celery import shared_task
from django.db import transaction
from django.utils.translation import gettext as _

from core.notifications import Message, notify_many
from hazards.constants import REMINDER_DAYS
from hazards.models import PublicReport
from hazards.report_services import OPEN_STATUSES, report_link
from hazards.tasks import _day, reminder_threshold
from orgs.constants import Role
from orgs.models import Membership


@shared_task(acks_late=True)
def send_report_deadline_reminders(today: str | None = None) -> int:
    """Returns the number of reports reminded of today."""
    day = _day(today)
    due = list(
        PublicReport.objects.filter(
            status__in=OPEN_STATUSES,
            deadline__isnull=False,
            deadline__lte=day + timedelta(days=max(REMINDER_DAYS)),
        ).values("pk", "receipt_code", "deadline", "location_text", "org_unit_id", "assigned_to_id")
    )
    if not due:
        return 0
    handlers = defaultdict(set)
    for unit_id, user_id in Membership.objects.filter(
        role__in=(Role.STAFF, Role.ADMIN),
        org_unit_id__in={row["org_unit_id"] for row in due},
        user__is_active=True,
    ).values_list("org_unit_id", "user_id"):
        handlers[unit_id].add(user_id)
    messages = []
    for row in due:
        days_left = (row["deadline"] - day).days
        if days_left < 0:
            threshold = "overdue"
            title = _("群众举报已超过办理时限（%(deadline)s）：%(code)s") % {
                "deadline": row["deadline"].isoformat(),
                "code": row["receipt_code"],
            }
        else:
            threshold = reminder_threshold(days_left)
            title = _("群众举报将于%(deadline)s到期（剩%(days)d天）：%(code)s") % {
                "deadline": row["deadline"].isoformat(),
                "days": days_left,
                "code": row["receipt_code"],
            }
        recipients = (
            {row["assigned_to_id"]} if row["assigned_to_id"] else handlers[row["org_unit_id"]]
        )
        key = f"public-report-deadline:{row['pk']}:{row['deadline'].isoformat()}:{threshold}"
        messages += [
            Message(
                recipient_id=user_id,
                title=title,
                body=row["location_text"][:200],
                link=report_link(row["pk"]),
                dedup_key=key,
            )
            for user_id in sorted(recipients)
        ]
    with transaction.atomic():
        notify_many(messages)
    return len(due)
