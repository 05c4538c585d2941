"""The training pages: each role's view, sessions with roster import (row errors, nothing
written), a person's record with the masked ID number and its audited reveal, certificate
colours, drills with camera photos and compliance, the calendar, awareness events, coverage
with its export, and query budgets (1 row vs 30)."""

import io
import re
from datetime import date, timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEvent
from tests.factories import EnterpriseFactory
from tests.hazards.factories import png
from tests.training.factories import add_sessions, id_number, training_world
from tests.web.conftest import assert_constant_queries, html
from training import services
from training.constants import Audience, AwarenessKind, CertificateKind, DrillKind
from training.models import Attendance, AwarenessEvent, Drill, DrillPhoto, Person, TrainingSession


def url(name, *args):
    return reverse(f"training:{name}", args=args)


def roster_file(rows, header=("姓名", "身份证号码", "单位名称", "人员类别", "学时", "考核结果")):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(
        "名单.xlsx",
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def session_data(world, **overrides):
    data = {
        "org_unit": world.zhaoxian.pk,
        "title": "招贤镇从业人员安全培训",
        "audience": Audience.WORKER,
        "industries": [world.chemicals.pk],
        "start_date": "2025-05-06",
        "end_date": "2025-05-08",
        "hours": "24",
        "place": "镇政府会议室",
        "trainer": "县应急管理局",
        "materials": "",
        "attendance_count": "45",
    }
    return {**data, **overrides}


# --- Each role's pages ---------------------------------------------------------------------

LIST_PAGES = [
    "session_list",
    "person_list",
    "certificate_list",
    "drill_compliance",
    "drill_calendar",
    "awareness_list",
    "coverage",
    "stats",
]


@pytest.mark.parametrize(
    ("who", "can_add"),
    [
        ("township_staff", True),
        ("county_official", False),
        ("enterprise_user", True),
        ("province_admin", True),
        ("dept_staff", True),
    ],
)
def test_pages_render_for_each_role(who, can_add, world, client_for):
    training_world(world)
    client = client_for(getattr(world, who))
    for name in LIST_PAGES:
        assert client.get(url(name)).status_code == 200, name
    for name in (
        "session_create",
        "person_create",
        "certificate_create",
        "drill_create",
        "awareness_create",
    ):
        assert client.get(url(name)).status_code == (200 if can_add else 403), name


def test_nav_links_the_training_pages(world, client_for):
    for user in (world.township_staff, world.enterprise_user):
        page = html(client_for(user).get(reverse("dashboard")))
        assert f'href="{url("session_list")}"' in page and "培训演练" in page


def test_lists_show_the_township_only(world, client_for):
    t = training_world(world)
    client = client_for(world.township_staff)
    for name, own in (
        ("session_list", t.own_session.title),
        ("person_list", t.own_person.name),
        ("certificate_list", t.own_certificate.number),
        ("drill_compliance", world.ent_zhaoxian.name),
        ("awareness_list", t.own_event.title),
    ):
        page = html(client.get(url(name)))
        assert own in page, name
        assert "罗亭镇" not in page, name
    county = html(client_for(world.county_official).get(url("session_list")))
    assert t.own_session.title in county and t.sibling_session.title in county


# --- Query budgets -------------------------------------------------------------------------


def _more_people(world, count, start=100):
    return [
        services.register_person(
            {
                "name": f"从业人员{index}",
                "category": Audience.PRINCIPAL,
                "enterprise": world.ent_zhaoxian,
                "id_number": id_number(index),
            },
            user=world.township_staff,
        )
        for index in range(start, start + count)
    ]


def test_session_list_costs_the_same_for_1_and_30_rows(world, client_for):
    training_world(world)

    def grow():
        add_sessions(world, 29, industries=[world.chemicals])

    assert_constant_queries(client_for(world.township_staff), url("session_list"), grow)


def test_person_and_certificate_lists_cost_the_same_for_1_and_30_rows(world, client_for):
    t = training_world(world)
    client = client_for(world.township_staff)

    def grow_people():
        for person in _more_people(world, 29):
            services.add_attendance(t.own_session, person, Decimal(8))

    assert_constant_queries(client, url("person_list"), grow_people)

    def grow_certificates():
        for index, person in enumerate(Person.objects.filter(name__startswith="从业人员")):
            services.record_certificate(
                {
                    "holder": person,
                    "kind": CertificateKind.SPECIAL_OPERATION,
                    "number": f"T{index:06d}",
                    "issued_on": date(2019 + index % 6, 3, 1),
                },
                user=world.township_staff,
            )

    assert_constant_queries(client, url("certificate_list"), grow_certificates)


def test_drill_and_awareness_pages_cost_the_same_for_1_and_30_rows(world, client_for):
    training_world(world)
    client = client_for(world.township_staff)

    def grow_enterprises():
        for index in range(29):
            EnterpriseFactory(
                name=f"招贤镇测试单位{index}", org_unit=world.zhaoxian, industry=world.chemicals
            )

    assert_constant_queries(client, url("drill_compliance"), grow_enterprises)

    def grow_events():
        for index in range(29):
            services.record_awareness_event(
                {
                    "org_unit": world.zhaoxian,
                    "kind": AwarenessKind.FIRE_MONTH,
                    "title": f"消防宣传{index}",
                    "held_on": date(2025, 11, 1),
                },
                user=world.township_staff,
            )
            services.record_drill(
                {
                    "enterprise": world.ent_zhaoxian,
                    "held_on": date(2025, 6, 1 + index % 28),
                    "kind": DrillKind.ON_SITE,
                    "scenario": f"现场处置{index}",
                },
                user=world.township_staff,
            )

    assert_constant_queries(client, url("awareness_list"), grow_events)
    assert_constant_queries(client, url("drill_calendar") + "?month=2025-06", grow_events)


# --- Sessions and rosters ------------------------------------------------------------------


def test_record_a_session_and_correct_it(world, client_for):
    client = client_for(world.township_staff)
    page = html(client.get(url("session_create")))
    assert "csrfmiddlewaretoken" in page and "罗亭镇" not in page
    response = client.post(url("session_create"), session_data(world))
    session = TrainingSession.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("session_detail", session.pk)
    assert session.created_by == world.township_staff and session.attendance_count == 45
    assert list(session.industries.all()) == [world.chemicals]

    edit = session_data(world, title="招贤镇从业人员安全培训（第二期）", expected_version=1)
    del edit["org_unit"]
    response = client.post(url("session_update", session.pk), edit)
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.title.endswith("（第二期）") and session.version == 2
    # The same stale page again: a conflict, never an overwrite.
    response = client.post(url("session_update", session.pk), {**edit, "title": "旧页面"})
    assert response.status_code == 409
    assert "已被他人修改" in response.content.decode()
    session.refresh_from_db()
    assert session.title.endswith("（第二期）")


def test_session_form_errors_are_chinese_and_write_nothing(world, client_for):
    client = client_for(world.township_staff)
    page = html(client.post(url("session_create"), session_data(world, end_date="2025-05-01")))
    assert "结束日期不能早于开始日期" in page
    # A unit out of scope is not a choice: refused like one that does not exist.
    page = html(client.post(url("session_create"), session_data(world, org_unit=world.luoting.pk)))
    assert re.search(r'<select name="org_unit"[^>]*is-invalid', page)
    assert "罗亭镇" not in page
    assert not TrainingSession.objects.exists()


def test_roster_import_writes_every_row(world, client_for):
    t = training_world(world)
    client = client_for(world.township_staff)
    rows = [
        (t.own_person.name, id_number(11), world.ent_zhaoxian.name, "主要负责人", "", "合格"),
        ("张伟", id_number(31), world.ent_zhaoxian.name, "从业人员", "16", "合格"),
        ("李娜", "", world.ent_zhaoxian_2.name, "安全管理人员", "", "不合格"),
    ]
    response = client.post(url("roster_import", t.own_session.pk), {"file": roster_file(rows)})
    assert response.status_code == 302
    page = html(client.get(response["Location"]))
    assert "已导入参训名单，共3人" in page
    # The roster shows ID numbers masked, never in clear.
    assert id_number(31) not in page and id_number(31)[-4:] in page
    t.own_session.refresh_from_db()
    assert t.own_session.attendance_count == 3 and t.own_session.has_roster
    assert Attendance.objects.get(person__name="张伟").hours == Decimal(16)


def test_roster_import_lists_row_errors_and_writes_nothing(world, client_for):
    t = training_world(world)
    client = client_for(world.township_staff)
    before = (Attendance.objects.count(), Person.objects.count())
    wrong_check_digit = id_number(32)[:-1] + ("1" if id_number(32)[-1] != "1" else "2")
    rows = [
        ("张伟", id_number(31), world.ent_zhaoxian.name, "从业人员", "16", "合格"),
        ("李娜", wrong_check_digit, world.ent_zhaoxian.name, "从业人员", "", ""),
        ("王芳", "", world.ent_luoting.name, "从业人员", "", ""),
        ("赵强", "", world.ent_zhaoxian.name, "从业人员", "100", "合格"),
        ("钱明", "", world.ent_zhaoxian.name, "从业人员", "", "良好"),
    ]
    response = client.post(url("roster_import", t.own_session.pk), {"file": roster_file(rows)})
    page = html(response)
    assert "未导入任何数据" in page
    errors = re.search(r'<table[^>]*id="roster-errors".*?</table>', page, re.S).group(0)
    assert "第3行" in errors and "身份证号码" in errors and "校验位不正确" in errors
    assert "第4行" in errors and "找不到该单位" in errors
    assert "第5行" in errors and "应大于0且不超过本期培训的32.0学时" in errors
    assert "第6行" in errors and "考核结果" in errors
    assert (Attendance.objects.count(), Person.objects.count()) == before
    assert not Person.objects.filter(name="张伟").exists()


def test_roster_import_needs_change_on_the_session(world, client_for):
    t = training_world(world)
    response = client_for(world.county_official).post(
        url("roster_import", t.own_session.pk), {"file": roster_file([])}
    )
    assert response.status_code == 404
    page = html(client_for(world.county_official).get(url("session_detail", t.own_session.pk)))
    assert "导入参训名单" not in page


# --- A person's record and the ID number ---------------------------------------------------


def test_person_record_shows_hours_status_and_masks_the_id_number(world, client_for):
    t = training_world(world)
    never = _more_people(world, 1)[0]
    client = client_for(world.township_staff)
    page = html(client.get(url("person_detail", t.own_person.pk)))
    assert t.own_session.title in page and t.own_certificate.number in page
    assert id_number(11) not in page and t.own_person.masked_id_number in page
    # Trained 32 h in March 2025; a high-risk principal needs 48 h initially.
    assert "差16学时" in page
    assert "查看完整身份证号" not in page
    assert "从未培训" in html(client.get(url("person_detail", never.pk)))
    assert client.post(url("person_reveal", t.own_person.pk)).status_code == 403
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.SENSITIVE_VIEWED).exists()


def test_register_a_person_with_a_checked_id_number(world, client_for):
    client = client_for(world.township_staff)
    data = {
        "enterprise": world.ent_zhaoxian.pk,
        "name": "刘洋",
        "category": Audience.SAFETY_MANAGER,
        "position": "安全科长",
        "phone": "13800000000",
    }
    wrong = id_number(41)[:-1] + ("1" if id_number(41)[-1] != "1" else "2")
    page = html(client.post(url("person_create"), {**data, "id_number": wrong}))
    assert "身份证号码校验位不正确，请核对。" in page
    assert not Person.objects.filter(name="刘洋").exists()
    response = client.post(url("person_create"), {**data, "id_number": id_number(41)})
    person = Person.objects.get(name="刘洋")
    assert response.status_code == 302 and response["Location"] == url("person_detail", person.pk)
    assert person.id_number_last4 == id_number(41)[-4:] and person.org_unit == world.zhaoxian
    page = html(client.get(response["Location"]))
    assert id_number(41) not in page and person.masked_id_number in page
    assert "从未培训" in page


def test_person_list_filters_by_status_and_last_four_digits(world, client_for):
    t = training_world(world)
    never = _more_people(world, 1)[0]
    client = client_for(world.township_staff)
    page = html(client.get(url("person_list"), {"status": "never_trained"}))
    assert never.name in page and t.own_person.name not in page
    page = html(client.get(url("person_list"), {"q": id_number(11)[-4:]}))
    assert t.own_person.name in page and never.name not in page
    assert id_number(11) not in page


def test_granted_role_reveals_the_id_number_and_each_reveal_is_logged(world, client_for):
    t = training_world(world)
    world.township_staff.user_permissions.add(Permission.objects.get(codename="view_id_number"))
    client = client_for(world.township_staff)
    page = html(client.get(url("person_detail", t.own_person.pk)))
    assert "查看完整身份证号" in page and id_number(11) not in page
    for _ in range(2):
        response = client.post(url("person_reveal", t.own_person.pk))
        assert id_number(11) in html(response)
        assert response["Cache-Control"] == "no-store"
    events = AuditEvent.objects.filter(kind=AuditEvent.Kind.SENSITIVE_VIEWED)
    assert events.count() == 2
    assert events.first().detail["object_id"] == t.own_person.pk
    # The number was shown on those responses only.
    assert id_number(11) not in html(client.get(url("person_detail", t.own_person.pk)))
    # The grant does not reach beyond the user's scope.
    assert client.post(url("person_reveal", t.sibling_person.pk)).status_code == 404
    assert client.get(url("person_reveal", t.own_person.pk)).status_code == 405


# --- Certificates --------------------------------------------------------------------------


def test_certificates_are_coloured_by_expiry(world, client_for):
    t = training_world(world)
    today = timezone.localdate()
    people = _more_people(world, 2)
    for person, number, issued in (
        (people[0], "T-VALID", today - timedelta(days=365)),
        (people[1], "T-EXPIRED", today.replace(year=today.year - 7)),
    ):
        services.record_certificate(
            {
                "holder": person,
                "kind": CertificateKind.SPECIAL_OPERATION,
                "number": number,
                "issued_on": issued,
            },
            user=world.township_staff,
        )
    client = client_for(world.township_staff)
    page = html(client.get(url("certificate_list")))
    rows = {
        number: re.search(rf'<tr class="certificate-(\w+)">(?:(?!</tr>).)*{number}', page, re.S)
        for number in ("T-VALID", "T-EXPIRED", t.own_certificate.number)
    }
    assert rows["T-VALID"].group(1) == "valid"
    assert rows["T-EXPIRED"].group(1) == "expired"
    # Issued 2022-04-01: review fell due 2025-04-01, valid until 2028.
    assert rows[t.own_certificate.number].group(1) == "review_due"
    assert "text-bg-danger" in page and "text-bg-warning" in page and "text-bg-success" in page
    page = html(client.get(url("certificate_list"), {"status": "expired"}))
    assert "T-EXPIRED" in page and "T-VALID" not in page


def test_record_a_certificate_from_the_holders_page(world, client_for):
    t = training_world(world)
    client = client_for(world.township_staff)
    page = html(client.get(url("person_detail", t.own_person.pk)))
    link = f"{url('certificate_create')}?holder={t.own_person.pk}"
    assert link in page
    page = html(client.get(link))
    assert re.search(rf'<option value="{t.own_person.pk}" selected>', page)
    assert t.sibling_person.name not in page
    data = {
        "holder": t.own_person.pk,
        "kind": CertificateKind.SPECIAL_OPERATION,
        "operation": "焊接与热切割作业",
        "number": "T360105198503120011-2",
        "issuing_authority": "江西省应急管理厅",
        "issued_on": "2024-05-10",
    }
    response = client.post(url("certificate_create"), data)
    assert response.status_code == 302
    assert response["Location"] == url("person_detail", t.own_person.pk)
    certificate = t.own_person.certificates.get(operation="焊接与热切割作业")
    assert certificate.review_due_on == date(2027, 5, 10)
    assert certificate.expires_on == date(2030, 5, 10)
    page = html(client.post(url("certificate_create"), {**data, "holder": t.sibling_person.pk}))
    assert t.sibling_person.name not in page
    assert t.sibling_person.certificates.count() == 1


# --- Drills --------------------------------------------------------------------------------


def drill_data(**overrides):
    data = {
        "held_on": timezone.localdate().isoformat(),
        "kind": DrillKind.EVACUATION,
        "participants": "36",
        "scenario": "液氯储罐泄漏，全厂疏散至上风向集合点",
        "evaluation": "疏散用时4分30秒",
        "plan_revision": "增设东侧疏散通道指示",
    }
    return {**data, **overrides}


def test_drill_form_is_phone_ready(world, client_for):
    page = html(client_for(world.enterprise_user).get(url("drill_create")))
    assert 'enctype="multipart/form-data"' in page and "csrfmiddlewaretoken" in page
    photos = re.search(r'<input type="file" name="photos"[^>]*>', page).group(0)
    assert 'accept="image/*"' in photos and 'capture="environment"' in photos
    assert "multiple" in photos
    # An enterprise user's unit is fixed: theirs.
    assert world.ent_zhaoxian.name in page and world.ent_zhaoxian_2.name not in page
    assert 'name="org_unit"' not in page


def test_enterprise_records_a_drill_with_photos_and_becomes_compliant(world, client_for):
    # Its on-site response drill is done; its plans' drill never was.
    on_site = services.record_drill(
        {
            "enterprise": world.ent_zhaoxian,
            "held_on": timezone.localdate() - timedelta(days=10),
            "kind": DrillKind.ON_SITE,
            "scenario": "反应釜超温现场处置",
        },
        user=world.enterprise_user,
    )
    staff = client_for(world.township_staff)
    page = html(staff.get(url("drill_compliance"), {"status": "overdue"}))
    assert world.ent_zhaoxian.name in page

    client = client_for(world.enterprise_user)
    response = client.post(
        url("drill_create"), {**drill_data(), "photos": [png("疏散1.png"), png("疏散2.png")]}
    )
    drill = Drill.objects.exclude(pk=on_site.pk).get()
    assert response.status_code == 302 and response["Location"] == url("drill_detail", drill.pk)
    assert drill.enterprise == world.ent_zhaoxian and drill.created_by == world.enterprise_user
    photos = list(drill.photos.all())
    assert [p.original_name for p in photos] == ["疏散1.png", "疏散2.png"]

    page = html(client.get(url("drill_detail", drill.pk)))
    assert url("drill_photo", photos[0].pk) in page and "/media/" not in page
    download = client.get(url("drill_photo", photos[0].pk))
    assert download.status_code == 200 and download["Content-Type"] == "image/png"
    assert "private" in download["Cache-Control"]

    page = html(staff.get(url("drill_compliance"), {"status": "overdue"}))
    assert world.ent_zhaoxian.name not in page
    page = html(staff.get(url("drill_compliance"), {"status": "compliant"}))
    assert world.ent_zhaoxian.name in page


def test_drill_form_refuses_fake_photos_and_future_dates(world, client_for):
    client = client_for(world.enterprise_user)
    fake = SimpleUploadedFile("伪装.jpg", b"MZ\x90\x00 not an image", content_type="image/jpeg")
    page = html(client.post(url("drill_create"), {**drill_data(), "photos": [fake]}))
    assert "不是图片" in page
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    page = html(client.post(url("drill_create"), drill_data(held_on=tomorrow)))
    assert "演练日期不能晚于今天" in page
    assert not Drill.objects.exists() and not DrillPhoto.objects.exists()


def test_officials_choose_the_unit_within_their_scope(world, client_for):
    client = client_for(world.township_staff)
    page = html(client.post(url("drill_create"), drill_data(enterprise=world.ent_luoting.pk)))
    assert "罗亭镇" not in page
    assert not Drill.objects.exists()
    response = client.post(url("drill_create"), drill_data(enterprise=world.ent_zhaoxian_2.pk))
    assert response.status_code == 302
    assert Drill.objects.get().enterprise == world.ent_zhaoxian_2


def test_drill_calendar_shows_the_month(world, client_for):
    t = training_world(world)
    client = client_for(world.township_staff)
    page = html(client.get(url("drill_calendar"), {"month": "2025-06"}))
    assert "2025年6月" in page and url("drill_detail", t.own_drill.pk) in page
    assert "?month=2025-05" in page and "?month=2025-07" in page
    page = html(client.get(url("drill_calendar"), {"month": "2025-07"}))
    assert url("drill_detail", t.own_drill.pk) not in page
    # A bad month falls back to the current one.
    assert timezone.localdate().strftime("%Y年%-m月") in html(
        client.get(url("drill_calendar"), {"month": "13-2025"})
    )


# --- Awareness events ----------------------------------------------------------------------


def test_record_an_awareness_event(world, client_for):
    client = client_for(world.township_staff)
    response = client.post(
        url("awareness_create"),
        {
            "org_unit": world.zhaoxian.pk,
            "kind": AwarenessKind.CONSULTATION_DAY,
            "title": "安全宣传咨询日",
            "held_on": "2025-06-16",
            "place": "镇中心广场",
            "reach": "1200",
            "description": "",
        },
    )
    assert response.status_code == 302 and response["Location"] == url("awareness_list")
    event = AwarenessEvent.objects.get()
    assert event.reach == 1200 and event.created_by == world.township_staff
    assert "安全宣传咨询日" in html(client.get(url("awareness_list")))


# --- Coverage ------------------------------------------------------------------------------


def test_coverage_report_and_export(world, client_for):
    t = training_world(world)
    never = _more_people(world, 1)[0]
    client = client_for(world.township_staff)
    page = html(client.get(url("coverage")))
    assert re.search(r'id="coverage-share">50\.0%', page)
    assert never.name in page and "罗亭镇" not in page
    assert id_number(100) not in page
    # A window before the training: nobody covered.
    page = html(client.get(url("coverage"), {"window_end": "2025-02-28"}))
    assert re.search(r'id="coverage-share">0\.0%', page) and t.own_person.name in page
    page = html(
        client.get(url("coverage"), {"window_start": "2025-03-01", "window_end": "2024-01-01"})
    )
    assert "起始日期不能晚于截止日期" in page

    response = client.get(url("coverage_export"))
    assert response.status_code == 200 and "spreadsheetml" in response["Content-Type"]
    workbook = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    summary = {row[0]: row[1] for row in workbook["覆盖率"].iter_rows(values_only=True)}
    assert summary["应培训人数"] == 2 and summary["已培训人数"] == 1
    assert summary["人员类别"] == "重点人员（主要负责人、安全管理人员）"
    people = list(workbook["未覆盖人员"].iter_rows(values_only=True))
    assert people[0][:2] == ("姓名", "身份证号")
    assert [row[0] for row in people[1:]] == [never.name]
    assert people[1][1] == never.masked_id_number and id_number(100) not in str(people)
    # A bad filter goes back to the page, which says what is wrong.
    response = client.get(url("coverage_export"), {"window_start": "2025-13-01"})
    assert response.status_code == 302
    assert response["Location"] == f"{url('coverage')}?window_start=2025-13-01"
