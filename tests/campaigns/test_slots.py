"""Due slots of an assignment: one per period of a recurrence, or one for the deadline."""

from datetime import date
from itertools import pairwise

import pytest
from django.utils import timezone

from campaigns import services
from campaigns.models import Campaign, Slot


@pytest.fixture
def plan(world):
    return services.create_plan(
        user=world.province_admin,
        org_unit=world.wanli,
        campaign=Campaign.objects.get(),
        title="湾里管理局实施方案",
        issue_date=date(2024, 5, 20),
    )


def slots_of(world, plan, **task_fields):
    task = services.add_task(plan, {"text": "任务", **task_fields}, user=world.province_admin)
    services.assign_task(task, [world.zhaoxian], user=world.province_admin)
    return list(
        Slot.objects.filter(assignment__task=task)
        .order_by("due_date")
        .values_list("period", "period_start", "due_date", "required_count")
    )


@pytest.mark.parametrize(
    ("recurrence", "count", "first", "last"),
    [
        # From the period holding the plan's issue date (2024-05-20) to the campaign's end.
        ("monthly", 32, ("2024-05", date(2024, 5, 1), date(2024, 5, 31)), "2026-12"),
        ("quarterly", 11, ("2024Q2", date(2024, 4, 1), date(2024, 6, 30)), "2026Q4"),
        ("half_yearly", 6, ("2024H1", date(2024, 1, 1), date(2024, 6, 30)), "2026H2"),
        ("yearly", 3, ("2024", date(2024, 1, 1), date(2024, 12, 31)), "2026"),
    ],
)
def test_one_slot_per_period(world, plan, recurrence, count, first, last):
    slots = slots_of(world, plan, recurrence=recurrence, times_per_period=2)
    assert len(slots) == count
    assert slots[0] == (*first, 2)  # "至少2次" per period
    assert slots[-1][0] == last and slots[-1][2] == date(2026, 12, 31)
    # Periods follow each other without gaps: each starts the day after the previous is due.
    for previous, current in pairwise(slots):
        assert (current[1] - previous[2]).days == 1


def test_half_years_and_quarters_end_on_their_last_day(world, plan):
    dues = [due for _p, _s, due, _n in slots_of(world, plan, recurrence="half_yearly")]
    assert dues[:2] == [date(2024, 6, 30), date(2024, 12, 31)]
    dues = [due for _p, _s, due, _n in slots_of(world, plan, recurrence="quarterly")]
    assert dues[:3] == [date(2024, 6, 30), date(2024, 9, 30), date(2024, 12, 31)]


def test_a_deadline_gives_one_slot_due_that_day(world, plan):
    slots = slots_of(world, plan, deadline=date(2025, 6, 30), deadline_phrase="2025年6月底前")
    assert slots == [("2025-06-30", date(2024, 5, 20), date(2025, 6, 30), 1)]


def test_a_recurrence_stops_at_the_deadline(world, plan):
    slots = slots_of(world, plan, recurrence="monthly", deadline=date(2024, 12, 31))
    assert [period for period, *_ in slots] == [f"2024-{m:02d}" for m in range(5, 13)]


def test_neither_is_due_at_the_campaigns_end(world, plan):
    assert slots_of(world, plan) == [("2026-12-31", date(2024, 5, 20), date(2026, 12, 31), 1)]


def test_a_plan_without_issue_date_starts_today(world, plan):
    plan.issue_date = None
    plan.save()
    slots = slots_of(world, plan, recurrence="monthly")
    today = timezone.localdate()
    assert slots[0][1] == today.replace(day=1)


def test_a_changed_recurrence_moves_the_open_slots(world, plan):
    admin = world.province_admin
    task = services.add_task(plan, {"text": "任务", "recurrence": "quarterly"}, user=admin)
    services.assign_task(task, [world.zhaoxian, world.luoting], user=admin)
    reported = Slot.objects.filter(assignment__task=task, org_unit=world.zhaoxian).earliest(
        "due_date"
    )
    services.submit_progress_report(
        reported, user=world.township_staff, text="二季度已完成", percent_done=100
    )

    services.update_task(task, {"recurrence": "half_yearly"}, user=admin)

    zhaoxian = Slot.objects.filter(assignment__task=task, org_unit=world.zhaoxian)
    # The half-years, plus the quarter already reported on, kept as the record of it.
    assert sorted(zhaoxian.values_list("period", flat=True)) == sorted(
        ["2024Q2", "2024H1", "2024H2", "2025H1", "2025H2", "2026H1", "2026H2"]
    )
    luoting = Slot.objects.filter(assignment__task=task, org_unit=world.luoting)
    assert luoting.count() == 6

    services.update_task(task, {"recurrence": "", "deadline": date(2025, 3, 31)}, user=admin)
    assert list(luoting.values_list("due_date", flat=True)) == [date(2025, 3, 31)]
