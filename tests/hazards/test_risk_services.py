"""风险分级管控 services: grading on save, versions, retire, scope, history of level changes."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.exceptions import StaleVersionError
from hazards import risk_services
from hazards.models import Risk
from hazards.risk_constants import RiskLevel, RiskMethod
from tests.hazards.tenancy_risks import risk_data


@pytest.fixture
def risk(world):
    return risk_services.create_risk(risk_data(world.ent_zhaoxian), user=world.township_staff)


def test_create_grades_and_locates(world, risk):
    assert (risk.score, risk.level) == (540, RiskLevel.MAJOR)
    assert risk.org_unit == world.zhaoxian and risk.org_path == world.zhaoxian.path
    assert risk.industry == world.chemicals
    assert risk.version == 1 and risk.created_by == world.township_staff
    assert risk.accident_types == sorted(risk.accident_types)


def test_create_ignores_a_level_sent_by_the_caller(world):
    risk = risk_services.create_risk(
        risk_data(world.ent_zhaoxian, level=RiskLevel.LOW, score=1), user=world.township_staff
    )
    assert risk.level == RiskLevel.MAJOR


def test_area_risk_without_enterprise(world):
    data = {**risk_data(world.ent_zhaoxian), "enterprise": None, "org_unit": world.wanli}
    data["industry"] = world.construction
    risk = risk_services.create_risk(data, user=world.province_admin)
    assert risk.enterprise is None and risk.org_unit == world.wanli
    assert risk.industry == world.construction


def test_area_risk_needs_a_region_and_an_industry(world):
    with pytest.raises(ValidationError) as error:
        risk_services.create_risk(
            {**risk_data(world.ent_zhaoxian), "enterprise": None}, user=world.province_admin
        )
    assert "org_unit" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        risk_services.create_risk(
            {**risk_data(world.ent_zhaoxian), "enterprise": None, "org_unit": world.wanli},
            user=world.province_admin,
        )
    assert error.value.message_dict["industry"] == ["请选择行业领域。"]


def test_bad_input_lists_every_message_and_writes_nothing(world):
    data = risk_data(
        world.ent_zhaoxian,
        lec_likelihood="4",
        review_date=date(2024, 1, 1),
        responsible_phone="123",
        is_public=False,
        responsible_person="",
    )
    with pytest.raises(ValidationError) as error:
        risk_services.create_risk(data, user=world.township_staff)
    messages = error.value.message_dict
    assert {"lec_likelihood", "review_date", "responsible_phone", "public_fields"} <= set(messages)
    assert "responsible_person" in messages
    assert messages["review_date"] == ["下次复评日期应晚于辨识评估日期。"]
    assert not Risk.objects.exists()
    assert not Risk.history.exists()


def test_out_of_scope_enterprise_is_refused(world):
    with pytest.raises(ValidationError) as error:
        risk_services.create_risk(risk_data(world.ent_luoting), user=world.township_staff)
    assert "enterprise" in error.value.message_dict
    assert not Risk.objects.exists()


def test_enterprise_user_enters_own_risks_only(world):
    risk = risk_services.create_risk(risk_data(world.ent_zhaoxian), user=world.enterprise_user)
    assert risk.enterprise == world.ent_zhaoxian
    with pytest.raises(ValidationError):
        risk_services.create_risk(risk_data(world.ent_zhaoxian_2), user=world.enterprise_user)
    # An area risk at its own township is not the enterprise's to enter: rolled back.
    with pytest.raises(PermissionDenied):
        risk_services.create_risk(
            {
                **risk_data(world.ent_zhaoxian),
                "enterprise": None,
                "org_unit": world.zhaoxian,
                "industry": world.chemicals,
            },
            user=world.enterprise_user,
        )
    assert Risk.objects.count() == 1


def test_leader_may_not_enter_risks(world):
    with pytest.raises(PermissionDenied):
        risk_services.create_risk(risk_data(world.ent_zhaoxian), user=world.county_official)
    assert not Risk.objects.exists()


def test_update_regrades_and_the_level_change_is_history(world, risk):
    updated = risk_services.update_risk(
        risk,
        {"method": RiskMethod.MATRIX, "matrix_likelihood": 3, "matrix_severity": 3},
        user=world.township_staff,
        expected_version=1,
    )
    assert (updated.score, updated.level, updated.version) == (9, RiskLevel.MODERATE, 2)
    # The other method's inputs are cleared, so the stored inputs always explain the level.
    assert updated.lec_likelihood is None and updated.lec_consequence is None
    levels = list(risk.history.order_by("history_id").values_list("level", "history_user"))
    assert levels == [
        (RiskLevel.MAJOR, world.township_staff.pk),
        (RiskLevel.MODERATE, world.township_staff.pk),
    ]


def test_update_without_changes_keeps_the_version(world, risk):
    same = risk_services.update_risk(
        risk,
        {"name": risk.name, "accident_types": list(reversed(risk.accident_types))},
        user=world.township_staff,
        expected_version=1,
    )
    assert same.version == 1 and risk.history.count() == 1


def test_stale_version_is_refused(world, risk):
    risk_services.update_risk(
        risk, {"name": "改名一"}, user=world.township_staff, expected_version=1
    )
    with pytest.raises(StaleVersionError):
        risk_services.update_risk(
            risk, {"name": "改名二"}, user=world.province_admin, expected_version=1
        )
    risk.refresh_from_db()
    assert risk.name == "改名一"


def test_bad_update_writes_nothing(world, risk):
    with pytest.raises(ValidationError):
        risk_services.update_risk(
            risk,
            {"lec_consequence": "41", "name": "新名"},
            user=world.township_staff,
            expected_version=1,
        )
    risk.refresh_from_db()
    assert (risk.name, risk.version, risk.history.count()) == (
        risk_data(world.ent_zhaoxian)["name"],
        1,
        1,
    )


def test_out_of_scope_update_is_refused(world, risk):
    with pytest.raises(PermissionDenied):
        risk_services.update_risk(
            risk, {"name": "x"}, user=world.township_staff_b, expected_version=1
        )
    with pytest.raises(PermissionDenied):
        risk_services.update_risk(
            risk, {"name": "x"}, user=world.county_official, expected_version=1
        )


def test_retire_needs_a_reason_then_freezes_the_risk(world, risk):
    with pytest.raises(ValidationError) as error:
        risk_services.retire_risk(risk, user=world.township_staff, reason=" ", expected_version=1)
    assert error.value.message_dict == {"reason": ["请填写撤销原因。"]}
    retired = risk_services.retire_risk(
        risk, user=world.township_staff, reason="液氯储罐已拆除", expected_version=1
    )
    assert retired.status == Risk.Status.RETIRED and retired.version == 2
    with pytest.raises(ValidationError):
        risk_services.update_risk(
            risk, {"name": "x"}, user=world.township_staff, expected_version=2
        )
