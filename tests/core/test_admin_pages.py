"""Django admin pages of the domain models (superusers only).

Each model registered for the domains (accidents, citizens' reports, bulletins, campaigns and
enforcement, draws, schedules) opens as a changelist, a change page and a history page; the
changelist runs as many queries for five rows as for one; and what the services own cannot be
changed here (a published bulletin's numbers, a draw's result, a report's status).
"""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib import admin
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accidents import services as accident_services
from accidents.models import Accident
from hazards.models import Hazard, PublicReport
from inspections import draws, enforcement
from inspections import services as inspection_services
from inspections.models import (
    EnforcementAction,
    Frequency,
    Inspection,
    RandomDraw,
    SpecialCampaign,
    SupervisionGroup,
    SupervisionSchedule,
)
from reports import bulletins
from reports.models import Bulletin, BulletinSeries
from tests.accidents.factories import accident_data
from tests.campaigns.factories import campaign_world
from tests.factories import UserFactory
from tests.hazards.factories import hazard_world
from tests.hazards.tenancy_reports import file_report
from tests.inspections.enforcement_factories import campaign
from tests.inspections.factories import core_world
from tests.reports.tenancy_bulletins import draft
from tests.training.factories import training_world
from training.models import Drill, TrainingSession


def make_accident(w, n):
    return accident_services.record_accident(
        accident_data(w, title=f"招贤镇测试事故{n}"), user=w.township_staff
    )


def make_report(w, n):
    return file_report(w.zhaoxian, description=f"招贤镇第{n}处加油站外倒卖散装汽油", photo=False)


def make_series(w, n):
    return bulletins.save_series(
        w.township_staff,
        {"title": f"招贤镇简报{n}", "org_unit": w.zhaoxian, "issuer_name": "招贤镇安委办"},
    )


def make_bulletin(w, n):
    series = BulletinSeries.objects.filter(title="招贤镇简报").first() or make_series(w, "")
    return draft(
        w.township_staff,
        series,
        f"招贤镇简报第{n}篇",
        w.zhaoxian,
        body="招贤镇推进隐患动态清零。{{hazards}}",
        blocks=[{"key": "hazards", "kind": "sentence", "metrics": ["hazards_found"]}],
    )


def make_schedule(w, n):
    return inspection_services.create_schedule(
        {
            "org_unit": w.zhaoxian,
            "supervising_unit": w.zhaoxian,
            "frequency": Frequency.QUARTERLY,
            "start_date": date(2025, 1, 1),
            "note": f"招贤镇第{n}项督导",
        },
        user=w.township_staff,
    )


def make_campaign(w, n):
    return campaign(w, w.township_staff, w.zhaoxian, f"招贤镇第{n}次专项行动")


def make_draw(w, n):
    return draws.make_draw(
        {
            "org_unit": w.zhaoxian,
            "title": f"招贤镇第{n}次双随机抽查",
            "target_count": 1,
            "inspectors_per_target": 1,
            "inspectors": [w.county_official, w.city_official],
            "seed": f"admin-{n}",
        },
        user=w.province_admin,
    )


def make_action(w, n):
    return enforcement.record_action(
        {
            "enterprise": w.ent_zhaoxian,
            "issuing_unit": w.zhaoxian,
            "kind": EnforcementAction.Kind.RECTIFY_ORDER,
            "decided_on": date(2025, 9, 30),
            "deadline": date(2025, 10, 30),
            "document_number": f"招应急责改〔2025〕{n}号",
        },
        user=w.township_staff,
    )


MAKERS = {
    Accident: make_accident,
    PublicReport: make_report,
    BulletinSeries: make_series,
    Bulletin: make_bulletin,
    SupervisionSchedule: make_schedule,
    SpecialCampaign: make_campaign,
    RandomDraw: make_draw,
    EnforcementAction: make_action,
}


def url(model, view, *args):
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


@pytest.fixture
def root(world):
    client = Client()
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize("model", MAKERS, ids=lambda model: model.__name__)
def test_pages_open_and_the_changelist_does_not_grow_with_rows(world, root, model):
    make = MAKERS[model]
    obj = make(world, 1)
    changelist = url(model, "changelist")
    root.get(changelist)  # caches (content types, session) warmed before counting
    with CaptureQueriesContext(connection) as one:
        response = root.get(changelist)
    assert response.status_code == 200
    rows = response.context["cl"].result_count
    for n in range(2, 6):
        make(world, n)
    with CaptureQueriesContext(connection) as five:
        response = root.get(changelist)
    assert response.context["cl"].result_count == rows + 4
    assert len(five) == len(one), [q["sql"] for q in five.captured_queries]
    for view in ("change", "history"):
        assert root.get(url(model, view, obj.pk)).status_code == 200


@pytest.mark.parametrize(
    "model", [m for m in MAKERS if m is not BulletinSeries], ids=lambda m: m.__name__
)
def test_what_the_services_own_is_read_only(world, root, model):
    obj = MAKERS[model](world, 1)
    assert root.post(url(model, "change", obj.pk), {}).status_code == 403
    assert root.get(url(model, "add")).status_code == 403
    assert root.post(url(model, "delete", obj.pk), {"post": "yes"}).status_code == 403
    assert model.objects.filter(pk=obj.pk).exists()
    # A historical record's page is a form too: simple-history saves it on POST ("revert")
    # whatever the change permission says.
    record = url(model, "simple_history", obj.pk, obj.history.latest().history_id)
    assert root.get(record).status_code == 200
    assert root.post(record, {}).status_code == 403


def form_fields(root, series):
    return set(root.get(url(BulletinSeries, "change", series.pk)).context["adminform"].form.fields)


def test_series_numbering_carries_over_until_the_first_issue(world, root):
    issue = make_bulletin(world, 1)
    series = issue.series
    assert {"next_issue_number", "next_total_number"} <= form_fields(root, series)
    assert "org_unit" not in form_fields(root, series)
    issue, _job = bulletins.publish(world.township_staff, issue)
    # Published: only publication advances the numbers, so no form may set them.
    fields = form_fields(root, series)
    assert fields and not fields & {"current_year", "next_issue_number", "next_total_number"}
    posted = root.post(
        url(BulletinSeries, "change", series.pk),
        {
            "title": series.title,
            "issuer_name": series.issuer_name,
            "special_name": "",
            "is_active": "on",
            "next_total_number": 1,
        },
    )
    assert posted.status_code == 302
    series.refresh_from_db()
    assert series.next_total_number == issue.total_number + 1
    # The issue itself, its articles and frozen figures are shown, not editable.
    page = root.get(url(Bulletin, "change", issue.pk))
    text = page.content.decode()
    assert "招贤镇推进隐患动态清零" in text and "{{hazards}} 同比语句" in text
    assert "定稿数据：—" not in text
    assert not page.context["adminform"].form.fields
    assert root.post(url(Bulletin, "change", issue.pk), {"title": "改"}).status_code == 403


def test_inlines_show_what_the_forms_cannot(world, root):
    """Members and findings (inspections), rosters and photos (training), the workflow
    steps and files of a ledger hazard: shown on their parent's page."""
    core = core_world(world)
    training = training_world(world)
    hazard = hazard_world(world).own_hazard
    pages = {
        url(SupervisionGroup, "change", core.own_group.pk): [str(world.township_staff), "组长"],
        url(Inspection, "change", core.own_inspection.pk): ["招贤镇安全管理人员未经考核"],
        url(TrainingSession, "change", training.own_session.pk): ["招贤镇王建国"],
        url(Drill, "change", training.own_drill.pk): ["招贤镇演练照片.png"],
        url(Hazard, "change", hazard.pk): ["招贤镇隐患照片.png", "隐患流转记录"],
    }
    for page, expected in pages.items():
        response = root.get(page)
        assert response.status_code == 200, page
        text = response.content.decode()
        for snippet in expected:
            assert snippet in text, (page, snippet)


def test_a_fine_shows_its_total_in_the_changelist(world, root):
    enforcement.record_action(
        {
            "enterprise": world.ent_zhaoxian,
            "issuing_unit": world.zhaoxian,
            "kind": EnforcementAction.Kind.FINE,
            "decided_on": date(2025, 9, 30),
            "fined_party": EnforcementAction.FinedParty.BOTH,
            "fine_unit_amount": Decimal("30000.00"),
            "fined_person_name": "张三",
            "fine_person_amount": Decimal("5000.00"),
        },
        user=world.township_staff,
    )
    text = root.get(url(EnforcementAction, "changelist")).content.decode()
    assert "35000.00" in text


# Tables that run to millions of rows (or of users) in a province.
BIG_TABLES = {
    "core.user",
    "orgs.orgunit",
    "orgs.enterprise",
    "hazards.hazard",
    "inspections.inspection",
    "training.person",
}
DOMAIN_APPS = {"accidents", "hazards", "inspections", "reports", "training"}


def test_foreign_keys_to_big_tables_are_raw_ids():
    """Even on a read-only admin: a historical record's page renders the model's form, and a
    select would list every row of the table."""
    missing = []
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in DOMAIN_APPS:
            continue
        for field in model._meta.get_fields():
            widget_less = field.many_to_many and not field.remote_field.through._meta.auto_created
            if (
                field.concrete
                and field.editable
                and field.is_relation
                and not widget_less
                and field.related_model._meta.label_lower in BIG_TABLES
                and field.name not in model_admin.raw_id_fields
            ):
                missing.append(f"{model.__name__}.{field.name}")
    assert not missing


def test_the_campaigns_read_only_admins_refuse_a_history_revert_too(world, root):
    """Plans, tasks and assignments share the same read-only base (core.admin.ReadOnlyAdmin)."""
    c = campaign_world(world)
    for obj in (c.county_plan, c.county_task, c.assignment):
        model = type(obj)
        record = url(model, "simple_history", obj.pk, obj.history.latest().history_id)
        assert root.get(record).status_code == 200
        assert root.post(record, {}).status_code == 403
        assert root.post(url(model, "change", obj.pk), {}).status_code == 403
