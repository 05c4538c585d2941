"""Deadline reminders: 7, 3 and 1 days before, and overdue; each exactly once per slot, in
eager mode and with a real Celery worker killed mid-run."""

import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from django.db import connection

from campaigns import services
from campaigns.models import Campaign, Slot
from campaigns.tasks import send_deadline_reminders
from config.celery import app
from core.models import Notification

ROOT = Path(__file__).resolve().parents[2]
BROKER_URL = "redis://127.0.0.1:6379/15"


def build_plan(world, tasks=1):
    """湾里管理局's plan issued 2024-03-01: `tasks` monthly tasks, plus tasks due 2024-04-24
    and 2024-04-26, all assigned to 招贤镇 and 罗亭镇."""
    admin = world.province_admin
    plan = services.create_plan(
        user=admin,
        org_unit=world.wanli,
        campaign=Campaign.objects.get(),
        title="湾里管理局安全生产治本攻坚三年行动工作方案",
        issue_date=date(2024, 3, 1),
    )
    specs = [{"text": f"每月排查{n}", "recurrence": "monthly"} for n in range(tasks)]
    specs += [{"text": "限期整改", "deadline": d} for d in (date(2024, 4, 24), date(2024, 4, 26))]
    for spec in specs:
        task = services.add_task(plan, spec, user=admin)
        services.assign_task(task, [world.zhaoxian, world.luoting], user=admin)
    return plan


def keys(recipient):
    """(slot due date, threshold) of each reminder the user got."""
    rows = Notification.objects.filter(recipient=recipient).values_list("dedup_key", flat=True)
    due = dict(Slot.objects.values_list("pk", "due_date"))
    return sorted((due[int(key.split(":")[1])], key.split(":")[2]) for key in rows)


@pytest.fixture
def eager(monkeypatch):
    monkeypatch.setitem(app.conf, "task_always_eager", True)


def test_reminders_once_per_slot_and_threshold(world, eager):
    build_plan(world)
    reported = Slot.objects.get(org_unit=world.luoting, due_date=date(2024, 4, 24))
    services.submit_progress_report(
        reported, user=world.township_staff_b, text="已整改", percent_done=100
    )

    assert send_deadline_reminders.delay(today="2024-04-23").get() == 7
    assert keys(world.township_staff) == [
        (date(2024, 3, 31), "overdue"),
        (date(2024, 4, 24), "1"),
        (date(2024, 4, 26), "3"),
        (date(2024, 4, 30), "7"),
    ]
    # 罗亭镇 reported on the slot due tomorrow: nothing to remind there.
    assert (date(2024, 4, 24), "1") not in keys(world.township_staff_b)
    # Overdue work goes to the leaders of the unit whose plan it is, for each township.
    assert keys(world.county_official) == [(date(2024, 3, 31), "overdue")] * 2
    notice = Notification.objects.filter(recipient=world.county_official).first()
    assert notice.title.startswith("逾期提醒：") and "已逾期23天" in notice.title
    total = Notification.objects.count()

    # Run again, the same day and the next: nothing new.
    assert send_deadline_reminders.delay(today="2024-04-23").get() == 0
    assert send_deadline_reminders.delay(today="2024-04-24").get() == 0
    assert Notification.objects.count() == total

    # Three days before the month's end; two deadlines passed, one already reminded as due.
    assert send_deadline_reminders.delay(today="2024-04-27").get() == 5
    assert keys(world.township_staff) == [
        (date(2024, 3, 31), "overdue"),
        (date(2024, 4, 24), "1"),
        (date(2024, 4, 24), "overdue"),
        (date(2024, 4, 26), "3"),
        (date(2024, 4, 26), "overdue"),
        (date(2024, 4, 30), "3"),
        (date(2024, 4, 30), "7"),
    ]


def test_a_day_without_the_job_is_caught_up(world, eager):
    build_plan(world)
    # The job last ran long ago: a slot due in 5 days gets its 7-day reminder now, once.
    send_deadline_reminders(today="2024-04-25")
    assert (date(2024, 4, 30), "7") in keys(world.township_staff)
    assert Slot.objects.get(org_unit=world.zhaoxian, due_date=date(2024, 4, 30)).last_reminder == 7
    send_deadline_reminders(today="2024-04-26")
    assert keys(world.township_staff).count((date(2024, 4, 30), "7")) == 1


# --- A real worker ---------------------------------------------------------------------------


def redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


class Worker:
    """`celery -A config worker --pool=solo` on Redis db 15, against the test database."""

    def __init__(self, log: Path):
        settings = connection.settings_dict
        database_url = (
            f"postgres://{settings['USER']}:{settings['PASSWORD']}@{settings['HOST']}:"
            f"{settings['PORT'] or 5432}/{settings['NAME']}"
        )
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "CELERY_BROKER_URL": BROKER_URL,
            "CELERY_RESULT_BACKEND": BROKER_URL,
            "DJANGO_SETTINGS_MODULE": "config.settings",
        }
        command = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo"]
        command += ["--loglevel=INFO", "--without-heartbeat", "--without-gossip"]
        self.log = log
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self, sender, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text()
            if sender.control.ping(timeout=0.5):
                return
        raise AssertionError(f"worker not ready:\n{self.log.read_text()}")

    def kill(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)


@pytest.fixture
def broker():
    if connection.vendor != "postgresql":
        pytest.skip("a worker process reads the test database: PostgreSQL only")
    if not redis_answers():
        pytest.skip("Redis does not answer on 127.0.0.1:6379: the real-worker test needs it")
    import redis
    from celery import Celery

    client = redis.Redis.from_url(BROKER_URL)
    client.flushdb()
    sender = Celery("reminder-test", broker=BROKER_URL, backend=BROKER_URL)
    yield sender
    client.flushdb()  # the killed worker's unacknowledged message must not outlive the test


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_real_worker_killed_mid_run_sends_each_reminder_once(world, broker, tmp_path):
    build_plan(world, tasks=30)
    # Today: every monthly slot from 2024-03 to 2026-10 is overdue (32 per assignment).
    job = {"today": "2026-11-22", "chunk_size": 5}
    overdue = Slot.objects.filter(due_date__lt=date(2026, 11, 22))
    slots = overdue.count()
    assert slots == 30 * 2 * 32 + 4
    # The township's staff and 湾里管理局's leader for each.
    expected = 2 * slots
    name = "campaigns.tasks.send_deadline_reminders"

    worker = Worker(tmp_path / "worker.log")
    try:
        worker.wait_ready(broker)
        broker.send_task(name, kwargs=job)
        deadline = time.monotonic() + 60
        while not Notification.objects.exists():
            assert time.monotonic() < deadline, worker.log.read_text()
            time.sleep(0.005)
        worker.kill()
    finally:
        worker.kill()
    sent = Notification.objects.count()
    assert 0 < sent < expected, "the worker was not killed mid-run"
    # The chunks done are whole: each claimed slot has all its notifications, no other has any.
    claimed = overdue.filter(last_reminder=0).count()
    assert sent == 2 * claimed

    worker = Worker(tmp_path / "worker.log")
    try:
        worker.wait_ready(broker)
        assert broker.send_task(name, kwargs=job).get(timeout=120) == slots - claimed
        # And once more: nothing left to send.
        assert broker.send_task(name, kwargs=job).get(timeout=60) == 0
    finally:
        worker.kill()

    reminders = Counter(
        (recipient, key.rsplit(":", 1)[0])  # slot:<id>:overdue, without the recipient
        for recipient, key in Notification.objects.values_list("recipient_id", "dedup_key")
    )
    assert sum(reminders.values()) == expected and set(reminders.values()) == {1}
    per_slot = Counter(key for _recipient, key in reminders)
    assert len(per_slot) == slots and set(per_slot.values()) == {2}
    assert not overdue.exclude(last_reminder=0).exists()
