"""The accident pages: register with filters, figures and export; record; edit; detail."""

import io
from datetime import timedelta

import openpyxl
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accidents import services
from accidents.models import Accident
from tests.accidents.factories import accident_data, local

LIST = reverse("accidents:accident_list")


def form_data(world, **extra):
    return {
        "title": "招贤镇建筑工程有限公司“5·6”坍塌事故",
        "occurred_at": "2026-05-06T09:00",
        "enterprise": world.ent_zhaoxian_2.pk,
        "org_unit": "",
        "industry": "",
        "place": "3号楼基坑",
        "category": "production",
        "kind": "collapse",
        "deaths": "0",
        "serious_injuries": "10",
        "injuries": "2",
        "direct_loss": "300",
        "narrative": "基坑边坡坍塌。",
        "investigation_status": "investigating",
        "unit_reported_at": "2026-05-06T09:30",
        "county_reported_at": "2026-05-06T11:00",
        "city_reported_at": "2026-05-06T12:30",
        "province_reported_at": "",
        **extra,
    }


def test_register_lists_scope_figures_and_flags(world, client_for, acc):
    late = services.record_accident(
        accident_data(
            world,
            title="招贤镇“6·1”迟报事故",
            deaths=3,
            occurred_at=local(2026, 6, 1),
            unit_reported_at=None,
            county_reported_at=None,
        ),
        user=world.township_staff,
    )
    page = client_for(world.township_staff).get(LIST)
    assert page.status_code == 200
    text = page.content.decode()
    assert acc.own.title in text and late.title in text
    assert acc.sibling.title not in text
    assert page.context["figures"]["count"] == 2
    assert page.context["figures"]["deaths"] == 4
    assert page.context["figures"]["late"] == 1
    assert {g.value: n for g, n in page.context["by_grade"]}["larger"] == 1
    assert "迟报" in text and "较大事故" in text
    county = client_for(world.county_official).get(LIST, {"late": "false"})
    assert [a.title for a in county.context["object_list"]] == [acc.sibling.title, acc.own.title]
    bad = client_for(world.county_official).get(LIST, {"period": "今年"})
    assert bad.status_code == 200
    assert list(bad.context["object_list"]) == []
    assert "期间格式" in bad.content.decode()


def test_register_queries_do_not_grow_with_rows(world, client_for, acc):
    client = client_for(world.province_admin)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(LIST).status_code == 200
        return len(queries)

    count()
    one = count()
    for n in range(12):
        services.record_accident(
            accident_data(world, title=f"事故{n}", enterprise=world.ent_wannian),
            user=world.province_admin,
        )
    assert count() == one


def test_export_is_the_filtered_register(world, client_for, acc):
    response = client_for(world.county_official).get(
        reverse("accidents:accident_export"), {"within": world.luoting.pk}
    )
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    assert rows[0][:2] == ("事故名称", "发生时间")
    assert [row[0] for row in rows[1:]] == [acc.sibling.title]
    assert rows[1][7] == "一般事故"


def test_record_an_accident_through_the_form(world, client_for):
    client = client_for(world.township_staff)
    response = client.post(reverse("accidents:accident_create"), form_data(world))
    accident = Accident.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("accidents:accident_detail", args=[accident.pk])
    assert accident.grade == "larger"
    assert accident.org_unit == world.zhaoxian
    assert accident.industry == world.construction
    detail = client.get(response.url).content.decode()
    assert "较大事故" in detail
    assert "录入，定为较大事故" in detail


def test_bad_input_is_shown_on_the_form_and_nothing_written(world, client_for):
    client = client_for(world.township_staff)
    response = client.post(
        reverse("accidents:accident_create"),
        form_data(world, deaths="-2", occurred_at="2099-01-01T00:00", kind=""),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) >= {"deaths", "kind"}
    response = client.post(
        reverse("accidents:accident_create"), form_data(world, occurred_at="2099-01-01T00:00")
    )
    assert "发生时间不能晚于当前时间。" in response.context["form"].errors["occurred_at"]
    response = client.post(
        reverse("accidents:accident_create"), form_data(world, enterprise="", org_unit="")
    )
    assert "请选择事故发生地。" in response.content.decode()
    assert not Accident.objects.exists()


def test_readers_cannot_open_the_form(world, client_for):
    assert (
        client_for(world.county_official).get(reverse("accidents:accident_create")).status_code
        == 403
    )
    assert (
        client_for(world.township_staff).get(reverse("accidents:accident_create")).status_code
        == 200
    )


def test_edit_regrades_and_a_stale_form_is_a_conflict(world, client_for):
    accident = services.record_accident(
        accident_data(
            world,
            occurred_at=timezone.now() - timedelta(days=3),
            unit_reported_at=None,
            county_reported_at=None,
        ),
        user=world.township_staff,
    )
    client = client_for(world.township_staff)
    url = reverse("accidents:accident_update", args=[accident.pk])
    form = client.get(url).context["form"]
    data = {
        name: ("" if value is None else value)
        for name, value in form.initial.items()
        if name in form.fields
    }
    data.update(
        occurred_at=timezone.localtime(accident.occurred_at).strftime("%Y-%m-%dT%H:%M"),
        enterprise=world.ent_zhaoxian.pk,
        org_unit=world.zhaoxian.pk,
        industry=world.chemicals.pk,
        deaths="3",
        expected_version="1",
    )
    data = {k: v for k, v in data.items() if v is not False}
    assert client.post(url, data).status_code == 302
    accident.refresh_from_db()
    assert (accident.grade, accident.version) == ("larger", 2)
    stale = client.post(url, {**data, "deaths": "12"})
    assert stale.status_code == 409
    assert "已被他人修改" in stale.content.decode()
    detail = client.get(reverse("accidents:accident_detail", args=[accident.pk])).content.decode()
    assert "由一般事故调整为较大事故" in detail
    # Readers see the page but may not edit.
    assert client_for(world.county_official).get(url).status_code == 404


def test_detail_shows_the_frozen_grade_and_the_reporting_chain(world, client_for, acc):
    services.update_accident(
        acc.own, {"deaths": 3}, user=world.township_staff, expected_version=acc.own.version
    )
    page = client_for(world.township_staff).get(
        reverse("accidents:accident_detail", args=[acc.own.pk])
    )
    text = page.content.decode()
    assert "按现有伤亡和损失应为较大事故" in text
    assert "统计等级保持一般事故" in text
    assert [step.field for step in page.context["steps"]] == [
        "unit_reported_at",
        "county_reported_at",
    ]


def test_detail_queries_do_not_grow_with_history(world, client_for, acc):
    client = client_for(world.township_staff)
    url = reverse("accidents:accident_detail", args=[acc.own.pk])

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    count()
    one = count()
    accident = acc.own
    for injuries in range(3, 9):
        accident = services.update_accident(
            accident,
            {"injuries": injuries},
            user=world.township_staff,
            expected_version=accident.version,
        )
    assert count() == one
