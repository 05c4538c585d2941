"""Staff pages of citizens' reports: the triage queue, a report and its steps, statistics."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hazards import report_services as services
from hazards.models import PublicReport
from tests.hazards.tenancy_reports import REPORTER_NAME, REPORTER_PHONE, file_report, report_world

QUEUE = "/hazards/reports/"


def test_queue_lists_the_open_reports_at_a_constant_cost(world, client_for):
    report_world(world)
    client = client_for(world.township_staff)

    def count():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(QUEUE)
        assert response.status_code == 200
        return len(captured), response.content.decode()

    client.get(QUEUE)  # the first request of a session reads what later ones have cached
    one, page = count()
    assert "招贤镇某加油站外" in page and "罗亭镇" not in page
    for index in range(8):
        file_report(world.zhaoxian, description=f"第{index}处：楼道私拉电线充电", name="某某")
    more, page = count()
    assert more == one
    assert "第7处" in page and REPORTER_NAME not in page and "待办理 9" in page


def test_a_report_is_verified_from_its_page(world, client_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    report = report_world(world).own_report
    client = client_for(world.township_staff)
    page = client.get(f"{QUEUE}{report.pk}/").content.decode()
    assert services.format_receipt(report.receipt_code) in page
    assert "实名举报。举报人信息保密，仅经授权人员可查看。" in page
    assert REPORTER_NAME not in page and REPORTER_PHONE not in page
    assert client.get(f"{QUEUE}{report.pk}/photo/").status_code == 200

    form = client.get(f"{QUEUE}{report.pk}/verify/")
    assert form.status_code == 200 and "查实并登记隐患" in form.content.decode()
    # What the service refuses comes back on the form, in Chinese; nothing is written.
    refused = client.post(
        f"{QUEUE}{report.pk}/verify/",
        {
            "expected_version": 1,
            "enterprise": world.ent_zhaoxian.pk,
            "grade": "major",
            "description": "加油站外倒卖散装汽油",
            "place": "加油站东侧",
            "found_date": (timezone.localdate() + timedelta(days=1)).isoformat(),
            "conclusion": "属实",
        },
    )
    assert "发现日期不能晚于今天" in refused.content.decode()
    report.refresh_from_db()
    assert report.status == PublicReport.Status.RECEIVED
    done = client.post(
        f"{QUEUE}{report.pk}/verify/",
        {
            "expected_version": 1,
            "enterprise": world.ent_zhaoxian.pk,
            "grade": "general",
            "description": "加油站外倒卖散装汽油",
            "place": "加油站东侧",
            "found_date": timezone.localdate().isoformat(),
            "conclusion": "属实",
        },
        follow=True,
    )
    text = done.content.decode()
    report.refresh_from_db()
    assert "已认定查实，并登记隐患。" in text and report.hazard.ledger_number in text
    # A second tab's stale form: a conflict, not an overwrite.
    stale = client.post(f"{QUEUE}{report.pk}/unfounded/", {"expected_version": 1, "reason": "x"})
    assert stale.status_code in (200, 409)
    assert "不能认定不实" in stale.content.decode() or "已被他人办理" in stale.content.decode()
    # The step the user may not take says why.
    reward = client.get(f"{QUEUE}{report.pk}/reward/").content.decode()
    assert "举报奖励须由属地负责人或管理员决定" in reward


def test_unfounded_without_a_reason_is_refused_on_the_page(world, client_for):
    report = report_world(world).own_report
    response = client_for(world.township_staff).post(
        f"{QUEUE}{report.pk}/unfounded/", {"expected_version": 1, "reason": ""}
    )
    assert response.status_code == 200 and "该字段是必填项" in response.content.decode()
    report.refresh_from_db()
    assert report.status == PublicReport.Status.RECEIVED


def test_stats_page_per_child_region(world, client_for):
    report_world(world)
    page = client_for(world.county_official).get("/hazards/reports/stats/").content.decode()
    assert "湾里管理局" in page and "招贤镇" in page and "罗亭镇" in page
    own = client_for(world.township_staff).get("/hazards/reports/stats/")
    assert own.status_code == 200 and "罗亭镇" not in own.content.decode()
    bad = client_for(world.county_official).get(
        "/hazards/reports/stats/", {"period_start": "2025-02-01", "period_end": "2025-01-01"}
    )
    assert "起始日期不能晚于截止日期" in bad.content.decode()
