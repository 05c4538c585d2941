"""Pages finishing issue 7: editing a person (ID number never shown), renewing a certificate
(history kept), certificate numbers that are ID numbers, the statistics page and its export,
and the on-site drill requirement on the compliance page."""

import io
from datetime import date, timedelta

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from core.models import AuditEvent, Notification
from tests.training.factories import add_sessions, id_number, training_world
from tests.training.test_views import url
from tests.web.conftest import assert_constant_queries, html
from training import services
from training.constants import CertificateKind, DrillKind
from training.idnumbers import decrypt, mask
from training.models import Certificate
from training.tasks import send_certificate_reminders

# --- Editing a person ----------------------------------------------------------------------


def person_data(person, **overrides):
    return {
        "enterprise": person.enterprise_id,
        "name": person.name,
        "category": person.category,
        "position": "总经理",
        "phone": "0791-8888888",
        "is_active": "on",
        "expected_version": person.version,
        **overrides,
    }


def test_edit_a_person_never_shows_the_id_number(world, client_for):
    t = training_world(world)
    person = t.own_person
    client = client_for(world.township_staff)
    assert f'href="{url("person_update", person.pk)}"' in html(
        client.get(url("person_detail", person.pk))
    )
    page = html(client.get(url("person_update", person.pk)))
    assert id_number(11) not in page and id_number(11)[:14] not in page
    assert person.masked_id_number in page  # what is registered, masked
    # Left empty: the number stays.
    response = client.post(url("person_update", person.pk), person_data(person))
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.position, person.version) == ("总经理", 2)
    assert decrypt(person.id_number_encrypted) == id_number(11)


def test_changing_the_id_number_needs_the_check_digit(world, client_for):
    t = training_world(world)
    person = t.own_person
    client = client_for(world.township_staff)
    wrong = id_number(61)[:17] + ("0" if id_number(61)[17] != "0" else "1")
    page = html(client.post(url("person_update", person.pk), person_data(person, id_number=wrong)))
    assert "身份证号码校验位不正确" in page
    # The number typed is not echoed back either.
    assert wrong not in page
    person.refresh_from_db()
    assert (person.version, person.id_number_last4) == (1, id_number(11)[-4:])
    # Another person's number is refused too.
    page = html(
        client.post(url("person_update", person.pk), person_data(person, id_number=id_number(12)))
    )
    assert "该身份证号码已登记" in page and id_number(12) not in page
    response = client.post(
        url("person_update", person.pk), person_data(person, id_number=id_number(61))
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.id_number_last4 == id_number(61)[-4:]
    history = str(list(person.history.values()))
    assert id_number(61) not in history and id_number(11) not in history
    # Removing it is explicit.
    client.post(
        url("person_update", person.pk),
        person_data(person, clear_id_number="on", expected_version=person.version),
    )
    person.refresh_from_db()
    assert person.id_number_last4 == "" and person.id_number_encrypted == ""


def test_person_edit_is_scoped_and_versioned(world, client_for):
    t = training_world(world)
    client = client_for(world.township_staff)
    assert client.get(url("person_update", t.sibling_person.pk)).status_code == 404
    assert client_for(world.county_official).get(
        url("person_update", t.own_person.pk)
    ).status_code in (403, 404)
    stale = client.post(
        url("person_update", t.own_person.pk), person_data(t.own_person, expected_version=9)
    )
    assert stale.status_code == 409 and "已被他人修改" in stale.content.decode()


# --- Renewing a certificate ----------------------------------------------------------------


def test_renew_a_certificate_keeps_its_history(world, client_for):
    t = training_world(world)
    certificate = t.own_certificate  # issued 2022-04-01: review 2025-04-01, expiry 2028-04-01
    client = client_for(world.township_staff)
    link = url("certificate_renew", certificate.pk)
    assert link in html(client.get(url("certificate_list")))
    assert link in html(client.get(url("person_detail", t.own_person.pk)))
    page = html(client.get(link))
    assert "2025-04-01" in page and "待复审" in page

    # Both dates at once are refused, nothing written.
    page = html(client.post(link, {"reviewed_on": "2025-03-20", "issued_on": "2025-03-20"}))
    assert "只填写其中一个日期" in page
    assert Certificate.objects.get(pk=certificate.pk).version == 1

    response = client.post(link, {"reviewed_on": "2025-03-20", "expected_version": 1})
    assert response.status_code == 302
    assert response["Location"] == url("person_detail", t.own_person.pk)
    certificate.refresh_from_db()
    assert (certificate.reviewed_on, certificate.review_due_on) == (
        date(2025, 3, 20),
        date(2028, 3, 20),
    )
    # 换证: new dates from the new issue date; the old ones are in the history table.
    response = client.post(
        link,
        {
            "issued_on": "2025-04-02",
            "number": "T2025-0011",
            "issuing_authority": "江西省应急管理厅",
            "expected_version": 2,
        },
    )
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert (certificate.number, certificate.review_due_on, certificate.expires_on) == (
        "T2025-0011",
        date(2028, 4, 2),
        date(2031, 4, 2),
    )
    page = html(client.get(link))
    history = page.split('id="certificate-history"')[1]
    for day in ("2025-04-01", "2028-03-20", "2028-04-01", "2031-04-02", "T2022-011"):
        assert day in history
    assert certificate.history.count() == 3


def test_renew_refuses_bad_input_and_out_of_scope(world, client_for):
    t = training_world(world)
    client = client_for(world.township_staff)
    link = url("certificate_renew", t.own_certificate.pk)
    page = html(client.post(link, {"reviewed_on": "2021-01-01", "expected_version": 1}))
    assert "复审日期不能早于初领日期" in page
    stale = client.post(link, {"reviewed_on": "2025-03-20", "expected_version": 5})
    assert stale.status_code == 409
    assert Certificate.objects.get(pk=t.own_certificate.pk).version == 1
    assert client.get(url("certificate_renew", t.sibling_certificate.pk)).status_code == 404
    assert (
        client.post(
            url("certificate_renew", t.sibling_certificate.pk), {"reviewed_on": "2025-03-20"}
        ).status_code
        == 404
    )


# --- Certificate numbers that are ID numbers -----------------------------------------------


@pytest.fixture
def id_numbered(world):
    """招贤镇's principal's 特种设备 licence numbered by their ID number, as cards are."""
    t = training_world(world)
    return services.record_certificate(
        {
            "holder": t.own_person,
            "kind": CertificateKind.SPECIAL_EQUIPMENT,
            "operation": "叉车司机",
            "number": id_number(11).lower(),
            "issued_on": date(2023, 5, 1),
        },
        user=world.township_staff,
    )


def test_certificate_number_that_is_an_id_number_is_masked_everywhere(
    world, client_for, api_for, id_numbered
):
    number = id_number(11)
    stored = Certificate.objects.get(pk=id_numbered.pk)
    assert stored.number == mask(number[-4:]) and stored.number_is_id_number
    seen = [
        html(client_for(world.township_staff).get(url("certificate_list"))),
        html(client_for(world.township_staff).get(url("person_detail", id_numbered.holder_id))),
        html(client_for(world.township_staff).get(url("certificate_renew", id_numbered.pk))),
        api_for(world.province_admin).get("/api/v1/certificates/").content.decode(),
        api_for(world.province_admin)
        .get(f"/api/v1/certificates/{id_numbered.pk}/")
        .content.decode(),
        str(list(Certificate.history.values())),
    ]
    send_certificate_reminders(today="2026-03-02")  # 60 days before its review
    titles = Notification.objects.filter(recipient=world.township_staff).values_list("title")
    assert titles.exists()
    seen.append(str(list(titles)))
    text = "\n".join(seen)
    assert mask(number[-4:]) in text
    assert number not in text and number[:14] not in text
    row = api_for(world.township_staff).get(f"/api/v1/certificates/{id_numbered.pk}/").json()
    assert row["number_is_id_number"] is True


def test_certificate_found_by_its_full_number_or_last_four(world, client_for, api_for, id_numbered):
    client = client_for(world.township_staff)
    for query in (id_number(11), id_number(11)[-4:]):
        page = html(client.get(url("certificate_list"), {"q": query}))
        assert "叉车司机" in page, query
        rows = api_for(world.township_staff).get("/api/v1/certificates/", {"q": query}).json()
        assert [r["id"] for r in rows["results"]] == [id_numbered.pk], query


def test_certificate_number_shaped_like_an_id_number_must_pass_the_check(
    world, api_for, id_numbered
):
    t = training_world(world)
    client = api_for(world.township_staff)
    body = {
        "holder": t.own_person.pk,
        "kind": CertificateKind.SPECIAL_EQUIPMENT,
        "issued_on": "2023-05-01",
    }
    wrong = id_number(11)[:17] + ("0" if id_number(11)[17] != "0" else "1")
    response = client.post("/api/v1/certificates/", {**body, "number": wrong}, format="json")
    assert response.status_code == 400
    assert "校验位不正确" in response.json()["number"][0]
    duplicate = client.post(
        "/api/v1/certificates/", {**body, "number": id_number(11)}, format="json"
    )
    assert duplicate.status_code == 400
    assert duplicate.json()["number"] == ["该证书编号已登记。"]
    assert Certificate.objects.count() == 3  # two from the world, one numbered by ID


def test_certificate_number_reveal_needs_the_permission_and_is_audited(world, api_for, id_numbered):
    reveal = f"/api/v1/certificates/{id_numbered.pk}/reveal-number/"
    assert api_for(world.township_staff).post(reveal).status_code == 403
    world.township_staff.user_permissions.add(Permission.objects.get(codename="view_id_number"))
    assert api_for(world.township_staff).post(reveal).json() == {"number": id_number(11)}
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.SENSITIVE_VIEWED)
    assert event.detail["object"] == "training.certificate"
    assert event.detail["object_id"] == id_numbered.pk
    t = training_world(world)
    sibling = f"/api/v1/certificates/{t.sibling_certificate.pk}/reveal-number/"
    assert api_for(world.township_staff).post(sibling).status_code == 404


def test_certificate_number_reveal_on_the_holders_page(world, client_for, id_numbered):
    number = id_number(11)
    reveal = url("certificate_reveal", id_numbered.pk)
    person_page = url("person_detail", id_numbered.holder_id)
    world.township_staff.user_permissions.add(Permission.objects.get(codename="view_id_number"))
    client = client_for(world.township_staff)
    page = html(client.get(person_page))
    # The button is on the ID-numbered licence only: the other one's number is in clear.
    assert "查看完整证书编号" in page and reveal in page and number not in page
    assert url("certificate_reveal", training_world(world).own_certificate.pk) not in page
    response = client.post(reveal)
    page = html(response)
    assert f'id="certificate-number-{id_numbered.pk}">{number}<' in page
    assert response["Cache-Control"] == "no-store"
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.SENSITIVE_VIEWED)
    assert event.actor == world.township_staff
    assert event.detail["object"] == "training.certificate"
    assert event.detail["object_id"] == id_numbered.pk
    # Shown on that response only.
    assert number not in html(client.get(person_page))


def test_certificate_number_reveal_refused_without_the_permission(world, client_for, id_numbered):
    client = client_for(world.township_staff)
    page = html(client.get(url("person_detail", id_numbered.holder_id)))
    assert "查看完整证书编号" not in page
    response = client.post(url("certificate_reveal", id_numbered.pk))
    assert response.status_code == 403
    assert id_number(11) not in response.content.decode()
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.SENSITIVE_VIEWED).exists()


def test_certificate_number_reveal_out_of_scope_or_by_get_reveals_nothing(
    world, client_for, id_numbered
):
    t = training_world(world)
    sibling = services.record_certificate(
        {
            "holder": t.sibling_person,
            "kind": CertificateKind.SPECIAL_EQUIPMENT,
            "operation": "叉车司机",
            "number": id_number(12),
            "issued_on": date(2023, 5, 1),
        },
        user=world.township_staff_b,
    )
    assert sibling.number_is_id_number
    world.township_staff.user_permissions.add(Permission.objects.get(codename="view_id_number"))
    client = client_for(world.township_staff)
    response = client.post(url("certificate_reveal", sibling.pk))
    assert response.status_code == 404 and id_number(12) not in response.content.decode()
    response = client.get(url("certificate_reveal", id_numbered.pk))
    assert response.status_code == 405 and id_number(11) not in response.content.decode()
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.SENSITIVE_VIEWED).exists()


def test_migration_protects_numbers_stored_in_clear(world):
    """Certificates recorded before numbers were protected: 0004 masks them, history too."""
    import importlib

    from django.apps import apps

    t = training_world(world)
    number = id_number(12)
    Certificate.objects.filter(pk=t.sibling_certificate.pk).update(number=number, number_hash="")
    Certificate.history.filter(id=t.sibling_certificate.pk).update(number=number)
    importlib.import_module("training.migrations.0004_certificate_number_protected").protect(
        apps, None
    )
    protected = Certificate.objects.get(pk=t.sibling_certificate.pk)
    assert protected.number == mask(number[-4:]) and protected.number_is_id_number
    assert decrypt(protected.number_encrypted) == number
    assert number not in str(list(Certificate.history.values()))
    other = Certificate.objects.get(pk=t.own_certificate.pk)
    assert other.number == "T2022-011" and other.number_hash and not other.number_encrypted


# --- Statistics page -----------------------------------------------------------------------


def test_stats_page_and_export(world, client_for, api_for):
    t = training_world(world)  # each town: one 32-hour class of 1 principal, 2025-03-04
    client = client_for(world.county_official)
    params = {"unit": world.wanli.pk, "period_start": "2025-01-01", "period_end": "2025-12-31"}
    page = html(client.get(url("stats"), params))
    assert "共举办培训班2期，培训2人次" in page
    by_audience = page.split('id="stats-by-audience"')[1].split("</table>")[0]
    assert "主要负责人" in by_audience and "64" in by_audience
    assert "覆盖率100.0%" in page
    assert "期间开展演练2次" in page

    export = client.get(url("stats_export"), params)
    assert export.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(export.content))
    figures = dict(workbook["概况"].iter_rows(min_row=2, values_only=True))
    assert (figures["培训班（期）"], figures["参训（人次）"]) == (2, 2)
    assert figures["统计单位"] == world.wanli.name
    audience = {row[0]: row[1:] for row in workbook["分培训对象"].iter_rows(values_only=True)}
    assert audience["主要负责人"] == (2, 2, 64)
    # The API's figures are the page's; no unit has drilled its on-site procedures yet.
    api = api_for(world.county_official).get(
        "/api/v1/training/stats/",
        {"within": world.wanli.pk, "period_start": "2025-01-01", "period_end": "2025-12-31"},
    )
    drills = api.json()["drills"]
    assert (drills["held"], drills["on_site"]) == (2, 0)
    assert drills["on_site_overdue"] == drills["overdue"] == drills["units"] > 0
    assert figures["其中现场处置方案演练逾期（家）"] == drills["units"]

    # The township sees its own part by default; the sibling township is not a choice.
    town = client_for(world.township_staff)
    page = html(town.get(url("stats"), {"period_start": "2025-01-01"}))
    assert "招贤镇" in page and "共举办培训班1期" in page
    page = html(town.get(url("stats"), {"unit": world.luoting.pk}))
    assert "共举办培训班" not in page and "选择一个有效的选项" in page
    redirect = town.get(url("stats_export"), {"unit": world.luoting.pk})
    assert redirect.status_code == 302
    assert t.sibling_session.title not in page


def test_stats_page_refuses_a_reversed_period(world, client_for):
    page = html(
        client_for(world.county_official).get(
            url("stats"), {"period_start": "2025-06-01", "period_end": "2025-01-01"}
        )
    )
    assert "起始日期不能晚于截止日期" in page and "共举办培训班" not in page


def test_stats_page_costs_the_same_for_1_and_30_sessions(world, client_for):
    training_world(world)

    def grow():
        add_sessions(world, 29, attendance_count=50)

    client = client_for(world.county_official)
    assert_constant_queries(client, url("stats") + "?period_start=2025-01-01", grow)


# --- On-site drills on the compliance page -------------------------------------------------


def test_compliance_page_shows_the_on_site_requirement(world, client_for):
    today = timezone.localdate()
    services.record_drill(
        {
            "enterprise": world.ent_zhaoxian,
            "held_on": today - timedelta(days=20),
            "kind": DrillKind.COMPREHENSIVE,
            "scenario": "综合演练",
        },
        user=world.enterprise_user,
    )
    client = client_for(world.township_staff)
    page = html(client.get(url("drill_compliance"), {"status": "overdue"}))
    row = page.split(world.ent_zhaoxian.name)[1].split("</tr>")[0]
    assert "现场处置演练" in row and "从未演练" in row
    services.record_drill(
        {
            "enterprise": world.ent_zhaoxian,
            "held_on": today - timedelta(days=3),
            "kind": DrillKind.ON_SITE,
            "scenario": "反应釜超温现场处置",
        },
        user=world.enterprise_user,
    )
    page = html(client.get(url("drill_compliance"), {"status": "compliant"}))
    row = page.split(world.ent_zhaoxian.name)[1].split("</tr>")[0]
    assert (today - timedelta(days=3)).isoformat() in row


# --- Expired certificates flag their enterprise --------------------------------------------


def test_expired_certificates_flag_the_holders_enterprise(world, client_for, api_for):
    t = training_world(world)
    for holder in (t.own_person, t.sibling_person):
        services.record_certificate(
            {
                "holder": holder,
                "kind": CertificateKind.SPECIAL_EQUIPMENT,
                "number": f"TZ-{holder.pk}",
                "issued_on": date(2018, 1, 1),
                "expires_on": date(2024, 1, 1),
            },
            user=world.province_admin,
        )
    page = html(client_for(world.township_staff).get(url("certificate_list")))
    flagged = page.split('id="flagged-enterprises"')[1].split("</div>")[0]
    assert f"{world.ent_zhaoxian.name}（1本）" in flagged and "罗亭镇" not in flagged
    rows = api_for(world.township_staff).get("/api/v1/certificates/flagged-enterprises/").json()
    assert rows["results"] == [
        {
            "enterprise": world.ent_zhaoxian.pk,
            "enterprise_name": world.ent_zhaoxian.name,
            "expired": 1,
        }
    ]
    county = api_for(world.county_official).get("/api/v1/certificates/flagged-enterprises/")
    assert {r["enterprise"] for r in county.json()["results"]} == {
        world.ent_zhaoxian.pk,
        world.ent_luoting.pk,
    }
