"""The training API: ID numbers never in clear, roster import, reveal, stats, query budgets."""

import io
from datetime import date

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from core.models import AuditEvent
from core.testing import api_routes
from tests.training.factories import id_number, training_world
from training import services
from training.constants import Audience, CertificateKind
from training.models import Certificate, Person, TrainingSession

TRAINING = tuple(
    f"api/v1/{p}/"
    for p in (
        "training-sessions",
        "people",
        "certificates",
        "drills",
        "awareness-events",
        "training",
    )
)


def _numbers():
    return [id_number(11), id_number(12)]


def test_id_numbers_never_in_clear_on_any_route_or_history(world, api_for):
    t = training_world(world)
    # Licences numbered by their holders' ID numbers, as 特种作业操作证 are.
    for holder, serial in ((t.own_person, 11), (t.sibling_person, 12)):
        services.record_certificate(
            {
                "holder": holder,
                "kind": CertificateKind.SPECIAL_EQUIPMENT,
                "number": id_number(serial),
                "issued_on": date(2024, 1, 1),
            },
            user=world.province_admin,
        )
    client = api_for(world.province_admin)
    seen = []
    # Every training list route (people appear in each, as holders, attendees, organisers).
    for route in api_routes():
        if route.has_pk or "get" not in route.actions or not route.pattern.startswith(TRAINING):
            continue
        # Every query parameter any of them needs; the others ignore what they do not take.
        params = {
            "page_size": 500,
            "within": world.jiangxi.pk,
            "period_start": "2025-01-01",
            "period_end": "2025-12-31",
            "window_start": "2020-01-01",
            "window_end": "2026-12-31",
        }
        response = client.get(route.url(), params)
        assert response.status_code == 200, route.pattern
        if route.pattern.endswith("export/"):
            workbook = load_workbook(io.BytesIO(response.content))
            seen += [
                str(c) for ws in workbook for row in ws.iter_rows(values_only=True) for c in row
            ]
        else:
            seen.append(response.content.decode())
    for person in Person.objects.all():
        seen.append(client.get(f"/api/v1/people/{person.pk}/").content.decode())
        seen.append(str(list(person.history.values())))
    for certificate in Certificate.objects.all():
        seen.append(client.get(f"/api/v1/certificates/{certificate.pk}/").content.decode())
        seen.append(str(list(certificate.history.values())))
    text = "\n".join(seen)
    assert "**************" in text  # the masks are there
    for number in _numbers():
        assert number not in text
        assert number[:14] not in text


def test_reveal_needs_the_permission_and_is_audited(world, api_for):
    t = training_world(world)
    url = f"/api/v1/people/{t.own_person.pk}/reveal-id-number/"
    assert api_for(world.township_staff).post(url).status_code == 403
    world.township_staff.user_permissions.add(Permission.objects.get(codename="view_id_number"))
    response = api_for(world.township_staff).post(url)
    assert response.json() == {"id_number": id_number(11)}
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.SENSITIVE_VIEWED)
    assert event.actor == world.township_staff and event.detail["object_id"] == t.own_person.pk
    # Even with the permission, a person out of scope is not found.
    sibling = f"/api/v1/people/{t.sibling_person.pk}/reveal-id-number/"
    assert api_for(world.township_staff).post(sibling).status_code == 404


def _roster(rows):
    lines = ["姓名,身份证号码,单位名称,人员类别,学时"] + [",".join(row) for row in rows]
    data = io.BytesIO("\n".join(lines).encode("utf-8-sig"))
    data.name = "名单.csv"
    return data


@pytest.fixture
def session(world):
    return services.record_session(
        {
            "org_unit": world.zhaoxian,
            "title": "从业人员安全培训",
            "audience": Audience.WORKER,
            "start_date": date(2025, 5, 1),
            "end_date": date(2025, 5, 3),
            "hours": 24,
            "attendance_count": 80,
        },
        user=world.township_staff,
    )


def test_roster_import_row_errors_write_nothing(world, api_for, session):
    t = training_world(world)
    bad = id_number(31)[:-1] + ("1" if id_number(31)[-1] != "1" else "2")
    rows = [
        ["招贤镇王建国", id_number(11), "", "", ""],  # matched by ID number
        ["周九", bad, "招贤镇化工有限公司", "从业人员", ""],
        ["吴十", "", "不存在的公司", "", ""],
        ["郑十一", "", "招贤镇化工有限公司", "", "30"],
        ["罗亭镇王建国", id_number(12), "", "", ""],  # registered out of scope
    ]
    client = api_for(world.township_staff)
    url = f"/api/v1/training-sessions/{session.pk}/roster/"
    response = client.post(url, {"file": _roster(rows)}, format="multipart")
    assert response.status_code == 400
    errors = {(e["row"], e["column"]): e["message"] for e in response.json()["errors"]}
    assert errors == {
        (3, "身份证号码"): "校验位不正确，请核对。",
        (4, "单位名称"): "找不到该单位，或不在您的管辖范围内。",
        (5, "学时"): "应大于0且不超过本期培训的24.0学时。",
        (6, "身份证号码"): "该身份证号码已由其他单位登记，请联系上级核对。",
    }
    assert not session.attendances.exists()
    assert Person.objects.count() == 2
    session.refresh_from_db()
    assert (session.attendance_count, session.has_roster) == (80, False)

    good = [rows[0], ["周九", id_number(31), "招贤镇化工有限公司", "从业人员", "20"]]
    response = client.post(url, {"file": _roster(good)}, format="multipart")
    assert response.status_code == 200, response.json()
    assert response.json()["created"] == 2
    session.refresh_from_db()
    assert (session.attendance_count, session.has_roster) == (2, True)
    new = Person.objects.get(name="周九")
    assert new.enterprise == world.ent_zhaoxian and new.id_number_last4 == id_number(31)[-4:]
    assert set(session.attendances.values_list("person", flat=True)) == {t.own_person.pk, new.pk}
    # Imported again: the same roster, nobody registered twice.
    client.post(url, {"file": _roster(good)}, format="multipart")
    assert session.attendances.count() == 2 and Person.objects.count() == 3


def test_stats_reproduce_twelve_sessions_of_two_thousand(world, api_for):
    for number in range(12):
        services.record_session(
            {
                "org_unit": world.wanli,
                "title": f"第{number + 1}期安全生产培训班",
                "audience": Audience.SAFETY_MANAGER if number % 2 else Audience.PRINCIPAL,
                "start_date": date(2025, number + 1, 5),
                "end_date": date(2025, number + 1, 6),
                "hours": 16,
                "attendance_count": 170,
            },
            user=world.province_admin,
        )
    response = api_for(world.county_official).get(
        "/api/v1/training/stats/",
        {"within": world.wanli.pk, "period_start": "2025-01-01", "period_end": "2025-12-31"},
    )
    body = response.json()
    assert (body["sessions"], body["attendance"]) == (12, 2040)
    sibling = api_for(world.township_staff).get(
        "/api/v1/training/stats/",
        {"within": world.wanli.pk, "period_start": "2025-01-01", "period_end": "2025-12-31"},
    )
    assert sibling.status_code == 404


@pytest.mark.parametrize(
    "url",
    ["/api/v1/people/", "/api/v1/training-sessions/", "/api/v1/certificates/", "/api/v1/drills/"],
)
def test_list_queries_do_not_grow_with_rows(world, api_for, url):
    training_world(world)
    client = api_for(world.province_admin)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    count()  # the first request fills the user's cached scope: not what is measured
    one = count()
    for n in range(30):
        person = services.register_person(
            {"name": f"人员{n}", "category": Audience.PRINCIPAL, "enterprise": world.ent_zhaoxian},
            user=world.province_admin,
        )
        session = TrainingSession.objects.first()
        services.add_attendance(session, person, 8, user=world.province_admin)
        services.record_certificate(
            {
                "holder": person,
                "kind": "special_operation",
                "number": f"N{n}",
                "issued_on": date(2024, 1, 1),
            },
            user=world.province_admin,
        )
        services.record_drill(
            {
                "enterprise": world.ent_zhaoxian,
                "held_on": date(2025, 1, 1),
                "kind": "tabletop",
                "scenario": "推演",
            },
            user=world.province_admin,
        )
        services.record_session(
            {
                "org_unit": world.zhaoxian,
                "title": f"班{n}",
                "audience": "worker",
                "start_date": date(2025, 1, 1),
                "end_date": date(2025, 1, 1),
                "hours": 8,
                "industries": [world.chemicals],
            },
            user=world.province_admin,
        )
    assert count() == one


def test_coverage_lists_the_untrained_and_exports_them_masked(world, api_for):
    t = training_world(world)
    untrained = services.register_person(
        {
            "name": "招贤镇安全员",
            "category": Audience.SAFETY_MANAGER,
            "enterprise": world.ent_zhaoxian,
            "id_number": id_number(41),
        },
        user=world.township_staff,
    )
    params = {"within": world.wanli.pk, "window_start": "2024-01-01", "window_end": "2026-12-31"}
    body = api_for(world.county_official).get("/api/v1/people/coverage/", params).json()
    assert (body["total"], body["covered"], body["share"]) == (3, 2, "66.7")
    assert [row["id"] for row in body["results"]] == [untrained.pk]
    # 招贤镇 sees its own people only; 罗亭镇 as a region is not found.
    own = api_for(world.township_staff).get(
        "/api/v1/people/coverage/", {**params, "within": world.zhaoxian.pk}
    )
    assert (own.json()["total"], own.json()["covered"]) == (2, 1)
    sibling = api_for(world.township_staff).get(
        "/api/v1/people/coverage/", {**params, "within": world.luoting.pk}
    )
    assert sibling.status_code == 404
    export = api_for(world.county_official).get("/api/v1/people/coverage-export/", params)
    assert export.status_code == 200
    workbook = load_workbook(io.BytesIO(export.content))
    cells = [str(c) for sheet in workbook for row in sheet.iter_rows(values_only=True) for c in row]
    assert "招贤镇安全员" in cells and untrained.masked_id_number in cells
    assert not any(id_number(41) in c or id_number(11) in c for c in cells)
    assert t.sibling_person.name not in str(
        api_for(world.township_staff).get("/api/v1/drills/compliance/").content.decode()
    )


def test_drill_compliance_lists_units_in_scope_overdue_first(world, api_for):
    training_world(world)  # both towns' chemical plants drilled on 2025-06-10
    response = api_for(world.township_staff).get("/api/v1/drills/compliance/")
    rows = response.json()["results"]
    names = [row["name"] for row in rows]
    assert set(names) == {"招贤镇化工有限公司", "招贤镇建筑工程有限公司"}
    assert rows[0]["last_drill_on"] is None and rows[0]["drill_status"] == "overdue"
    drilled = rows[1]
    assert (drilled["last_drill_on"], drilled["drill_interval_months"]) == ("2025-06-10", 6)
    assert drilled["due_on"] == "2025-12-10"
    # Its plan was drilled, but never its on-site response procedures.
    assert drilled["general"] == {
        "last_drill_on": "2025-06-10",
        "interval_months": 6,
        "due_on": "2025-12-10",
        "drill_status": drilled["general"]["drill_status"],
    }
    assert drilled["on_site"] == {
        "last_drill_on": None,
        "interval_months": 6,
        "due_on": None,
        "drill_status": "overdue",
    }
    assert drilled["drill_status"] == "overdue"
    only_overdue = api_for(world.county_official).get(
        "/api/v1/drills/compliance/", {"within": world.wanli.pk, "status": "overdue"}
    )
    assert {r["drill_status"] for r in only_overdue.json()["results"]} == {"overdue"}
    assert (
        api_for(world.township_staff)
        .get("/api/v1/drills/compliance/", {"within": world.luoting.pk})
        .status_code
        == 404
    )


def test_create_and_edit_through_the_api(world, api_for):
    from tests.hazards.factories import png

    client = api_for(world.enterprise_user)
    person = client.post(
        "/api/v1/people/",
        {
            "name": "冯十二",
            "category": "worker",
            "enterprise": world.ent_zhaoxian.pk,
            "id_number": id_number(51),
        },
        format="json",
    )
    assert person.status_code == 201, person.json()
    assert person.json()["id_number_masked"].endswith(id_number(51)[-4:])
    assert "id_number" not in person.json()
    wrong = client.post(
        "/api/v1/people/",
        {
            "name": "冯十三",
            "category": "worker",
            "enterprise": world.ent_zhaoxian.pk,
            "id_number": "36010519850312005",
        },
        format="json",
    )
    assert wrong.status_code == 400
    assert wrong.json()["id_number"] == ["身份证号码应为18位（前17位为数字，末位为数字或X）。"]
    drill = client.post(
        "/api/v1/drills/",
        {
            "enterprise": world.ent_zhaoxian.pk,
            "held_on": "2025-06-01",
            "kind": "evacuation",
            "scenario": "车间火灾疏散",
            "unscripted": "true",
            "files": [png("演练.png")],
        },
        format="multipart",
    )
    assert drill.status_code == 201, drill.json()
    assert [p["original_name"] for p in drill.json()["photos"]] == ["演练.png"]
    # The township sees the unit move out of overdue.
    rows = api_for(world.township_staff).get("/api/v1/drills/compliance/").json()["results"]
    assert {r["name"]: r["last_drill_on"] for r in rows}["招贤镇化工有限公司"] == "2025-06-01"
    url = f"/api/v1/drills/{drill.json()['id']}/"
    stale = client.patch(url, {"evaluation": "良好", "version": 7}, format="json")
    assert stale.status_code == 409
    edited = client.patch(url, {"evaluation": "良好", "version": 1}, format="json")
    assert (edited.json()["evaluation"], edited.json()["version"]) == ("良好", 2)


def test_certificates_carry_their_status_and_renew(world, api_for):
    t = training_world(world)  # issued 2022-04-01: review due 2025-04-01, expires 2028-04-01
    client = api_for(world.township_staff)
    row = client.get(f"/api/v1/certificates/{t.own_certificate.pk}/").json()
    assert row["certificate_status"] == "review_due"
    expired = client.get("/api/v1/certificates/", {"status": "review_due"}).json()["results"]
    assert [r["id"] for r in expired] == [t.own_certificate.pk]
    renewed = client.post(
        f"/api/v1/certificates/{t.own_certificate.pk}/renew/",
        {"reviewed_on": "2025-03-20", "version": 1},
        format="json",
    )
    assert renewed.status_code == 200, renewed.json()
    assert (renewed.json()["review_due_on"], renewed.json()["certificate_status"]) == (
        "2028-03-20",
        "valid",
    )
