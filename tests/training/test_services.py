"""The training services through their callers' eyes: validation, scope and history."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.exceptions import StaleVersionError
from tests.training.factories import id_number, training_world
from training import services
from training.constants import Audience
from training.models import Person


def test_world_builds_through_services(world):
    t = training_world(world)
    assert t.sibling_person.org_unit == world.luoting
    assert t.sibling_person.high_risk  # 危险化学品
    assert t.sibling_certificate.review_due_on == date(2025, 4, 1)
    assert t.sibling_certificate.expires_on == date(2028, 4, 1)
    assert t.own_drill.photos.count() == 1


def test_id_number_check_digit_is_validated_in_chinese(world):
    wrong = id_number(21)[:-1] + ("0" if id_number(21)[-1] != "0" else "1")
    with pytest.raises(ValidationError) as caught:
        services.register_person(
            {
                "name": "李四",
                "category": Audience.WORKER,
                "enterprise": world.ent_zhaoxian,
                "id_number": wrong,
            },
            user=world.township_staff,
        )
    assert caught.value.message_dict["id_number"] == ["身份证号码校验位不正确，请核对。"]
    assert not Person.objects.filter(name="李四").exists()


def test_id_number_stored_protected_and_unique(world):
    number = id_number(22)
    person = services.register_person(
        {
            "name": "李四",
            "category": Audience.WORKER,
            "enterprise": world.ent_zhaoxian,
            "id_number": number.lower(),
        },
        user=world.township_staff,
    )
    stored = Person.objects.values().get(pk=person.pk)
    assert number not in str(stored)
    assert stored["id_number_last4"] == number[-4:]
    assert number not in str(list(person.history.values()))
    with pytest.raises(ValidationError) as caught:
        services.register_person(
            {
                "name": "李四",
                "category": Audience.WORKER,
                "enterprise": world.ent_zhaoxian,
                "id_number": number,
            },
            user=world.township_staff,
        )
    assert caught.value.message_dict["id_number"] == ["该身份证号码已登记。"]


def test_out_of_scope_enterprise_reads_as_not_found(world):
    with pytest.raises(ValidationError) as caught:
        services.register_person(
            {"name": "张三", "category": Audience.WORKER, "enterprise": world.ent_luoting},
            user=world.township_staff,
        )
    assert caught.value.message_dict["enterprise"] == ["该企业不存在或不在您的管辖范围内。"]


def test_update_person_checks_version_and_scope(world):
    t = training_world(world)
    with pytest.raises(PermissionDenied):
        services.update_person(t.sibling_person, {"position": "厂长"}, user=world.township_staff)
    with pytest.raises(StaleVersionError):
        services.update_person(
            t.own_person, {"position": "厂长"}, user=world.township_staff, expected_version=5
        )
    person = services.update_person(
        t.own_person, {"position": "厂长"}, user=world.township_staff, expected_version=1
    )
    assert (person.position, person.version) == ("厂长", 2)


def test_session_dates_and_hours_are_checked(world):
    with pytest.raises(ValidationError) as caught:
        services.record_session(
            {
                "org_unit": world.zhaoxian,
                "title": "从业人员培训",
                "audience": Audience.WORKER,
                "start_date": date(2025, 3, 5),
                "end_date": date(2025, 3, 4),
                "hours": Decimal(0),
            },
            user=world.township_staff,
        )
    errors = caught.value.message_dict
    assert errors["hours"] == ["学时必须大于0。"]
    assert "结束日期不能早于开始日期。" in str(errors)


def test_add_attendance_checks_scope_hours_and_duplicates(world):
    t = training_world(world)
    with pytest.raises(PermissionDenied):
        services.add_attendance(t.sibling_session, t.own_person, user=world.township_staff)
    with pytest.raises(ValidationError) as caught:
        services.add_attendance(t.own_session, t.own_person, user=world.township_staff)
    assert caught.value.message_dict["person"] == ["该人员已在本期培训名单中。"]
    other = services.register_person(
        {"name": "陈十四", "category": Audience.PRINCIPAL, "enterprise": world.ent_zhaoxian},
        user=world.township_staff,
    )
    with pytest.raises(ValidationError) as caught:
        services.add_attendance(t.own_session, other, 33, user=world.township_staff)
    assert "hours" in caught.value.message_dict
    services.add_attendance(t.own_session, other, user=world.township_staff)
    t.own_session.refresh_from_db()
    assert t.own_session.attendance_count == 2


def test_update_session_moves_its_credits_and_keeps_the_roster_count(world):
    t = training_world(world)
    session = services.update_session(
        t.own_session,
        {"end_date": date(2025, 3, 5), "hours": Decimal(40)},
        user=world.township_staff,
        expected_version=1,
    )
    attendance = session.attendances.get()
    assert (attendance.completed_on, attendance.hours) == (date(2025, 3, 5), Decimal(40))
    session.has_roster = True
    session.save()
    with pytest.raises(ValidationError) as caught:
        services.update_session(session, {"attendance_count": 99}, user=world.township_staff)
    assert caught.value.message_dict["attendance_count"] == ["已导入名单，参训人数以名单为准。"]
