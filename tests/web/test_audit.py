"""The audit pages: auditors read their subtree's events and data history; nobody edits."""

import pytest
from django.urls import reverse

from core.audit import record_event
from core.models import AuditEvent
from orgs import services
from orgs.constants import Role
from tests.web.conftest import html

LOG = reverse("audit_log")
HISTORY = reverse("audit_history")


@pytest.fixture
def events(world):
    record_event(AuditEvent.Kind.LOGIN, username="jiangxi_login", org_path=world.zhaoxian.path)
    record_event(
        AuditEvent.Kind.LOGIN_FAILED, username="anhui_login", org_path=world.xjj_street.path
    )
    record_event(
        AuditEvent.Kind.MEMBERSHIP_ADDED,
        username="province_admin",
        org_path=world.luoting.path,
        user="township_staff_b",
        role=Role.STAFF,
    )


def test_auditor_reads_jiangxi_events_only(world, client_for, events):
    page = html(client_for(world.auditor).get(LOG))
    assert "jiangxi_login" in page and "anhui_login" not in page
    assert "授予角色" in page and "角色：工作人员" in page


def test_log_filters(world, client_for, events):
    client = client_for(world.auditor)
    response = client.get(LOG, {"kind": AuditEvent.Kind.LOGIN_FAILED})
    assert not response.context["object_list"]  # Anhui's failed login is not the auditor's
    response = client.get(LOG, {"kind": AuditEvent.Kind.LOGIN, "username": "jiangxi"})
    assert {e.username for e in response.context["object_list"]} == {"jiangxi_login"}
    response = client.get(LOG, {"username": "province"})
    assert {e.username for e in response.context["object_list"]} == {"province_admin"}
    page = html(client.get(LOG, {"date_from": "2030-01-02", "date_to": "2030-01-01"}))
    assert "起始日期不能晚于截止日期" in page
    response = client.get(LOG, {"date_from": "2000-01-01", "date_to": "2000-01-02"})
    assert not response.context["object_list"]


@pytest.mark.parametrize("user", ["township_staff", "province_admin", "enterprise_user"])
def test_non_auditors_get_403(user, world, client_for):
    client = client_for(getattr(world, user))
    assert client.get(LOG).status_code == 403
    assert client.get(HISTORY).status_code == 403


def test_the_log_cannot_be_written_through_the_app(world, client_for, events):
    client = client_for(world.auditor)
    before = AuditEvent.objects.count()
    assert client.post(LOG, {"kind": "login"}).status_code == 405
    assert client.post(HISTORY).status_code == 405
    assert AuditEvent.objects.count() == before


def test_history_of_the_auditors_subtree(world, client_for):
    services.save_enterprise(
        {"principal_name": "王五"}, user=world.province_admin, instance=world.ent_zhaoxian
    )
    services.save_enterprise(
        {"principal_name": "孙八"}, user=world.dept_staff, instance=world.ent_xjj_care
    )
    response = client_for(world.auditor).get(HISTORY)
    page = html(response)
    assert "招贤镇化工有限公司" in page and "招贤镇" in page
    assert "township_staff · 招贤镇 · 工作人员" in page  # a membership row
    assert "主要负责人" in page and "张三" in page and "王五" in page
    assert "province_admin" in page
    assert "谢家集" not in page and "孙八" not in page and "dept_staff" not in page
    sources = {entry.source for entry in response.context["entries"]}
    assert sources == {"enterprise", "orgunit", "membership"}


def test_history_filters(world, client_for):
    services.save_enterprise(
        {"principal_name": "王五"}, user=world.province_admin, instance=world.ent_zhaoxian
    )
    client = client_for(world.auditor)
    response = client.get(HISTORY, {"source": "enterprise", "username": "province_admin"})
    entries = response.context["entries"]
    assert [entry.record.name for entry in entries] == ["招贤镇化工有限公司"]
    request_id = entries[0].record.request_id
    response = client.get(HISTORY, {"request_id": request_id or "none"})
    assert len(response.context["entries"]) == (1 if request_id else 0)
    assert client.get(HISTORY, {"source": "nonsense"}).context["entries"] == []
