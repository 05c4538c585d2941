"""The reporter's identity is confidential: walking every API route and every page (found
from the URLconf, as the tenancy suites do) as every demo role and as an anonymous visitor,
the reporter's name and phone never appear — on lists, details, the ledger hazard the report
became, exports, statistics, history and audit pages, notifications. Only the explicit,
audited reveal shows them, and only to the grant's holders and the auditor. Django's admin
does not show them to a superuser either: the identity has no admin, no inline, no column
and no search there."""

import io
import zipfile

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from core.models import AuditEvent, Notification
from core.testing import all_routes
from hazards import report_services as services
from hazards.models import Hazard, HazardFile, PublicReport, ReporterIdentity
from tests.factories import UserFactory
from tests.hazards.tenancy_reports import REPORTER_NAME, REPORTER_PHONE, report_world

SECRETS = (REPORTER_NAME, REPORTER_PHONE)
# Not the application's: Django's own admin (superusers), static and media files.
SKIPPED_PREFIXES = ("django-admin/", "static/", "media/", "api/schema/", "api/docs/", "api/redoc/")
ROLES = (
    "province_admin",
    "city_official",
    "county_official",
    "township_staff",
    "township_staff_b",
    "dept_staff",
    "supervisor",
    "auditor",
    "enterprise_user",
    "outsider",
)


def visible_text(response) -> str:
    """What a user gets: the page, the JSON, or every part of a downloaded workbook."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if body[:2] == b"PK":  # .xlsx: the strings sit in compressed parts
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return " ".join(
                archive.read(name).decode("utf-8", "ignore") for name in archive.namelist()
            )
    return body.decode("utf-8", "ignore")


def model_of(route):
    view = route.view_class
    if view is None:
        return None
    queryset = getattr(view, "queryset", None)
    return queryset.model if queryset is not None else getattr(view, "model", None)


def route_urls(routes, objects, receipt):
    """Each route's URL with the objects of the walk substituted; routes whose object kind
    holds nothing of the report are probed without an object only."""
    for route in routes:
        if route.pattern.startswith(SKIPPED_PREFIXES) or "(?P" in route.pattern:
            continue
        path = route.pattern.replace("<str:receipt>", receipt)
        if route.has_pk:
            obj = objects.get(model_of(route))
            if obj is None:
                continue
            path = route.url(obj.pk)[1:]
        if "<" in path:
            continue
        yield route, "/" + path


@pytest.fixture
def walked(world, settings, tmp_path):
    """A verified report (so a ledger hazard with the citizen's photo exists), reassigned
    with a reward; the sibling township's report untouched; both named by the reporter."""
    settings.MEDIA_ROOT = tmp_path / "media"
    reports = report_world(world)
    report = services.verify(
        reports.own_report,
        {"enterprise": world.ent_zhaoxian, "grade": Hazard.Grade.MAJOR, "conclusion": "属实"},
        user=world.township_staff,
    )
    report = services.decide_reward(
        report,
        user=world.county_official,
        amount=500,
        decision="奖励",
        decided_on=report.concluded_at.date(),
    )
    hazard = report.hazard
    return {
        PublicReport: report,
        Hazard: hazard,
        HazardFile: HazardFile.objects.get(hazard=hazard),
    }


def test_no_route_shows_the_reporter_without_the_reveal(world, walked):
    report = walked[PublicReport]
    routes = list(route_urls(all_routes(), walked, report.receipt_code))
    assert len(routes) > 50, "the walk found too few routes to mean anything"
    users = [None, *(getattr(world, name) for name in ROLES)]
    seen_report = set()
    for user in users:
        client = Client(raise_request_exception=False)
        if user is not None:
            client.force_login(user)
        for route, url in routes:
            if "get" in route.actions or not route.actions:
                response = client.get(url)
                text = visible_text(response)
                for secret in SECRETS:
                    assert secret not in text, (getattr(user, "username", "anonymous"), url)
                if url == f"/hazards/reports/{report.pk}/" and response.status_code == 200:
                    assert services.format_receipt(report.receipt_code) in text
                    seen_report.add(user.username)
        # The reveal, for everyone without the grant: refused, and nothing shown.
        if user is not None and user != world.auditor:
            for url in (f"/hazards/reports/{report.pk}/reporter/",):
                text = visible_text(client.post(url, follow=True))
                assert not any(secret in text for secret in SECRETS), user.username
            api = client.post(f"/api/v1/public-reports/{report.pk}/reporter/")
            assert api.status_code in (403, 404)
            assert not any(secret in visible_text(api) for secret in SECRETS)
    # The walk did read the report where it is visible, so its absence above means something.
    assert {"province_admin", "county_official", "township_staff", "auditor"} <= seen_report
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.SENSITIVE_VIEWED).exists()
    # Nothing sent to anyone names the reporter.
    for notice in Notification.objects.all():
        assert not any(s in f"{notice.title} {notice.body}" for s in SECRETS)


def test_the_reveal_shows_them_to_the_auditor_and_logs_it(world, walked, client_for):
    report = walked[PublicReport]
    page = client_for(world.auditor).post(f"/hazards/reports/{report.pk}/reporter/")
    assert page.status_code == 200
    text = page.content.decode()
    assert REPORTER_NAME in text and REPORTER_PHONE in text
    assert page["Cache-Control"] == "no-store"
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.SENSITIVE_VIEWED)
    assert event.actor == world.auditor and event.detail["object_id"] == report.pk
    assert event.org_path == report.org_path
    # The audit log shows that it was viewed, not what was seen.
    log = client_for(world.auditor).get("/audit/").content.decode()
    assert "查看敏感信息" in log and REPORTER_NAME not in log


def admin_urls(walked):
    """Every model's changelist; the walked objects' change, history and historical-record
    pages."""
    yield reverse("admin:index")
    for model in admin.site._registry:
        info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        yield reverse(f"{info}_changelist")
        obj = walked.get(model)
        if obj is None:
            continue
        yield reverse(f"{info}_change", args=[obj.pk])
        yield reverse(f"{info}_history", args=[obj.pk])
        for record in obj.history.all():
            yield reverse(f"{info}_simple_history", args=[obj.pk, record.history_id])


def test_the_admin_never_shows_the_reporter(world, walked):
    assert not admin.site.is_registered(ReporterIdentity)
    for model_admin in admin.site._registry.values():
        assert all(inline.model is not ReporterIdentity for inline in model_admin.inlines)
    report_admin = admin.site._registry[PublicReport]
    named = [*report_admin.search_fields, *report_admin.list_display, *report_admin.list_filter]
    assert not any("reporter" in str(name) for name in named)

    client = Client()
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    urls = list(admin_urls(walked))
    report_page = reverse("admin:hazards_publicreport_change", args=[walked[PublicReport].pk])
    assert report_page in urls
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        text = visible_text(response)
        for secret in SECRETS:
            assert secret not in text, url
        if url == report_page:
            assert walked[PublicReport].receipt_code in text
    # Searching the reports by the reporter finds nothing (the search box echoes the words).
    reports = reverse("admin:hazards_publicreport_changelist")
    assert client.get(reports).context["cl"].result_count == 2
    for secret in SECRETS:
        assert client.get(reports, {"q": secret}).context["cl"].result_count == 0, secret
