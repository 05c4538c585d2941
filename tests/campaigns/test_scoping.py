"""How plans, tasks and their assignments are scoped: own subtree, plus what is assigned."""

from types import SimpleNamespace

import pytest

from campaigns.models import Assignment, Campaign, Plan, ProgressReport, Slot, Task


@pytest.fixture
def county_plan(world):
    campaign = Campaign.objects.get()
    plan = Plan.objects.create(org_unit=world.wanli, campaign=campaign, title="湾里管理局实施方案")
    task = Task.objects.create(org_unit=world.wanli, plan=plan, number="1", text="开展隐患排查")
    mine = Assignment.objects.create(task=task, org_unit=world.zhaoxian)
    sibling = Assignment.objects.create(task=task, org_unit=world.luoting)
    from datetime import date

    slot = Slot.objects.create(
        assignment=sibling,
        org_unit=world.luoting,
        period="2024-03",
        period_start=date(2024, 3, 1),
        due_date=date(2024, 3, 31),
    )
    report = ProgressReport.objects.create(
        slot=slot,
        org_unit=world.luoting,
        text="已完成",
        percent_done=100,
        submitted_by=world.township_staff_b,
    )
    return SimpleNamespace(plan=plan, task=task, mine=mine, sibling=sibling, report=report)


def test_assigned_units_read_but_never_edit_the_superiors_task(world, county_plan):
    staff = world.township_staff
    assert list(Task.objects.restrict(staff, "view")) == [county_plan.task]
    assert not Task.objects.restrict(staff, "change").exists()
    # The plan they derive their own from: read, never changed.
    assert list(Plan.objects.restrict(staff, "view")) == [county_plan.plan]
    assert not Plan.objects.restrict(staff, "change").exists()
    assert list(Assignment.objects.restrict(staff, "view")) == [county_plan.mine]
    assert not ProgressReport.objects.restrict(staff, "view").exists()


def test_plan_owner_sees_and_reviews_everything_assigned(world, county_plan):
    leader = world.county_official
    assert set(Assignment.objects.restrict(leader, "view")) == {
        county_plan.mine,
        county_plan.sibling,
    }
    assert list(ProgressReport.objects.restrict(leader, "approve")) == [county_plan.report]
    assert not ProgressReport.objects.restrict(world.township_staff, "approve").exists()


def test_unassigned_units_see_nothing(world, county_plan):
    assert not Plan.objects.restrict(world.supervisor, "view").exists()
    assert not Task.objects.restrict(world.supervisor, "view").exists()
    assert not Task.objects.restrict(world.enterprise_user, "view").exists()
    assert not Task.objects.restrict(world.dept_staff, "view").exists()
