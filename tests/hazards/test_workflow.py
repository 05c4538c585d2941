"""The ledger's workflow through hazards.services: who may do each step, and who may not.

reported → confirmed → rectifying → close-out requested → closed, returns at both review
steps, 挂牌督办, void and restore. Each failure case shares its setup with the success case,
so it fails for the reason it names.
"""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core.exceptions import StaleVersionError
from core.models import Notification
from hazards import services
from hazards.constants import TransitionAction
from hazards.models import Hazard, HazardFile, HazardNotice, HazardTransition
from orgs.constants import Level, Role
from orgs.services import add_membership
from tests.factories import UserFactory
from tests.hazards.conftest import fake_photo, pdf, photo, plan

Status = Hazard.Status


def steps(hazard):
    return list(
        HazardTransition.objects.filter(hazard=hazard).values_list(
            "action", "from_status", "to_status"
        )
    )


# --- Reporting -----------------------------------------------------------------------------


def test_report_numbers_locates_and_notifies(world, report):
    first = report(files=[photo()])
    second = report(enterprise=world.ent_luoting, user=world.township_staff_b)
    assert first.ledger_number == "360105-2024-000001"
    # One sequence per county and year, whichever township the hazard is in.
    assert second.ledger_number == "360105-2024-000002"
    assert first.org_unit == world.zhaoxian and first.org_path == world.zhaoxian.path
    assert first.county_id == world.wanli.pk and first.industry == world.chemicals
    assert first.status == Status.REPORTED and first.reported_by == world.township_staff
    assert steps(first) == [(TransitionAction.REPORT, "", Status.REPORTED)]
    assert first.files.get().kind == HazardFile.Kind.FOUND
    # 主要负责人 张三 and 实际控制人 李四 are told, and the enterprise's user in the app.
    notices = Notification.objects.filter(
        pk__in=HazardNotice.objects.filter(hazard=first).values("notification")
    )
    assert {n.recipient_name for n in notices} == {"张三", "李四"}
    assert {n.sender for n in notices} == {world.township_staff}
    assert HazardNotice.objects.filter(hazard=first).count() == 2
    assert Notification.objects.filter(recipient=world.enterprise_user).count() == 1


def test_a_general_hazard_notifies_nobody(world, report):
    hazard = report(grade=Hazard.Grade.GENERAL)
    assert not HazardNotice.objects.filter(hazard=hazard).exists()


def test_principal_who_is_also_controller_is_told_once(world, report):
    world.ent_zhaoxian.controller_name = world.ent_zhaoxian.principal_name
    world.ent_zhaoxian.controller_phone = world.ent_zhaoxian.principal_phone
    world.ent_zhaoxian.save()
    assert HazardNotice.objects.filter(hazard=report()).count() == 1


def test_stock_follows_the_found_date(report):
    assert report(found_date=date(2023, 12, 31)).is_stock
    assert not report(found_date=date(2024, 1, 1)).is_stock


def test_enterprise_user_reports_for_its_own_enterprise_by_self_inspection(world, report):
    own = report(user=world.enterprise_user, source=Hazard.Source.SELF_INSPECTION)
    assert own.source == Hazard.Source.SELF_INSPECTION
    with pytest.raises(ValidationError) as error:
        report(user=world.enterprise_user, source=Hazard.Source.ENFORCEMENT)
    assert "企业自查上报" in str(error.value)
    with pytest.raises(ValidationError) as error:
        report(
            enterprise=world.ent_zhaoxian_2,
            user=world.enterprise_user,
            source=Hazard.Source.SELF_INSPECTION,
        )
    assert "不在您的管辖范围内" in str(error.value)


def test_sibling_township_cannot_report_for_our_enterprise(world, report):
    with pytest.raises(ValidationError):
        report(user=world.township_staff_b)
    assert not Hazard.objects.exists()


def test_a_leader_reads_but_does_not_enter_hazards(world, report):
    with pytest.raises(PermissionDenied):
        report(user=world.county_official)
    # The number taken for the refused report was rolled back with it.
    assert report().ledger_number.endswith("000001")


def test_report_validates_every_field_at_once(world, report):
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        report(description="", found_date=tomorrow, responsible_phone="12345", files=[photo()])
    assert set(error.value.message_dict) == {"description", "found_date", "responsible_phone"}
    assert not Hazard.objects.exists() and not HazardFile.objects.exists()


def test_uploads_are_checked_by_content(world, report):
    with pytest.raises(ValidationError) as error:
        report(files=[photo(), fake_photo()])
    assert "伪装照片.jpg" in error.value.message_dict["files"][0]
    assert not Hazard.objects.exists()


def test_stored_files_get_random_names(world, report):
    stored = report(files=[photo("../../etc/passwd.jpg")]).files.get()
    assert stored.original_name == "passwd.jpg"
    assert "passwd" not in stored.file.name and stored.file.name.endswith(".png")


# --- Confirmation --------------------------------------------------------------------------


def test_official_confirms_and_names_the_criterion(world, report, criterion):
    hazard = services.confirm(report(), user=world.township_staff, criterion=criterion)
    assert hazard.status == Status.CONFIRMED and hazard.criterion == criterion
    assert hazard.version == 2
    assert steps(hazard)[-1] == (TransitionAction.CONFIRM, Status.REPORTED, Status.CONFIRMED)


def test_a_major_hazard_needs_its_criterion(world, report):
    with pytest.raises(ValidationError) as error:
        services.confirm(report(), user=world.township_staff)
    assert "判定依据" in str(error.value)


def test_upgrading_to_major_at_confirmation_notifies(world, report, criterion):
    hazard = report(grade=Hazard.Grade.GENERAL)
    services.confirm(
        hazard, user=world.township_staff, grade=Hazard.Grade.MAJOR, criterion=criterion
    )
    assert HazardNotice.objects.filter(hazard=hazard).count() == 2


@pytest.mark.parametrize("who", ["enterprise_user", "township_staff_b", "auditor", "outsider"])
def test_who_may_not_confirm(world, report, criterion, who):
    hazard = report(user=world.enterprise_user, source=Hazard.Source.SELF_INSPECTION)
    with pytest.raises(PermissionDenied):
        services.confirm(hazard, user=getattr(world, who), criterion=criterion)
    hazard.refresh_from_db()
    assert hazard.status == Status.REPORTED


@pytest.fixture
def xiejiaji_staff(world):
    user = UserFactory(username="xiejiaji_staff")
    add_membership(user=user, org_unit=world.xiejiaji, role=Role.STAFF, granted_by=None)
    return user


def test_sectoral_department_confirms_in_its_industry(world, report, xiejiaji_staff):
    hazard = report(
        enterprise=world.ent_xjj_care,
        user=world.dept_staff,
        grade=Hazard.Grade.GENERAL,
        description="养老院疏散通道堆放杂物",
    )
    assert services.confirm(hazard, user=world.dept_staff).status == Status.CONFIRMED
    chemicals = report(enterprise=world.ent_xjj_chem, user=xiejiaji_staff)
    with pytest.raises(PermissionDenied):
        services.confirm(chemicals, user=world.dept_staff)


def test_return_at_confirmation_then_resubmit(world, report, criterion):
    hazard = report(user=world.enterprise_user, source=Hazard.Source.SELF_INSPECTION)
    with pytest.raises(ValidationError):
        services.return_hazard(hazard, user=world.township_staff, reason=" ")
    hazard = services.return_hazard(hazard, user=world.township_staff, reason="部位描述不清")
    assert hazard.status == Status.REPORTED and hazard.return_reason == "部位描述不清"
    hazard = services.update_hazard(
        hazard,
        {"place": "1号储罐区东侧"},
        user=world.enterprise_user,
        expected_version=hazard.version,
    )
    assert hazard.return_reason == ""
    assert [s[0] for s in steps(hazard)] == ["report", "return", "report"]
    assert services.confirm(hazard, user=world.township_staff, criterion=criterion)


def test_enterprise_user_may_not_return(world, report):
    with pytest.raises(PermissionDenied):
        services.return_hazard(report(), user=world.enterprise_user, reason="不认可")


# --- Rectification -------------------------------------------------------------------------


def test_rectification_needs_the_complete_five_implementations(world, report, criterion):
    hazard = services.confirm(report(), user=world.township_staff, criterion=criterion)
    incomplete = plan(funds=None, contingency_plan="")
    hazard = services.set_rectification_plan(hazard, incomplete, user=world.enterprise_user)
    with pytest.raises(ValidationError) as error:
        services.start_rectification(hazard, user=world.enterprise_user)
    assert "整改资金、应急预案" in str(error.value)
    hazard = services.set_rectification_plan(
        hazard, plan(), user=world.enterprise_user, expected_version=hazard.version
    )
    hazard = services.start_rectification(hazard, user=world.enterprise_user)
    assert hazard.status == Status.RECTIFYING
    # While rectifying, the plan cannot lose a part.
    with pytest.raises(ValidationError):
        services.set_rectification_plan(hazard, {"measures": ""}, user=world.township_staff)


def test_rectification_cannot_start_before_confirmation(world, report):
    hazard = services.set_rectification_plan(report(), plan(), user=world.township_staff)
    with pytest.raises(ValidationError) as error:
        services.start_rectification(hazard, user=world.township_staff)
    assert "已上报" in str(error.value)


def test_close_out_needs_after_photos_or_evidence(world, rectifying):
    with pytest.raises(ValidationError) as error:
        services.request_close_out(rectifying, user=world.enterprise_user, note="已整改")
    assert "整改后照片或佐证材料" in str(error.value)
    hazard = services.request_close_out(rectifying, user=world.enterprise_user, files=[pdf()])
    assert hazard.status == Status.CLOSE_OUT_REQUESTED and hazard.close_out_requested_at
    assert hazard.files.get().kind == HazardFile.Kind.EVIDENCE


def test_evidence_uploaded_earlier_counts(world, rectifying):
    services.add_files(
        rectifying, [photo()], user=world.enterprise_user, kind=HazardFile.Kind.AFTER
    )
    hazard = services.request_close_out(rectifying, user=world.enterprise_user)
    assert hazard.status == Status.CLOSE_OUT_REQUESTED


# --- Verification and close-out ------------------------------------------------------------


def test_a_county_leader_verifies_and_closes(world, requested):
    hazard = services.close(requested, user=world.county_official, note="现场复核，已整改到位")
    assert hazard.status == Status.CLOSED and hazard.verified_by == world.county_official
    assert hazard.closed_at and hazard.verification_note == "现场复核，已整改到位"
    assert [s[0] for s in steps(hazard)] == [
        "report",
        "confirm",
        "plan",
        "start_rectification",
        "request_close_out",
        "close",
    ]
    # The history keeps each version of the row.
    assert hazard.history.count() == hazard.version


def test_closing_needs_a_note(world, requested):
    with pytest.raises(ValidationError):
        services.close(requested, user=world.county_official, note="  ")


@pytest.mark.parametrize(
    "who", ["township_staff", "enterprise_user", "township_staff_b", "dept_staff", "supervisor"]
)
def test_who_may_not_close(world, requested, who):
    # The township where the hazard is located is not above itself; the others are outside.
    with pytest.raises(PermissionDenied):
        services.close(requested, user=getattr(world, who), note="同意销号")
    requested.refresh_from_db()
    assert requested.status == Status.CLOSE_OUT_REQUESTED


def test_the_reporter_never_closes_their_own_hazard(world, report, criterion):
    county_staff = UserFactory(username="county_staff")
    add_membership(user=county_staff, org_unit=world.nanchang, role=Role.STAFF, granted_by=None)
    hazard = report(user=county_staff)
    hazard = services.confirm(hazard, user=county_staff, criterion=criterion)
    hazard = services.set_rectification_plan(hazard, plan(), user=world.enterprise_user)
    hazard = services.start_rectification(hazard, user=world.enterprise_user)
    hazard = services.request_close_out(hazard, user=world.enterprise_user, files=[photo()])
    with pytest.raises(PermissionDenied) as error:
        services.close(hazard, user=county_staff, note="同意")
    assert "上报人" in str(error.value)
    assert services.close(hazard, user=world.city_official, note="同意").status == Status.CLOSED


def test_sectoral_department_verifies_in_its_industry(world, report, xiejiaji_staff):
    hazard = report(
        enterprise=world.ent_xjj_care,
        user=xiejiaji_staff,
        grade=Hazard.Grade.GENERAL,
    )
    hazard = services.confirm(hazard, user=world.dept_staff)
    hazard = services.set_rectification_plan(hazard, plan(), user=world.dept_staff)
    hazard = services.start_rectification(hazard, user=world.dept_staff)
    hazard = services.request_close_out(hazard, user=world.dept_staff, files=[photo()])
    assert services.close(hazard, user=world.dept_staff, note="复查合格").status == Status.CLOSED


def test_return_at_close_out_goes_back_to_rectifying(world, requested):
    hazard = services.return_hazard(requested, user=world.county_official, reason="照片不清晰")
    assert hazard.status == Status.RECTIFYING and hazard.close_out_requested_at is None
    assert steps(hazard)[-1] == (TransitionAction.RETURN, Status.CLOSE_OUT_REQUESTED, "rectifying")
    # The township may return a report, not a close-out request: that is the verifier's.
    hazard = services.request_close_out(hazard, user=world.enterprise_user, files=[photo()])
    with pytest.raises(PermissionDenied):
        services.return_hazard(hazard, user=world.township_staff, reason="不同意")


def test_nothing_moves_twice(world, requested):
    services.close(requested, user=world.county_official, note="同意")
    with pytest.raises(ValidationError) as error:
        services.close(requested, user=world.city_official, note="同意")
    assert "已销号" in str(error.value)


# --- Editing and concurrency ---------------------------------------------------------------


def test_two_edits_of_the_same_version_one_wins(world, report):
    hazard = report()
    loaded = hazard.version
    services.update_hazard(
        hazard, {"place": "2号储罐区"}, user=world.township_staff, expected_version=loaded
    )
    with pytest.raises(StaleVersionError):
        services.update_hazard(
            hazard,
            {"description": "储罐区报警器失效"},
            user=world.province_admin,
            expected_version=loaded,
        )
    hazard.refresh_from_db()
    assert hazard.place == "2号储罐区" and hazard.description == "储罐区可燃气体检测报警装置失效"
    assert hazard.version == loaded + 1


def test_enterprise_user_edits_only_the_plan_after_confirmation(world, report, criterion):
    hazard = report(user=world.enterprise_user, source=Hazard.Source.SELF_INSPECTION)
    hazard = services.confirm(hazard, user=world.township_staff, criterion=criterion)
    with pytest.raises(ValidationError) as error:
        services.update_hazard(
            hazard,
            {"grade": Hazard.Grade.GENERAL, "measures": "加装报警器"},
            user=world.enterprise_user,
            expected_version=hazard.version,
        )
    assert set(error.value.message_dict) == {"grade"}
    hazard = services.update_hazard(
        hazard,
        {"measures": "加装报警器", "description": hazard.description},
        user=world.enterprise_user,
        expected_version=hazard.version,
    )
    assert hazard.measures == "加装报警器"


def test_a_hazard_awaiting_verification_is_not_edited(world, requested):
    with pytest.raises(ValidationError):
        services.update_hazard(
            requested,
            {"place": "别处"},
            user=world.township_staff,
            expected_version=requested.version,
        )


# --- 挂牌督办 --------------------------------------------------------------------------------


def test_a_county_lists_and_delists_a_major_hazard(world, rectifying):
    today = timezone.localdate()
    hazard = services.list_for_supervision(
        rectifying,
        user=world.county_official,
        level=Level.COUNTY,
        unit=world.wanli,
        listed_date=today,
    )
    assert hazard.listed_supervision and hazard.listed_unit == world.wanli
    with pytest.raises(ValidationError):
        services.list_for_supervision(
            hazard,
            user=world.city_official,
            level=Level.CITY,
            unit=world.nanchang,
            listed_date=today,
        )
    hazard = services.delist(hazard, user=world.county_official, note="整改完成")
    assert not hazard.listed_supervision and hazard.listed_level == ""
    assert [s[0] for s in steps(hazard)][-2:] == ["list", "delist"]


@pytest.mark.parametrize(
    ("who", "level", "unit", "error"),
    [
        ("township_staff", Level.COUNTY, "wanli", PermissionDenied),
        ("county_official", Level.CITY, "nanchang", PermissionDenied),
        ("city_official", Level.COUNTY, "wannian", ValidationError),
        ("city_official", Level.CITY, "wanli", ValidationError),
    ],
)
def test_who_may_not_list(world, rectifying, who, level, unit, error):
    with pytest.raises(error):
        services.list_for_supervision(
            rectifying,
            user=getattr(world, who),
            level=level,
            unit=getattr(world, unit),
            listed_date=timezone.localdate(),
        )


def test_only_major_hazards_are_listed(world, report):
    hazard = report(grade=Hazard.Grade.GENERAL)
    with pytest.raises(ValidationError):
        services.list_for_supervision(
            hazard,
            user=world.county_official,
            level=Level.COUNTY,
            unit=world.wanli,
            listed_date=timezone.localdate(),
        )


# --- Void and restore ----------------------------------------------------------------------


def test_void_and_restore(world, rectifying):
    with pytest.raises(ValidationError):
        services.void_hazard(rectifying, user=world.township_staff, reason="")
    hazard = services.void_hazard(rectifying, user=world.township_staff, reason="重复录入")
    assert hazard.is_void and hazard.void_reason == "重复录入"
    with pytest.raises(ValidationError) as error:
        services.request_close_out(hazard, user=world.enterprise_user, files=[photo()])
    assert "作废" in str(error.value)
    hazard = services.restore_hazard(hazard, user=world.township_staff)
    assert not hazard.is_void and hazard.status == Status.RECTIFYING
    assert [s[0] for s in steps(hazard)][-2:] == ["void", "restore"]
    assert Hazard.objects.filter(pk=hazard.pk).exists()


@pytest.mark.parametrize("who", ["enterprise_user", "township_staff_b", "supervisor"])
def test_who_may_not_void(world, rectifying, who):
    with pytest.raises(PermissionDenied):
        services.void_hazard(rectifying, user=getattr(world, who), reason="重复")


# --- What the pages show -------------------------------------------------------------------


def test_available_actions_follow_the_rules(world, requested):
    for_township = services.available_actions(requested, world.township_staff)
    assert for_township["close"] and "上级" in for_township["close"]
    assert for_township["upload"] is None
    for_county = services.available_actions(requested, world.county_official)
    assert for_county["close"] is None and for_county["return"] is None
    assert for_county["confirm"] is not None
    for_enterprise = services.available_actions(requested, world.enterprise_user)
    assert for_enterprise["void"] is not None and for_enterprise["close"] is not None
