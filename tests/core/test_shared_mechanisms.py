"""The shared mechanisms every app uses: notifications, background jobs, the audit log."""

from datetime import timedelta

from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from core.models import AuditEvent, Notification
from core.notifications import notify, record_external_notice, unread_count
from core.tasks import clear_expired_sessions
from orgs import services


def test_notify_with_a_dedup_key_notifies_exactly_once(world):
    users = [world.township_staff, world.county_official]
    first = notify(users, "隐患整改即将到期", dedup_key="hazard-1-due-3d")
    again = notify(users, "隐患整改即将到期", dedup_key="hazard-1-due-3d")
    assert len(first) == 2 and again == []
    assert Notification.objects.filter(title="隐患整改即将到期").count() == 2
    assert unread_count(world.township_staff) == 1


def test_notify_without_key_always_creates(world):
    notify([world.township_staff], "通知")
    notify([world.township_staff], "通知")
    assert Notification.objects.filter(recipient=world.township_staff).count() == 2


def test_external_notice_records_when_how_and_by_whom(world):
    notice = record_external_notice(
        recipient_name="张三",
        recipient_phone="13800000000",
        channel=Notification.Channel.PHONE,
        title="重大事故隐患告知",
        sender=world.township_staff,
    )
    assert notice.created_at and notice.sender == world.township_staff
    assert notice.get_channel_display() == "电话"


def test_clear_expired_sessions_task_is_scheduled_and_idempotent(db):
    assert PeriodicTask.objects.get(task="core.tasks.clear_expired_sessions").enabled
    store = SessionStore()
    store.create()
    Session.objects.filter(session_key=store.session_key).update(
        expire_date=timezone.now() - timedelta(minutes=1)
    )
    assert clear_expired_sessions.delay().get() == 1
    assert clear_expired_sessions.delay().get() == 0


def test_permission_changes_are_audited_under_the_org_unit(world):
    services.grant_subtree(world.supervisor, world.wanli, granted_by=world.province_admin)
    services.revoke_subtree(world.supervisor, world.wanli, revoked_by=world.province_admin)
    kinds = list(
        AuditEvent.objects.filter(org_path=world.wanli.path, kind__startswith="grant").values_list(
            "kind", flat=True
        )
    )
    assert kinds == [AuditEvent.Kind.GRANT_REMOVED, AuditEvent.Kind.GRANT_ADDED]
    added = AuditEvent.objects.filter(
        kind=AuditEvent.Kind.MEMBERSHIP_ADDED, org_path=world.zhaoxian.path
    )
    assert {e.detail["user"] for e in added} == {"township_staff", "enterprise_user"}
