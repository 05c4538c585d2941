"""The daily jobs: overdue marks and the escalation ladder, deadline reminders; each run twice."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_celery_beat.models import PeriodicTask

from core.models import Notification
from hazards import services
from hazards.models import Escalation, Hazard
from hazards.tasks import mark_overdue_and_escalate, send_hazard_deadline_reminders
from tests.hazards.conftest import plan

DEADLINE = date(2024, 6, 30)


def day(offset):
    return (DEADLINE + timedelta(days=offset)).isoformat()


@pytest.fixture
def due(world, report):
    """A rectifying hazard of 招贤镇 due on DEADLINE."""
    return report(**plan(deadline=DEADLINE))


def steps(hazard):
    return list(
        Escalation.objects.filter(hazard=hazard).order_by("step").values_list("step", flat=True)
    )


def test_jobs_are_scheduled(db):
    tasks = set(PeriodicTask.objects.values_list("task", flat=True))
    assert {
        "hazards.tasks.mark_overdue_and_escalate",
        "hazards.tasks.send_hazard_deadline_reminders",
    } <= tasks


def test_overdue_marks_set_wise_and_idempotent(world, due, report):
    later = report(**plan(deadline=DEADLINE + timedelta(days=10)))
    assert mark_overdue_and_escalate.delay(today=day(0)).get()["marked"] == 0
    assert mark_overdue_and_escalate(today=day(1)) == {"marked": 1, "cleared": 0, "proposed": 1}
    assert mark_overdue_and_escalate(today=day(1)) == {"marked": 0, "cleared": 0, "proposed": 0}
    due.refresh_from_db()
    later.refresh_from_db()
    assert due.is_overdue and not later.is_overdue


def test_the_ladder_is_climbed_one_step_at_a_time(world, due):
    mark_overdue_and_escalate(today=day(1))
    assert steps(due) == [Escalation.Step.LETTER]
    # 14 days late: not yet 通报.
    mark_overdue_and_escalate(today=day(15))
    assert steps(due) == [1]
    mark_overdue_and_escalate(today=day(16))
    assert steps(due) == [1, 2]
    # Down for two months: one step per run, so 约谈 comes before 曝光.
    mark_overdue_and_escalate(today=day(90))
    assert steps(due) == [1, 2, 3]
    mark_overdue_and_escalate(today=day(91))
    mark_overdue_and_escalate(today=day(92))
    assert steps(due) == [1, 2, 3, 4]
    escalation = Escalation.objects.get(hazard=due, step=1)
    assert escalation.org_path == due.org_path and escalation.county_id == world.wanli.pk


def test_a_closed_or_extended_hazard_stops_being_overdue(world, due):
    mark_overdue_and_escalate(today=day(1))
    services.set_rectification_plan(
        due, {"deadline": date.today() + timedelta(days=30)}, user=world.township_staff
    )
    assert mark_overdue_and_escalate(today=day(2))["cleared"] == 0  # cleared by the service
    due.refresh_from_db()
    assert not due.is_overdue
    Hazard.objects.filter(pk=due.pk).update(is_overdue=True)
    assert mark_overdue_and_escalate(today=day(2))["cleared"] == 1


def test_a_superior_issues_or_dismisses_a_proposal(world, due):
    mark_overdue_and_escalate(today=day(1))
    letter = Escalation.objects.get(hazard=due)
    with pytest.raises(PermissionDenied):
        services.issue_escalation(letter, user=world.township_staff)
    issued = services.issue_escalation(letter, user=world.county_official, note="限期一周整改")
    assert issued.status == Escalation.Status.ISSUED and issued.issuing_unit == world.wanli
    assert Notification.objects.filter(
        recipient=world.enterprise_user, title__contains="函告"
    ).exists()
    with pytest.raises(ValidationError):
        services.issue_escalation(letter, user=world.county_official)
    mark_overdue_and_escalate(today=day(16))
    circular = Escalation.objects.get(hazard=due, step=2)
    with pytest.raises(ValidationError):
        services.dismiss_escalation(circular, user=world.city_official, note="")
    dismissed = services.dismiss_escalation(circular, user=world.city_official, note="已在整改")
    assert dismissed.status == Escalation.Status.DISMISSED
    assert dismissed.issuing_unit == world.nanchang


def test_reminders_seven_three_one_days_ahead_exactly_once(world, due):
    recipients = {world.township_staff.pk, world.enterprise_user.pk}

    def reminded():
        return set(
            Notification.objects.filter(dedup_key__startswith="hazard-deadline:").values_list(
                "dedup_key", "recipient_id"
            )
        )

    assert send_hazard_deadline_reminders(today=day(-8)) == 0
    assert send_hazard_deadline_reminders(today=day(-7)) == 1
    assert send_hazard_deadline_reminders(today=day(-7)) == 1  # a retry: nothing new
    sent = reminded()
    assert {recipient for _key, recipient in sent} == recipients and len(sent) == 2
    # Days 6, 5 and 4 stay in the 7-day window: nothing more.
    for offset in (-6, -5, -4):
        send_hazard_deadline_reminders(today=day(offset))
    assert reminded() == sent
    send_hazard_deadline_reminders(today=day(-3))
    send_hazard_deadline_reminders(today=day(-1))
    send_hazard_deadline_reminders(today=day(-1))
    # Keys end with `:<threshold>:<recipient id>`.
    keys = sorted({key.split(":")[-2] for key, _recipient in reminded()})
    assert keys == ["1", "3", "7"]
    assert len(reminded()) == 6


def test_a_missed_day_is_caught_up(world, due):
    # The job did not run 7 days ahead; 5 days ahead it sends the 7-day reminder.
    send_hazard_deadline_reminders(today=day(-5))
    key = f"hazard-deadline:{due.pk}:{DEADLINE.isoformat()}:7:{world.township_staff.pk}"
    assert Notification.objects.filter(dedup_key=key).exists()


def test_no_reminder_once_close_out_is_requested(world, due):
    Hazard.objects.filter(pk=due.pk).update(status=Hazard.Status.CLOSE_OUT_REQUESTED)
    assert send_hazard_deadline_reminders(today=day(-1)) == 0
