"""The campaigns API beyond the cascade: parsing and importing plan texts, checklists,
notifications, input errors as JSON, and list endpoints at a constant number of queries."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from campaigns import services
from campaigns.api import serializers as api_serializers
from campaigns.models import Campaign, Plan, Slot, Task
from campaigns.stats import late_q
from core.models import Notification
from core.notifications import notify
from tests.campaigns.factories import campaign_world, png
from tests.factories import UserFactory

SEEDS = Path(__file__).resolve().parent.parent / "fixtures" / "seeds"


def seed(prefix: str) -> str:
    return next(SEEDS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


# --- Parsing and importing ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("prefix", "actions", "tasks", "phases"),
    [("002", 10, 35, 0), ("003", 8, 19, 4)],
)
def test_parse_endpoint_reads_the_seeds(world, api_for, prefix, actions, tasks, phases):
    response = api_for(world.township_staff).post("/api/v1/plans/parse/", {"text": seed(prefix)})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["counts"]["actions"] == actions
    assert body["counts"]["tasks"] == tasks
    assert body["counts"]["phases"] == phases
    assert not Plan.objects.exists()


def test_parse_endpoint_gives_dates_and_recurrences(world, api_for):
    body = api_for(world.township_staff).post("/api/v1/plans/parse/", {"text": seed("003")}).json()
    assert body["phases"][0]["start"] == "2024-02-01"
    tasks = [task for action in body["actions"] for task in action["tasks"]]
    assert any(task["deadline"] == "2024-12-31" for task in tasks)
    assert {task["recurrence"] for task in tasks} >= {None, "yearly"}


def test_parse_endpoint_bad_input(world, api_for):
    client = api_for(world.township_staff)
    response = client.post("/api/v1/plans/parse/", {"text": "随便写几句话。\n没有任何编号。"})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "parse_error" and body["line"] == 1
    assert "未识别到任何行动或任务" in body["detail"]
    assert client.post("/api/v1/plans/parse/", {}).json() == {"text": ["该字段是必填项。"]}
    response = client.post(
        "/api/v1/plans/parse/", data="{not json", content_type="application/json"
    )
    assert response.status_code == 400 and "detail" in response.json()
    assert client.post("/api/v1/plans/parse/", {"text": "\x00\x01" * 50}).status_code == 400
    # Anonymous callers get nothing.
    assert APIClient().post("/api/v1/plans/parse/", {"text": seed("002")}).status_code == 401


def test_import_previews_then_saves(world, api_for):
    client = api_for(world.township_staff)
    campaign = Campaign.objects.get()
    upload = SimpleUploadedFile("招贤镇方案.txt", seed("002").encode("gb18030"))
    data = {"file": upload, "org_unit": world.zhaoxian.pk, "campaign": campaign.pk}
    response = client.post("/api/v1/plans/import/", data, format="multipart")
    assert response.status_code == 200, response.content
    assert response.json()["preview"]["counts"]["tasks"] == 35
    assert not Plan.objects.exists()

    response = client.post(
        "/api/v1/plans/import/",
        {
            "text": seed("002"),
            "org_unit": world.zhaoxian.pk,
            "campaign": campaign.pk,
            "document_number": "招发〔2024〕5号",
            "confirm": True,
        },
    )
    assert response.status_code == 201, response.content
    plan = Plan.objects.get(pk=response.json()["id"])
    assert plan.title.startswith("招贤镇安全生产治本攻坚三年行动工作方案")
    assert plan.document_number == "招发〔2024〕5号"
    assert plan.actions.count() == 10 and plan.tasks.count() == 35
    assert plan.sections.filter(kind="general_requirements").exists()
    assert response.json()["task_count"] == 35
    assert Task.objects.filter(plan=plan).exclude(recurrence="").exists()


def test_import_refusals(world, api_for, monkeypatch):
    client = api_for(world.township_staff)
    campaign = Campaign.objects.get()
    base = {"org_unit": world.zhaoxian.pk, "campaign": campaign.pk}
    response = client.post("/api/v1/plans/import/", base)
    assert response.status_code == 400 and "text" in response.json()
    doc = SimpleUploadedFile("方案.doc", b"\xd0\xcf\x11\xe0 old word")
    response = client.post("/api/v1/plans/import/", {**base, "file": doc}, format="multipart")
    assert response.status_code == 400 and "另存为.docx" in response.json()["file"][0]
    monkeypatch.setattr(api_serializers, "PLAN_UPLOAD_MAX_BYTES", 100)
    big = SimpleUploadedFile("方案.txt", seed("002").encode())
    response = client.post("/api/v1/plans/import/", {**base, "file": big}, format="multipart")
    assert response.json() == {"file": ["文件过大，请只保留方案正文后重新上传。"]}
    # The sibling township is no choice at all, like a unit that does not exist.
    sibling = {**base, "org_unit": world.luoting.pk, "text": seed("002"), "confirm": True}
    response = client.post("/api/v1/plans/import/", sibling)
    assert response.status_code == 400 and list(response.json()) == ["org_unit"]
    assert not Plan.objects.exists()


# --- Checklists and notifications --------------------------------------------------------


def test_checklist_created_and_ticked_with_evidence(world, api_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = api_for(world.township_staff)
    response = client.post(
        "/api/v1/checklists/",
        {
            "org_unit": world.zhaoxian.pk,
            "kind": "responsibility",
            "title": "招贤镇安全生产责任清单",
            "year": 2024,
            "item_texts": ["落实党政同责", "每季度召开安委会"],
        },
    )
    assert response.status_code == 201, response.content
    checklist = response.json()
    assert [item["text"] for item in checklist["items"]] == ["落实党政同责", "每季度召开安委会"]
    item = checklist["items"][1]["id"]
    response = client.post(
        f"/api/v1/checklists/{checklist['id']}/tick/",
        {"item": item, "done": True, "note": "已召开", "evidence": png()},
        format="multipart",
    )
    assert response.status_code == 200, response.content
    ticked = response.json()["items"][1]
    assert ticked["done"] and ticked["has_evidence"] and ticked["evidence_note"] == "已召开"
    # An item of another checklist is not found through this one.
    response = client.post(
        f"/api/v1/checklists/{checklist['id']}/tick/", {"item": 999_999, "done": True}
    )
    assert response.status_code == 404
    # Leaders read but do not tick.
    response = api_for(world.county_official).post(
        f"/api/v1/checklists/{checklist['id']}/tick/", {"item": item, "done": False}
    )
    assert response.status_code == 404


def test_notifications_are_the_callers_own(world, api_for):
    notify([world.township_staff], "请报送3月进展", dedup_key="t:1")
    notify([world.township_staff], "请报送4月进展", dedup_key="t:2")
    (other,) = notify([world.township_staff_b], "罗亭镇的提醒")
    client = api_for(world.township_staff)
    body = client.get("/api/v1/notifications/").json()
    assert [row["title"] for row in body["results"]] == ["请报送4月进展", "请报送3月进展"]
    newest = body["results"][0]["id"]
    response = client.post(f"/api/v1/notifications/{newest}/read/")
    assert response.status_code == 200 and response.json()["read_at"]
    assert client.get("/api/v1/notifications/", {"unread": "true"}).json()["count"] == 1
    assert client.post(f"/api/v1/notifications/{other.pk}/read/").status_code == 404
    assert client.post("/api/v1/notifications/read-all/").json() == {"marked": 1}
    assert Notification.objects.get(pk=other.pk).read_at is None


# --- Input errors ------------------------------------------------------------------------


def test_bad_task_input_is_refused_with_chinese_json(world, api_for):
    plan = campaign_world(world).county_plan
    client = api_for(world.province_admin)
    cases = [
        ({"text": "x", "recurrence": "weekly"}, "recurrence"),
        ({"text": "x", "deadline": "2027-06-30"}, "deadline"),
        ({"text": "x", "times_per_period": 2}, "times_per_period"),
        ({"text": "   "}, "text"),
        ({"text": "x", "deadline": "明年"}, "deadline"),
    ]
    for payload, field in cases:
        response = client.post("/api/v1/tasks/", {"plan": plan.pk, **payload})
        assert response.status_code == 400, payload
        assert field in response.json(), response.json()
    response = client.post(
        "/api/v1/tasks/", {"plan": plan.pk, "text": "x", "deadline": "2027-06-30"}
    )
    assert response.json()["deadline"] == ["完成时限应在2024-01-01至2026-12-31之间。"]
    assert not plan.tasks.filter(text="x").exists()
    response = client.post(
        f"/api/v1/tasks/{plan.tasks.first().pk}/assign/", {"org_units": []}, format="json"
    )
    assert response.status_code == 400 and "org_units" in response.json()


def test_issue_and_file_follow_the_workflow(world, api_for):
    plan = services.create_plan(
        user=world.province_admin,
        org_unit=world.wanli,
        campaign=Campaign.objects.get(),
        title="湾里管理局方案",
    )
    admin = api_for(world.province_admin)
    response = admin.post(f"/api/v1/plans/{plan.pk}/issue/")
    assert response.status_code == 400 and "没有任务" in response.json()["detail"][0]
    services.add_task(plan, {"text": "排查"}, user=world.province_admin)
    assert admin.post(f"/api/v1/plans/{plan.pk}/file/").status_code == 400  # not issued yet
    response = admin.post(f"/api/v1/plans/{plan.pk}/issue/")
    assert response.json()["status"] == "issued" and response.json()["issue_date"]
    # 备案 is the superior's: the county's own leader cannot file the county's plan.
    response = api_for(world.county_official).post(f"/api/v1/plans/{plan.pk}/file/")
    assert response.status_code == 400
    response = api_for(world.city_official).post(f"/api/v1/plans/{plan.pk}/file/")
    assert response.status_code == 200 and response.json()["status"] == "filed"
    assert response.json()["filed_by"] == world.city_official.pk


# --- Query budgets -----------------------------------------------------------------------


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, {"page_size": 100})
    assert response.status_code == 200
    return len(captured)


def grow(world, c, count):
    """`count` more rows of every listed kind, all 招贤镇's."""
    staff, admin = world.township_staff, world.province_admin
    monthly = Slot.objects.filter(assignment=c.assignment, status="open").order_by("due_date")
    for index, slot in enumerate(list(monthly[:count])):
        services.create_plan(
            user=staff, org_unit=world.zhaoxian, campaign=c.campaign, title=f"专项方案{index}"
        )
        task = services.add_task(c.county_plan, {"text": f"县级任务{index}"}, user=admin)
        services.assign_task(task, [world.zhaoxian], user=admin)  # one more open slot
        services.submit_progress_report(slot, user=staff, text=f"进展{index}", percent_done=50)
        services.create_checklist(
            user=staff, org_unit=world.zhaoxian, kind="duties", title=f"清单{index}", items=["a"]
        )
        notify([staff], f"提醒{index}", dedup_key=f"grow:{index}")


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/plans/",
        "/api/v1/tasks/",
        "/api/v1/assignments/",
        "/api/v1/slots/",
        "/api/v1/slots/mine/",
        "/api/v1/progress-reports/",
        "/api/v1/checklists/",
        "/api/v1/notifications/",
    ],
)
def test_lists_cost_the_same_queries_for_1_and_30_rows(world, api_for, url):
    c = campaign_world(world)
    notify([world.township_staff], "提醒", dedup_key="grow:first")  # every list starts at 1 row
    client = api_for(world.township_staff)
    client.get(url)  # the token lookup and scope compile the same either way
    before = queries(client, url)
    grow(world, c, 29)
    assert queries(client, url) == before


# --- Filters and admin -------------------------------------------------------------------


def test_slot_and_assignment_filters(world, api_for):
    c = campaign_world(world)
    client = api_for(world.township_staff)

    def ids(url, **params):
        response = client.get(url, {"page_size": 500, **params})
        assert response.status_code == 200, response.content
        return {row["id"] for row in response.json()["results"]}

    own = Slot.objects.filter(org_unit=world.zhaoxian)
    late = set(own.filter(late_q()).values_list("pk", flat=True))
    assert late and ids("/api/v1/slots/", overdue="true") == late
    assert ids("/api/v1/slots/", overdue="false") == set(own.values_list("pk", flat=True)) - late
    summer = ids("/api/v1/slots/", due_after="2024-06-01", due_before="2024-08-31")
    assert {Slot.objects.get(pk=pk).period for pk in summer} == {"2024-06", "2024-07", "2024-08"}
    assert ids("/api/v1/slots/", plan=c.county_plan.pk, status="submitted") == {
        c.own_reported_slot.pk
    }
    assert ids("/api/v1/assignments/", overdue="true") == {c.assignment.pk}
    assert ids("/api/v1/tasks/", plan=c.own_plan.pk) == set(
        c.own_plan.tasks.values_list("pk", flat=True)
    )
    # The sibling's plan is no choice, like a plan that does not exist.
    response = client.get("/api/v1/slots/", {"plan": c.sibling_plan.pk})
    assert response.status_code == 400 and list(response.json()) == ["plan"]


def test_admin_pages_open_for_superusers(world, client_for):
    c = campaign_world(world)
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    client = client_for(admin)
    for model, obj in (
        ("campaign", c.campaign),
        ("plan", c.county_plan),
        ("task", c.county_task),
        ("assignment", c.assignment),
        ("slot", c.own_slot),
        ("progressreport", c.own_report),
        ("checklist", c.own_checklist),
    ):
        assert client.get(f"/django-admin/campaigns/{model}/").status_code == 200, model
        page = client.get(f"/django-admin/campaigns/{model}/{obj.pk}/change/")
        assert page.status_code == 200, model
