"""A superior's change shows up as a notice on the copies below, never as an overwrite."""

from datetime import date

import pytest

from campaigns import services
from campaigns.models import Campaign, Task
from core.models import Notification
from orgs.constants import Role
from tests.campaigns.factories import member


@pytest.fixture
def copies(world):
    """江西省's task, copied by 南昌市, whose copy is copied by 湾里管理局."""
    admin = world.province_admin
    plan = services.create_plan(
        user=admin,
        org_unit=world.jiangxi,
        campaign=Campaign.objects.get(),
        title="江西省实施方案",
        issue_date=date(2024, 2, 1),
    )
    task = services.add_task(plan, {"text": "每季度开展一次专项督导。"}, user=admin)
    services.assign_task(task, [world.nanchang], user=admin)
    city_plan = services.derive_plan(user=admin, parent_plan=plan, org_unit=world.nanchang)
    city_task = city_plan.tasks.get()
    services.assign_task(city_task, [world.wanli], user=admin)
    county_plan = services.derive_plan(user=admin, parent_plan=city_plan, org_unit=world.wanli)
    return task, city_task, county_plan.tasks.get()


def test_change_notifies_the_copies_and_leaves_their_text(
    world, copies, api_for, django_capture_on_commit_callbacks
):
    task, city_task, county_task = copies
    city_staff = member(world.nanchang, "city_staff", Role.STAFF)
    client = api_for(world.province_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.patch(
            f"/api/v1/tasks/{task.pk}/",
            {"text": "每月开展一次专项督导。", "version": 1},
        )
    assert response.status_code == 200, response.content
    assert response.json()["version"] == 2

    city = api_for(city_staff).get(f"/api/v1/tasks/{city_task.pk}/").json()
    assert city["origin_changed"] is True
    assert city["text"] == "每季度开展一次专项督导。"  # not overwritten
    # Only the direct copy: 湾里管理局's copy follows 南昌市's task, which did not change.
    county_task.refresh_from_db()
    assert not county_task.origin_changed
    notice = Notification.objects.get(recipient=city_staff)
    assert notice.title == "上级任务已调整：江西省任务1，请核对本级任务"
    assert notice.link == city_task.get_absolute_url()
    # The list filter finds the copies that need a look.
    listed = api_for(city_staff).get("/api/v1/tasks/", {"origin_changed": "true"}).json()
    assert [row["id"] for row in listed["results"]] == [city_task.pk]

    # An edit made on a stale page is refused and writes nothing.
    stale = client.patch(f"/api/v1/tasks/{task.pk}/", {"text": "改", "version": 1})
    assert stale.status_code == 409 and stale.json()["code"] == "stale_version"
    assert Task.objects.get(pk=task.pk).text == "每月开展一次专项督导。"


def test_acknowledge_keeps_or_takes_the_new_wording(
    world, copies, api_for, django_capture_on_commit_callbacks
):
    task, city_task, county_task = copies
    admin = world.province_admin
    services.update_task(task, {"text": "每月开展一次专项督导。"}, user=admin)
    client = api_for(admin)

    kept = client.post(f"/api/v1/tasks/{city_task.pk}/acknowledge/", {})
    assert kept.status_code == 200, kept.content
    assert kept.json()["origin_changed"] is False
    assert kept.json()["text"] == "每季度开展一次专项督导。"

    services.update_task(task, {"text": "每月开展两次专项督导。"}, user=admin)
    county_staff = member(world.wanli, "county_staff", Role.STAFF)
    with django_capture_on_commit_callbacks(execute=True):
        taken = client.post(f"/api/v1/tasks/{city_task.pk}/acknowledge/", {"apply_text": True})
    assert taken.json()["text"] == "每月开展两次专项督导。"
    assert taken.json()["origin_changed"] is False
    # Taking the new wording is a change of 南昌市's task: 湾里管理局's copy is told in turn.
    county_task.refresh_from_db()
    assert county_task.origin_changed
    assert Notification.objects.filter(recipient=county_staff).count() == 1

    # A task of the unit's own has nothing to acknowledge.
    response = client.post(f"/api/v1/tasks/{task.pk}/acknowledge/", {})
    assert response.status_code == 400
    assert response.json()["detail"] == ["该任务不是由上级任务分解而来。"]
