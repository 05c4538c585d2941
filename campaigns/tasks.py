"""Deadline reminders: the daily job beat runs at 08:00 (migration 0004).

Slots still to be reported on (open or returned) get a reminder 7, 3 and 1 days before their
due date, to the responsible unit's staff, and an overdue notice, also to the leaders of the
unit whose plan it is. Each (slot, threshold) goes out exactly once however often the job
runs, is retried or dies half-way:

- a chunk of slots is claimed with a compare-and-swap on `Slot.last_reminder` (rows locked
  with SKIP LOCKED, so a second worker running at the same time takes other rows), and its
  notifications are written in the same transaction: a worker killed mid-chunk leaves neither
  the claim nor the notifications, and the next run sends them;
- every notification also carries the key `slot:<id>:<threshold>`, unique per recipient.

A slot falls in the window of the smallest threshold its due date is within, so a day the job
did not run is caught up the next day instead of lost (in steady state this is exactly the
7th, 3rd and 1st day before the due date).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import NamedTuple

from celery import shared_task
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.models import Slot, Task
from campaigns.services import OPEN_SLOT_STATES, REPORTING_ROLES, user_ids_by_unit
from core.notifications import Message, notify_many
from orgs.constants import Role

THRESHOLDS = (1, 3, 7)  # days before the due date
OVERDUE = 0
# Slots claimed per transaction: small enough that a lock is short, large enough that the
# round trips do not dominate (the bench's 60,000 reminders of a month's end take ~30 chunks).
CHUNK_SIZE = 2000


def reminder_windows(today: date) -> list[tuple[int, Q]]:
    """(threshold, the due dates it covers): overdue, then [today, +1], [+2, +3], [+4, +7]."""
    windows = [(OVERDUE, Q(due_date__lt=today))]
    lower = today
    for days in THRESHOLDS:
        upper = today + timedelta(days=days)
        windows.append((days, Q(due_date__gte=lower, due_date__lte=upper)))
        lower = upper + timedelta(days=1)
    return windows


def _not_yet_sent(threshold: int) -> Q:
    return Q(last_reminder__isnull=True) | Q(last_reminder__gt=threshold)


@shared_task(acks_late=True)
def send_deadline_reminders(today: str | None = None, chunk_size: int = CHUNK_SIZE) -> int:
    """Send the day's reminders; returns how many slots were reminded."""
    day = date.fromisoformat(today) if today else timezone.localdate()
    links: dict[int, str] = {}  # task id → its page, reversed once per task
    reminded = 0
    for threshold, due in reminder_windows(day):
        pending = Slot.objects.filter(due, _not_yet_sent(threshold), status__in=OPEN_SLOT_STATES)
        # Only the ids are read up front (a few hundred thousand at most, on the worst day);
        # the rows are claimed and read chunk by chunk.
        ids = list(pending.values_list("pk", flat=True))
        for start in range(0, len(ids), chunk_size):
            chunk = ids[start : start + chunk_size]
            reminded += _remind(pending, chunk, threshold, day, links)
    return reminded


def _remind(pending, ids, threshold: int, today: date, links: dict[int, str]) -> int:
    with transaction.atomic():
        # The claim: rows still owed this reminder, locked; those another worker holds are
        # its to send.
        claimed = list(
            pending.filter(pk__in=ids)
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)
        )
        if not claimed:
            return 0
        Slot.objects.filter(pk__in=claimed).update(last_reminder=threshold)
        # Plain values, not model instances: on the worst day this reads 60,000 rows.
        rows = list(
            Slot.objects.filter(pk__in=claimed).values_list(
                "pk",
                "org_unit_id",
                "org_unit__name",
                "due_date",
                "period",
                "assignment__task_id",
                "assignment__task__number",
                "assignment__task__title",
                "assignment__task__text",
                "assignment__task__org_unit_id",
                "assignment__task__plan__title",
            )
        )
        staff = user_ids_by_unit({row[1] for row in rows}, REPORTING_ROLES)
        leaders = {}
        if threshold == OVERDUE:
            leaders = user_ids_by_unit({row[9] for row in rows}, (Role.LEADER,))
        messages = []
        for row in rows:
            reminder = Reminder(*row)
            if reminder.task_id not in links:
                links[reminder.task_id] = Task(pk=reminder.task_id).get_absolute_url()
            recipients = set(staff.get(reminder.unit_id, ()))
            recipients |= set(leaders.get(reminder.owner_id, ()))
            title, body = reminder.text(threshold, today)
            key = f"slot:{reminder.slot_id}:{threshold or 'overdue'}"
            link = links[reminder.task_id]
            messages += [Message(r, title, key, body=body, link=link) for r in recipients]
        notify_many(messages)
    return len(claimed)


class Reminder(NamedTuple):
    """What a reminder says about one slot."""

    slot_id: int
    unit_id: int
    unit: str
    due_date: date
    period: str
    task_id: int
    number: str
    title: str
    task_text: str
    owner_id: int  # the unit whose plan the task is
    plan: str

    def text(self, threshold: int, today: date) -> tuple[str, str]:
        values = {
            "unit": self.unit,
            "number": self.number,
            "subject": self.title or self.task_text[:24],
            "period": self.period,
            "due": f"{self.due_date.year}年{self.due_date.month}月{self.due_date.day}日",
            "days": abs((self.due_date - today).days),
            "plan": self.plan,
        }
        if threshold == OVERDUE:
            title = _("逾期提醒：%(unit)s任务%(number)s“%(subject)s”（%(period)s）已逾期%(days)d天")
            body = _("《%(plan)s》报送期限为%(due)s，请尽快报送工作进展。")
        elif values["days"] == 0:
            title = _("报送提醒：任务%(number)s“%(subject)s”（%(period)s）今天到期")
            body = _("《%(plan)s》报送期限为%(due)s，请按时报送工作进展。")
        else:
            title = _("报送提醒：任务%(number)s“%(subject)s”（%(period)s）%(days)d天后到期")
            body = _("《%(plan)s》报送期限为%(due)s，请按时报送工作进展。")
        return title % values, body % values
