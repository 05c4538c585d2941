"""Progress reports: the responsible unit reports, a leader above it accepts or returns."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from campaigns import services
from campaigns.models import Assignment, Campaign, ProgressReport, Slot
from core.models import Notification
from orgs.constants import Role
from tests.campaigns.factories import member, png


@pytest.fixture
def county(world):
    """湾里管理局's plan: a 2024 deadline task assigned to 招贤镇 and 罗亭镇."""
    plan = services.create_plan(
        user=world.province_admin,
        org_unit=world.wanli,
        campaign=Campaign.objects.get(),
        title="湾里管理局安全生产治本攻坚三年行动工作方案",
        issue_date=date(2024, 3, 1),
    )
    task = services.add_task(
        plan,
        {"text": "2024年底前完成燃气管道老化更新改造。", "deadline": date(2024, 12, 31)},
        user=world.province_admin,
    )
    services.assign_task(task, [world.zhaoxian, world.luoting], user=world.province_admin)
    slot = Slot.objects.get(assignment__task=task, org_unit=world.zhaoxian)
    sibling_slot = Slot.objects.get(assignment__task=task, org_unit=world.luoting)
    return plan, task, slot, sibling_slot


def submit(client, slot, **extra):
    data = {"slot": slot.pk, "text": "已完成改造3.2公里", "percent_done": 60, **extra}
    return client.post("/api/v1/progress-reports/", data, format="multipart")


def test_report_accepted_by_the_county_leader(
    world, county, api_for, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    _plan, task, slot, _sibling = county
    township = api_for(world.township_staff)
    response = submit(township, slot, files=[png(), png("整改前.png")])
    assert response.status_code == 201, response.content
    report = response.json()
    assert [a["original_name"] for a in report["attachments"]] == ["现场照片.png", "整改前.png"]
    slot.refresh_from_db()
    assert slot.status == Slot.Status.SUBMITTED
    assert Assignment.objects.get(pk=slot.assignment_id).status == Assignment.Status.IN_PROGRESS
    # Reported once; the slot waits for review.
    again = submit(township, slot)
    assert again.status_code == 400 and "待审核" in again.json()["detail"][0]

    leader = api_for(world.county_official)
    queue = leader.get("/api/v1/progress-reports/", {"status": "submitted"}).json()
    assert [row["id"] for row in queue["results"]] == [report["id"]]
    with django_capture_on_commit_callbacks(execute=True):
        response = leader.post(f"/api/v1/progress-reports/{report['id']}/accept/", {})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "accepted"
    slot.refresh_from_db()
    assert slot.status == Slot.Status.ACCEPTED and slot.accepted_at is not None
    # Its only slot accepted: the assignment is done.
    assert Assignment.objects.get(pk=slot.assignment_id).status == Assignment.Status.DONE
    notice = Notification.objects.get(recipient=world.township_staff)
    assert notice.title.startswith("进展汇报已通过") and notice.link == task.get_absolute_url()


def test_return_needs_a_comment_then_the_unit_reports_again(
    world, county, api_for, django_capture_on_commit_callbacks
):
    _plan, _task, slot, _sibling = county
    township = api_for(world.township_staff)
    report = submit(township, slot).json()
    leader = api_for(world.county_official)
    url = f"/api/v1/progress-reports/{report['id']}/return/"
    response = leader.post(url, {"comment": "  "})
    assert response.status_code == 400
    assert response.json() == {"comment": ["退回时请填写审核意见。"]}
    assert ProgressReport.objects.get(pk=report["id"]).status == "submitted"

    with django_capture_on_commit_callbacks(execute=True):
        response = leader.post(url, {"comment": "请补充改造前后照片", "version": report["version"]})
    assert response.status_code == 200, response.content
    assert response.json()["review_comment"] == "请补充改造前后照片"
    slot.refresh_from_db()
    assert slot.status == Slot.Status.RETURNED
    notice = Notification.objects.get(recipient=world.township_staff)
    assert "被退回" in notice.title and notice.body == "请补充改造前后照片"
    # Reviewed already: a second review, or one from a stale page, is refused.
    stale = leader.post(f"/api/v1/progress-reports/{report['id']}/accept/", {"version": 1})
    assert stale.status_code == 409
    assert leader.post(f"/api/v1/progress-reports/{report['id']}/accept/", {}).status_code == 400

    # A returned slot is reported again.
    assert submit(township, slot, percent_done=100).status_code == 201


def test_a_unit_never_reviews_itself(world, county, api_for):
    _plan, _task, slot, _sibling = county
    report = submit(api_for(world.township_staff), slot).json()
    # Staff hold no approval at all: the action does not exist for them.
    url = f"/api/v1/progress-reports/{report['id']}/accept/"
    assert api_for(world.township_staff).post(url, {}).status_code == 404
    # 招贤镇's own leader approves within 招贤镇, but not 招贤镇's own report.
    own_leader = member(world.zhaoxian, "zhaoxian_leader", Role.LEADER)
    response = api_for(own_leader).post(url, {})
    assert response.status_code == 400
    assert "本单位不能审核自己的汇报" in response.json()["detail"][0]
    # Nor does whoever submitted it, even from above (a county user reporting for a township).
    county_both = member(world.wanli, "county_both", Role.STAFF)
    member(world.wanli, "county_both", Role.LEADER)  # the same user, with both roles
    report = services.submit_progress_report(
        Slot.objects.get(pk=county[3].pk), user=county_both, text="代报", percent_done=10
    )
    response = api_for(county_both).post(f"/api/v1/progress-reports/{report.pk}/accept/", {})
    assert response.status_code == 400
    assert response.json()["detail"] == ["不能审核自己报送的汇报。"]
    assert ProgressReport.objects.filter(status="accepted").count() == 0


def test_the_sibling_township_sees_no_report(world, county, api_for):
    _plan, _task, slot, sibling_slot = county
    report = submit(api_for(world.township_staff), slot).json()
    sibling = api_for(world.township_staff_b)
    assert sibling.get(f"/api/v1/progress-reports/{report['id']}/").status_code == 404
    assert sibling.get("/api/v1/progress-reports/").json()["count"] == 0
    # Nor can it report on 招贤镇's slot, which is refused like a slot that does not exist.
    response = submit(sibling, slot)
    missing = submit(sibling, Slot(pk=999_999_999))
    assert response.status_code == missing.status_code == 400
    assert list(response.json()) == list(missing.json()) == ["slot"]
    # It reports on its own.
    assert submit(sibling, sibling_slot).status_code == 201


def test_bad_reports_are_refused_with_chinese_messages(world, county, api_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    _plan, _task, slot, _sibling = county
    township = api_for(world.township_staff)
    response = submit(township, slot, percent_done=150)
    assert response.status_code == 400 and "percent_done" in response.json()
    response = submit(township, slot, text="")
    assert response.status_code == 400 and "text" in response.json()
    # Not an image, whatever its name says.
    fake = SimpleUploadedFile("照片.png", b"MZ\x90\x00" * 16, content_type="image/png")
    response = submit(township, slot, files=[fake])
    assert response.status_code == 400
    assert "不是图片" in response.json()["detail"][0]
    slot.refresh_from_db()
    assert slot.status == Slot.Status.OPEN and not ProgressReport.objects.exists()
