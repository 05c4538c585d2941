"""The shared mechanisms every app uses: notifications, background jobs, the audit log."""

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from core.models import AuditEvent, Notification
from core.notifications import deliver, notify, record_external_notice, unread_count
from core.tasks import (
    clear_expired_sessions,
    deliver_notification,
    sweep_undelivered_notifications,
)
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


class RobotHandler(BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):
        length = int(self.headers["Content-Length"])
        RobotHandler.received.append(json.loads(self.rfile.read(length)))
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b'{"errcode":0}')

    def log_message(self, *args):
        pass


@pytest.fixture
def robot():
    RobotHandler.received = []
    server = HTTPServer(("127.0.0.1", 0), RobotHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/robot/send", RobotHandler.received
    server.shutdown()


def test_email_and_webhook_are_delivered_once_each(
    world, robot, mailoutbox, django_capture_on_commit_callbacks
):
    url, received = robot
    user = world.township_staff
    user.email, user.notify_by_email, user.webhook_url = "staff@zhaoxian.gov.cn", True, url
    user.save()
    with django_capture_on_commit_callbacks(execute=True):
        [notification] = notify([user], "任务即将到期", body="第3项任务3天后到期", link="/tasks/1/")
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["staff@zhaoxian.gov.cn"]
    assert "/tasks/1/" in mailoutbox[0].body
    assert received[0]["msgtype"] == "text" and "任务即将到期" in received[0]["text"]["content"]
    # A duplicated or retried task sends nothing more.
    assert deliver_notification.delay(notification.pk).get() == []
    assert len(mailoutbox) == 1 and len(received) == 1
    notification.refresh_from_db()
    assert notification.emailed_at and notification.webhooked_at


def test_a_claim_left_by_a_killed_worker_is_swept_and_delivered(world, mailoutbox):
    user = world.township_staff
    user.email, user.notify_by_email = "staff@zhaoxian.gov.cn", True
    user.save()
    notification = Notification.objects.create(recipient=user, title="整改期限提醒")
    # The worker claimed it and died before sending.
    Notification.objects.filter(pk=notification.pk).update(
        created_at=timezone.now() - timedelta(hours=1),
        email_claimed_at=timezone.now() - timedelta(minutes=5),
    )
    assert sweep_undelivered_notifications.delay().get() == 0  # the claim may still be live
    Notification.objects.filter(pk=notification.pk).update(
        email_claimed_at=timezone.now() - timedelta(minutes=20)
    )
    assert sweep_undelivered_notifications.delay().get() == 1
    assert len(mailoutbox) == 1
    assert sweep_undelivered_notifications.delay().get() == 0


def test_a_failing_webhook_is_released_for_retry(world):
    user = world.township_staff
    user.webhook_url = "http://127.0.0.1:9/unreachable"
    user.save()
    notification = Notification.objects.create(recipient=user, title="提醒")
    with pytest.raises(OSError):
        deliver(notification.pk)
    notification.refresh_from_db()
    assert notification.webhooked_at is None and notification.webhook_claimed_at is None
    assert notification.delivery_error
