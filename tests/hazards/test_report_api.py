"""/api/v1/public-reports/: the staff's side of citizens' reports over the API."""

from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.models import AuditEvent
from hazards.models import PublicReport
from tests.hazards.tenancy_reports import (
    REPORTER_NAME,
    REPORTER_PHONE,
    file_report,
    report_world,
)

LIST = "/api/v1/public-reports/"


def url(report, step=""):
    return f"{LIST}{report.pk}/{step}"


def test_list_never_names_the_reporter_and_costs_the_same_queries(world, api_for):
    report_world(world)
    client = api_for(world.township_staff)

    def count():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(LIST)
        assert response.status_code == 200
        assert REPORTER_NAME not in response.content.decode()
        assert REPORTER_PHONE not in response.content.decode()
        return len(captured), response.json()["count"]

    client.get(LIST)  # the first request of a session reads what later ones have cached
    one, listed = count()
    assert listed == 1
    for index in range(10):
        file_report(world.zhaoxian, description=f"第{index}处：仓库堆放钢瓶", name=REPORTER_NAME)
    assert count() == (one, 11)
    detail = client.get(url(report_world(world).own_report)).json()
    assert detail["has_photo"] is True and "reporter_name" not in detail


def test_steps_over_the_api(world, api_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    report = report_world(world).own_report
    client = api_for(world.township_staff)
    deadline = timezone.localdate().isoformat()

    refused = client.post(url(report, "unfounded/"), {"reason": ""}, format="json")
    assert refused.status_code == 400 and "reason" in refused.json()
    assigned = client.post(
        url(report, "assign/"),
        {"unit": world.zhaoxian.pk, "deadline": deadline, "version": 1},
        format="json",
    )
    assert assigned.status_code == 200 and assigned.json()["status"] == "assigned"
    stale = client.post(url(report, "investigate/"), {"version": 1}, format="json")
    assert stale.status_code == 409 and "已被他人办理" in stale.json()["detail"]
    verified = client.post(
        url(report, "verify/"),
        {"enterprise": world.ent_zhaoxian.pk, "grade": "general", "conclusion": "属实"},
        format="json",
    )
    assert verified.status_code == 200
    body = verified.json()
    assert body["status"] == "verified" and body["hazard_ledger_number"]
    hazard = client.get(f"/api/v1/hazards/{body['hazard']}/").json()
    assert hazard["source"] == "public_report"

    no_right = client.post(
        url(report, "reward/"),
        {"amount": "200", "decision": "奖励", "decided_on": deadline},
        format="json",
    )
    assert no_right.status_code == 403 and "举报奖励须由" in no_right.json()["detail"]
    rewarded = api_for(world.county_official).post(
        url(report, "reward/"),
        {"amount": "200", "decision": "奖励", "decided_on": deadline, "paid_on": deadline},
        format="json",
    )
    assert rewarded.status_code == 200 and rewarded.json()["reward_amount"] == "200.00"

    photo = client.get(url(report, "photo/"))
    assert photo.status_code == 200 and b"".join(photo.streaming_content).startswith(b"\x89PNG")


def test_reporter_route_needs_the_grant_and_is_audited(world, api_for):
    report = report_world(world).own_report
    denied = api_for(world.township_staff).post(url(report, "reporter/"))
    assert denied.status_code == 403 and "没有查看举报人信息的权限" in denied.json()["detail"]
    world.township_staff.user_permissions.add(
        Permission.objects.get(codename="view_reporter_identity")
    )
    shown = api_for(world.township_staff).post(url(report, "reporter/"))
    assert shown.status_code == 200
    assert shown.json() == {"anonymous": False, "name": REPORTER_NAME, "contact": REPORTER_PHONE}
    assert shown["Cache-Control"] == "no-store"
    assert api_for(world.auditor).post(url(report, "reporter/")).json()["name"] == REPORTER_NAME
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.SENSITIVE_VIEWED).count() == 2


def test_stats_count_the_restricted_reports_per_child_region(world, api_for):
    r = report_world(world)
    from hazards import report_services as services

    services.mark_unfounded(r.sibling_report, user=world.township_staff_b, reason="不属实")
    county = api_for(world.county_official).get(f"{LIST}stats/").json()
    assert county["unit"]["name"] == "湾里管理局"
    rows = {row["name"]: row for row in county["by_region"]}
    assert rows["招贤镇"]["received"] == 1 and rows["招贤镇"]["open"] == 1
    assert rows["罗亭镇"]["received"] == 1 and rows["罗亭镇"]["unfounded"] == 1
    assert rows["太平镇"]["received"] == 0
    assert county["totals"]["received"] == 2
    # The township sees its own figures only, even asking for the county.
    own = api_for(world.township_staff).get(f"{LIST}stats/").json()
    assert own["totals"]["received"] == 1
    refused = api_for(world.township_staff).get(f"{LIST}stats/", {"unit": world.wanli.pk})
    assert refused.status_code == 400 and "unit" in refused.json()
    bad = api_for(world.county_official).get(
        f"{LIST}stats/", {"period_start": "2025-02-01", "period_end": "2025-01-01"}
    )
    assert bad.status_code == 400
    assert PublicReport.objects.count() == 2
