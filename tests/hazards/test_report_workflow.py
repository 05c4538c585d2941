"""Triage of citizens' reports through hazards.report_services: 交办, 核查, 查实 into the
ledger (linked both ways, all or nothing), 不实 with a reason, rewards, scope and versions."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from core.exceptions import StaleVersionError
from core.models import Notification
from hazards import report_services as services
from hazards.models import Hazard, HazardFile, PublicReport
from hazards.report_tasks import send_report_deadline_reminders
from tests.hazards.tenancy_reports import REPORTER_NAME, REPORTER_PHONE, report_world

Status = PublicReport.Status


@pytest.fixture
def reports(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return report_world(world)


def in_a_week():
    return timezone.localdate() + timedelta(days=7)


def test_verified_report_becomes_a_ledger_hazard_linked_both_ways(world, reports, client_for):
    staff = world.township_staff
    report = services.assign(
        reports.own_report, user=staff, unit=world.zhaoxian, deadline=in_a_week(), assignee=staff
    )
    assert report.status == Status.ASSIGNED and report.version == 2
    report = services.start_investigation(report, user=staff, note="已派人核查")
    report = services.verify(
        report,
        {
            "enterprise": world.ent_zhaoxian,
            "grade": Hazard.Grade.GENERAL,
            "description": "加油站外私自倒卖散装汽油",
            "conclusion": "现场核查属实",
        },
        user=staff,
    )
    report.refresh_from_db()
    hazard = report.hazard
    assert report.status == Status.VERIFIED and report.concluded_by == staff
    assert hazard.public_report == report
    assert hazard.source == Hazard.Source.PUBLIC_REPORT
    assert hazard.get_source_display() == "群众举报查实"
    assert hazard.enterprise == world.ent_zhaoxian and report.enterprise == world.ent_zhaoxian
    # The citizen's photo is the hazard's photo; the reporter is named nowhere in the ledger.
    assert hazard.files.get().kind == HazardFile.Kind.FOUND
    assert hazard.finder_name == "群众举报"
    assert REPORTER_NAME not in str(list(Hazard.history.filter(id=hazard.pk).values()))
    assert [h.status for h in report.history.order_by("history_id")] == [
        Status.RECEIVED,
        Status.ASSIGNED,
        Status.INVESTIGATING,
        Status.VERIFIED,
    ]
    # The hazard's page links back to the report for its handlers, not for the enterprise.
    report_url = reverse("hazards:report_detail", args=[report.pk])
    assert report_url in client_for(staff).get(hazard.get_absolute_url()).content.decode()
    enterprise_page = client_for(world.enterprise_user).get(hazard.get_absolute_url())
    assert report_url not in enterprise_page.content.decode()
    # Settled: nothing more to conclude.
    with pytest.raises(ValidationError, match="不能认定不实"):
        services.mark_unfounded(report, user=staff, reason="误报")


def test_verification_is_all_or_nothing(world, reports):
    report = reports.own_report
    hazards_before = Hazard.objects.count()
    # The ledger refuses the hazard (an enterprise out of the township's scope, no grade):
    # the report stays as it was.
    for data in (
        {"enterprise": world.ent_luoting, "grade": "general", "conclusion": "属实"},
        {"enterprise": world.ent_zhaoxian, "grade": "", "conclusion": "属实"},
        {"enterprise": world.ent_zhaoxian, "grade": "general", "conclusion": ""},
    ):
        with pytest.raises(ValidationError):
            services.verify(report, data, user=world.township_staff)
        report.refresh_from_db()
        assert report.status == Status.RECEIVED and report.hazard is None and report.version == 1
    assert Hazard.objects.count() == hazards_before
    assert not HazardFile.objects.exists()


def test_unfounded_needs_a_reason(world, reports):
    report = reports.own_report
    with pytest.raises(ValidationError) as refused:
        services.mark_unfounded(report, user=world.township_staff, reason="  ")
    assert refused.value.message_dict == {"reason": ["请填写不实的原因。"]}
    report.refresh_from_db()
    assert report.status == Status.RECEIVED
    report = services.mark_unfounded(report, user=world.township_staff, reason="该加油站证照齐全")
    assert report.status == Status.UNFOUNDED and report.unfounded_reason == "该加油站证照齐全"
    with pytest.raises(ValidationError, match="不能决定奖励"):
        services.decide_reward(
            report,
            user=world.county_official,
            amount=100,
            decision="奖励",
            decided_on=timezone.localdate(),
        )


def test_rewards_are_decided_by_a_leader_for_verified_reports(world, reports):
    report = services.verify(
        reports.own_report,
        {"enterprise": world.ent_zhaoxian, "grade": "general", "conclusion": "属实"},
        user=world.township_staff,
    )
    today = timezone.localdate()
    reward = {"amount": Decimal("500"), "decision": "依据奖励办法奖励", "decided_on": today}
    with pytest.raises(PermissionDenied, match="举报奖励须由属地负责人或管理员决定"):
        services.decide_reward(report, user=world.township_staff, **reward)
    for bad, field in (
        ({"amount": Decimal("0")}, "amount"),
        ({"decided_on": today + timedelta(days=1)}, "decided_on"),
        ({"paid_on": today - timedelta(days=1)}, "paid_on"),
        ({"decision": ""}, "decision"),
    ):
        with pytest.raises(ValidationError) as refused:
            services.decide_reward(report, user=world.county_official, **{**reward, **bad})
        assert field in refused.value.message_dict
    report = services.decide_reward(report, user=world.county_official, **reward)
    report = services.decide_reward(report, user=world.county_official, **reward, paid_on=today)
    assert report.reward_amount == Decimal("500.00") and report.reward_paid_on == today


def test_assignment_stays_within_scope_and_moves_the_report(world, reports):
    report = reports.own_report
    with pytest.raises(ValidationError) as refused:
        services.assign(report, user=world.township_staff, unit=world.luoting, deadline=in_a_week())
    assert "unit" in refused.value.message_dict
    with pytest.raises(ValidationError, match="承办人须为承办单位的工作人员"):
        services.assign(
            report,
            user=world.county_official,
            unit=world.luoting,
            deadline=in_a_week(),
            assignee=world.township_staff,
        )
    with pytest.raises(ValidationError, match="办理时限不能早于今天"):
        services.assign(
            report,
            user=world.county_official,
            unit=world.luoting,
            deadline=timezone.localdate() - timedelta(days=1),
        )
    # The county hands it to 罗亭镇: its staff now see it, 招贤镇's no longer do.
    report = services.assign(
        report, user=world.county_official, unit=world.luoting, deadline=in_a_week()
    )
    assert report.org_unit == world.luoting and report.assigned_unit == world.luoting
    assert PublicReport.objects.restrict(world.township_staff_b).filter(pk=report.pk).exists()
    assert not PublicReport.objects.restrict(world.township_staff).filter(pk=report.pk).exists()
    notice = Notification.objects.get(recipient=world.township_staff_b, title__contains="交办")
    assert REPORTER_NAME not in notice.title + notice.body
    # Out of scope now: as if it did not exist.
    with pytest.raises(PermissionDenied):
        services.start_investigation(report, user=world.township_staff)
    # Enterprises never handle nor see reports.
    assert not PublicReport.objects.restrict(world.enterprise_user).exists()


def test_a_stale_page_is_refused(world, reports):
    report = services.start_investigation(reports.own_report, user=world.township_staff)
    with pytest.raises(StaleVersionError):
        services.mark_unfounded(
            report, user=world.township_staff, reason="不属实", expected_version=1
        )


def test_reveal_is_for_the_grant_and_the_auditor_and_is_audited(world, reports):
    from django.contrib.auth.models import Permission

    from core.models import AuditEvent

    report = reports.own_report
    for user in (world.township_staff, world.county_official, world.province_admin):
        with pytest.raises(PermissionDenied, match="没有查看举报人信息的权限"):
            services.reveal_reporter(report, user=user)
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.SENSITIVE_VIEWED).exists()
    staff = world.township_staff
    staff.user_permissions.add(Permission.objects.get(codename="view_reporter_identity"))
    staff = type(staff).objects.get(pk=staff.pk)  # permissions are cached per instance
    assert services.reveal_reporter(report, user=staff).contact == REPORTER_PHONE
    assert services.reveal_reporter(report, user=world.auditor).name == REPORTER_NAME
    # The grant does not widen scope: the sibling township's reporter stays hidden.
    with pytest.raises(PermissionDenied):
        services.reveal_reporter(reports.sibling_report, user=staff)
    events = AuditEvent.objects.filter(kind=AuditEvent.Kind.SENSITIVE_VIEWED)
    assert [(e.actor, e.detail["object_id"]) for e in events.order_by("pk")] == [
        (staff, report.pk),
        (world.auditor, report.pk),
    ]


def test_deadline_reminders_are_sent_once(world, reports):
    today = timezone.localdate()
    report = services.assign(
        reports.own_report, user=world.township_staff, unit=world.zhaoxian, deadline=today
    )
    Notification.objects.all().delete()
    three_days_before = (today - timedelta(days=3)).isoformat()
    assert send_report_deadline_reminders(today=three_days_before) >= 1
    assert send_report_deadline_reminders(today=three_days_before) >= 1
    reminders = Notification.objects.filter(link__endswith=f"/reports/{report.pk}/")
    assert reminders.count() == 1
    assert "剩3天" in reminders.get().title and REPORTER_NAME not in reminders.get().title
    late = (today + timedelta(days=2)).isoformat()
    send_report_deadline_reminders(today=late)
    send_report_deadline_reminders(today=late)
    assert reminders.filter(title__contains="已超过办理时限").count() == 1
    # Concluded reports are not reminded of.
    services.mark_unfounded(report, user=world.township_staff, reason="不属实")
    Notification.objects.all().delete()
    send_report_deadline_reminders(today=late)
    assert not reminders.exists()
