"""Completion by subordinate, counted in SQL over the whole cascade below a plan's tasks."""

from datetime import date
from types import SimpleNamespace

import pytest

from campaigns import services, stats
from campaigns.models import Campaign, Slot, Task

TODAY = date(2024, 6, 15)


@pytest.fixture
def cascade(world):
    """江西省's plan: A monthly, B due 2024-12-31, assigned to 南昌市 and 上饶市; 南昌市 and
    湾里管理局 pass both down to 招贤镇, 罗亭镇 and 太平镇. 招贤镇 finished B; 罗亭镇 reported
    on A's first month; every monthly chain is behind on its past months."""
    admin = world.province_admin
    plan = services.create_plan(
        user=admin,
        org_unit=world.jiangxi,
        campaign=Campaign.objects.get(),
        title="江西省安全生产治本攻坚三年行动实施方案",
        issue_date=date(2024, 2, 1),
    )
    a = services.add_task(plan, {"text": "每月排查", "recurrence": "monthly"}, user=admin)
    b = services.add_task(plan, {"text": "年底前完成", "deadline": date(2024, 12, 31)}, user=admin)
    for task in (a, b):
        services.assign_task(task, [world.nanchang, world.shangrao], user=admin)
    parent = plan
    for unit, children, issued in (
        (world.nanchang, [world.wanli], date(2024, 3, 1)),
        (world.wanli, [world.zhaoxian, world.luoting, world.taiping], date(2024, 4, 1)),
    ):
        derived = services.derive_plan(user=admin, parent_plan=parent, org_unit=unit)
        services.update_plan(derived, {"issue_date": issued}, user=admin)
        for task in derived.tasks.all():
            services.assign_task(task, children, user=admin)
        parent = derived

    def slot_of(unit, ordinal):
        return Slot.objects.filter(
            assignment__task__plan=parent, assignment__task__ordinal=ordinal, org_unit=unit
        ).earliest("due_date")

    done = services.submit_progress_report(
        slot_of(world.zhaoxian, 2), user=world.township_staff, text="已完成", percent_done=100
    )
    services.review_progress_report(done, user=world.county_official, accept=True)
    services.submit_progress_report(
        slot_of(world.luoting, 1), user=world.township_staff_b, text="4月已排查", percent_done=10
    )
    return SimpleNamespace(plan=plan, a=a, b=b, county_plan=parent)


def counts(rows):
    return {
        row.org_unit.name: (row.total, row.done, row.in_progress, row.pending, row.late)
        for row in rows
    }


def test_completion_at_every_depth_with_drill_down(world, cascade, django_assert_num_queries):
    # The children, the plan's tasks, and one query for all the counts.
    with django_assert_num_queries(3):
        rows = stats.completion_by_child(cascade.plan, world.jiangxi, today=TODAY)
    assert counts(rows) == {
        # 2 of its own + 2 of 湾里管理局 + 2 for each of three townships.
        "南昌市": (10, 1, 1, 8, 5),
        "上饶市": (2, 0, 0, 2, 1),
        "江西省机关事务管理局": (0, 0, 0, 0, 0),
    }
    assert rows[0].percent_done == 10 and rows[2].percent_done == 0

    rows = stats.completion_by_child(cascade.plan, world.nanchang, today=TODAY)
    assert counts(rows) == {"湾里管理局": (8, 1, 1, 6, 4)}
    rows = stats.completion_by_child(cascade.plan, world.wanli, today=TODAY)
    assert counts(rows) == {
        "招贤镇": (2, 1, 0, 1, 1),
        "罗亭镇": (2, 0, 1, 1, 1),  # reported, not yet accepted: still late
        "太平镇": (2, 0, 0, 2, 1),
    }
    assert stats.completion_by_child(cascade.plan, world.zhaoxian, today=TODAY) == []


def test_completion_of_one_task_and_of_a_plan_below(world, cascade, django_assert_num_queries):
    with django_assert_num_queries(2):
        rows = stats.completion_by_child(cascade.b, world.jiangxi, today=TODAY)
    assert counts(rows)["南昌市"] == (5, 1, 0, 4, 0)
    # The county's own plan counts only its own copies' assignments.
    rows = stats.completion_by_child(cascade.county_plan, world.wanli, today=TODAY)
    assert counts(rows)["招贤镇"] == (2, 1, 0, 1, 1)
    # Before the first monthly due date nothing is late.
    rows = stats.completion_by_child(cascade.plan, world.jiangxi, today=date(2024, 2, 10))
    assert counts(rows)["南昌市"][4] == 0


def test_a_user_sees_only_the_children_in_scope(world, cascade):
    rows = stats.completion_by_child(
        cascade.plan, world.wanli, today=TODAY, user=world.township_staff
    )
    assert [row.org_unit.name for row in rows] == ["招贤镇"]


def test_completion_endpoint_by_task_and_refusals(world, cascade, api_for):
    client = api_for(world.province_admin)
    url = f"/api/v1/plans/{cascade.plan.pk}/completion/"
    response = client.get(url, {"task": cascade.b.pk, "unit": world.wanli.pk})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["task"] == cascade.b.pk and body["unit_name"] == "湾里管理局"
    assert {r["org_unit_name"]: r["done"] for r in body["rows"]}["招贤镇"] == 1
    assert body["rows"][0]["has_children"] is False
    # A task of another plan, and a unit out of scope, are refused.
    other = Task.objects.filter(plan=cascade.county_plan).first()
    assert client.get(url, {"task": other.pk}).status_code == 400
    township = api_for(world.township_staff)
    county_url = f"/api/v1/plans/{cascade.county_plan.pk}/completion/"
    # 招贤镇 reads 湾里管理局's plan but not 湾里管理局's figures: it names its own unit.
    response = township.get(county_url)
    assert response.status_code == 400 and "unit" in response.json()
    assert township.get(county_url, {"unit": world.luoting.pk}).status_code == 400
    assert township.get(county_url, {"unit": world.zhaoxian.pk}).status_code == 200


def test_my_slots_lists_the_next_slot_of_each_assignment(world, cascade):
    slots = list(stats.my_slots(world.township_staff, today=TODAY))
    # B is done; A's next slot is its first month, overdue.
    assert [(s.assignment.task.text, s.period, s.overdue) for s in slots] == [
        ("每月排查", "2024-04", True)
    ]
    assert not stats.my_slots(world.county_official, today=TODAY).filter(org_unit=world.zhaoxian)
