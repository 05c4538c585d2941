"""Hours rules, drill compliance and certificate reminders at their boundaries."""

from datetime import date
from decimal import Decimal

import pytest

from core.models import Notification
from orgs.models import Enterprise
from tests.training.factories import training_world
from training import services
from training.constants import Audience, DrillKind, DrillStatus, TrainingStatus
from training.stats import (
    drill_compliance,
    drill_due_on,
    on_site_drill_due_on,
    with_expired_certificates,
)
from training.tasks import send_certificate_reminders, send_drill_reminders


@pytest.fixture
def person(world):
    def make(enterprise=None, category=Audience.PRINCIPAL, name="赵六"):
        return services.register_person(
            {"name": name, "category": category, "enterprise": enterprise or world.ent_zhaoxian},
            user=world.township_staff,
        )

    return make


@pytest.fixture
def attend(world):
    def make(person, end, hours):
        session = services.record_session(
            {
                "org_unit": world.zhaoxian,
                "title": "安全生产培训班",
                "audience": person.category,
                "start_date": end,
                "end_date": end,
                "hours": Decimal(hours),
            },
            user=world.township_staff,
        )
        services.add_attendance(session, person, user=world.township_staff)

    return make


def status(person, day):
    return services.person_training_status(person, day)


def test_high_risk_principal_needs_48_hours_initially(world, person, attend):
    principal = person()  # 危险化学品: high risk
    assert status(principal, date(2025, 1, 1))["status"] == TrainingStatus.NEVER_TRAINED
    assert status(principal, date(2025, 1, 1))["shortfall"] == Decimal(48)
    attend(principal, date(2025, 3, 1), 47)
    result = status(principal, date(2025, 3, 2))
    assert (result["status"], result["shortfall"]) == (TrainingStatus.SHORT, Decimal(1))
    attend(principal, date(2025, 3, 2), 1)
    assert status(principal, date(2025, 3, 2))["status"] == TrainingStatus.COMPLIANT


def test_ordinary_principal_needs_32_then_12_a_year(world, person, attend):
    ordinary = world.ent_zhaoxian_2
    Enterprise.objects.filter(pk=ordinary.pk).update(high_risk=False)
    world.construction.high_risk = False
    world.construction.save()
    principal = person(enterprise=ordinary)
    attend(principal, date(2025, 3, 1), 32)
    # Compliant through the year after the initial training, short on its anniversary.
    assert status(principal, date(2026, 2, 28))["status"] == TrainingStatus.COMPLIANT
    result = status(principal, date(2026, 3, 1))
    assert (result["status"], result["shortfall"]) == (TrainingStatus.SHORT, Decimal(12))
    attend(principal, date(2026, 1, 10), 12)
    assert status(principal, date(2026, 3, 1))["status"] == TrainingStatus.COMPLIANT
    assert status(principal, date(2027, 1, 10))["status"] == TrainingStatus.SHORT


def test_high_risk_new_worker_72_then_20_ordinary_worker_none(world, person, attend):
    worker = person(category=Audience.WORKER, name="钱七")
    attend(worker, date(2025, 3, 1), 71)
    assert status(worker, date(2025, 3, 1))["shortfall"] == Decimal(1)
    attend(worker, date(2025, 3, 2), 1)
    assert status(worker, date(2026, 2, 28))["status"] == TrainingStatus.COMPLIANT
    # From the anniversary on, the trailing year must hold 20 hours.
    assert status(worker, date(2026, 3, 1))["shortfall"] == Decimal(19)
    assert status(worker, date(2026, 3, 2))["shortfall"] == Decimal(20)
    world.construction.high_risk = False
    world.construction.save()
    ordinary = person(enterprise=world.ent_zhaoxian_2, category=Audience.WORKER, name="孙八")
    assert status(ordinary, date(2026, 3, 2))["status"] == TrainingStatus.NOT_REQUIRED


def _drill(world, enterprise, held_on, user=None, kind=DrillKind.EVACUATION):
    return services.record_drill(
        {"enterprise": enterprise, "held_on": held_on, "kind": kind, "scenario": "疏散逃生"},
        user=user or world.province_admin,
    )


def _row(enterprise, day):
    return drill_compliance(Enterprise.objects.filter(pk=enterprise.pk), day).get()


def _status(enterprise, day):
    """The general requirement (plans' drills): status and last compliant day."""
    row = _row(enterprise, day)
    return row.general_drill_status, drill_due_on(row)


def _on_site(enterprise, day):
    """The on-site requirement, and the unit's overall status."""
    row = _row(enterprise, day)
    return row.on_site_drill_status, on_site_drill_due_on(row), row.drill_status


def test_drill_yearly_by_default_overdue_the_day_after(world):
    ordinary = world.ent_zhaoxian_2
    world.construction.high_risk = False
    world.construction.save()
    _drill(world, ordinary, date(2025, 2, 28))
    assert _status(ordinary, date(2026, 2, 28)) == (DrillStatus.DUE_SOON, date(2026, 2, 28))
    assert _status(ordinary, date(2026, 3, 1))[0] == DrillStatus.OVERDUE
    assert _status(ordinary, date(2026, 1, 28))[0] == DrillStatus.COMPLIANT


def test_drill_half_yearly_for_high_risk_and_elderly_care(world):
    _drill(world, world.ent_zhaoxian, date(2025, 2, 28))
    assert _status(world.ent_zhaoxian, date(2025, 8, 28))[0] == DrillStatus.DUE_SOON
    assert _status(world.ent_zhaoxian, date(2025, 8, 29))[0] == DrillStatus.OVERDUE
    care = world.ent_xjj_care
    _drill(world, care, date(2025, 8, 31), user=world.dept_staff)
    # 31 August + 6 months is the last day of February.
    assert _status(care, date(2026, 2, 28)) == (DrillStatus.DUE_SOON, date(2026, 2, 28))
    assert _status(care, date(2026, 3, 1))[0] == DrillStatus.OVERDUE
    never = world.ent_luoting
    assert _status(never, date(2025, 1, 1))[0] == DrillStatus.OVERDUE


def test_on_site_drill_every_six_months_even_for_a_yearly_unit(world):
    ordinary = world.ent_zhaoxian_2
    world.construction.high_risk = False
    world.construction.save()
    _drill(world, ordinary, date(2025, 2, 28))  # general: yearly, due 2026-02-28
    # Never drilled on site: the unit is overdue although its yearly drill is done.
    assert _on_site(ordinary, date(2025, 3, 1)) == (DrillStatus.OVERDUE, None, DrillStatus.OVERDUE)
    assert _status(ordinary, date(2025, 3, 1))[0] == DrillStatus.COMPLIANT
    _drill(world, ordinary, date(2025, 3, 31), kind=DrillKind.ON_SITE)
    due = date(2025, 9, 30)
    assert _on_site(ordinary, date(2025, 8, 30)) == (
        DrillStatus.COMPLIANT,
        due,
        DrillStatus.COMPLIANT,
    )
    # 30 days before: due soon; the due day itself still compliant; overdue the day after.
    assert _on_site(ordinary, date(2025, 8, 31)) == (
        DrillStatus.DUE_SOON,
        due,
        DrillStatus.DUE_SOON,
    )
    assert _on_site(ordinary, due) == (DrillStatus.DUE_SOON, due, DrillStatus.DUE_SOON)
    assert _on_site(ordinary, date(2025, 10, 1)) == (DrillStatus.OVERDUE, due, DrillStatus.OVERDUE)
    # …while the yearly requirement is still met: an on-site drill never counts for it.
    assert _status(ordinary, date(2025, 10, 1)) == (DrillStatus.COMPLIANT, date(2026, 2, 28))


def test_on_site_drill_counts_only_for_its_own_requirement(world):
    plant = world.ent_zhaoxian  # high risk: both requirements every half year
    _drill(world, plant, date(2025, 8, 31), kind=DrillKind.ON_SITE)
    assert _status(plant, date(2025, 9, 1)) == (DrillStatus.OVERDUE, None)
    _drill(world, plant, date(2025, 9, 1), kind=DrillKind.COMPREHENSIVE)
    # 31 August + 6 months is the last day of February.
    assert _on_site(plant, date(2026, 2, 28)) == (
        DrillStatus.DUE_SOON,
        date(2026, 2, 28),
        DrillStatus.DUE_SOON,
    )
    assert _on_site(plant, date(2026, 3, 1))[0::2] == (DrillStatus.OVERDUE, DrillStatus.OVERDUE)
    assert _status(plant, date(2026, 3, 1)) == (DrillStatus.DUE_SOON, date(2026, 3, 1))
    # A later on-site drill puts it right; the latest drill is the one that counts.
    _drill(world, plant, date(2026, 2, 20), kind=DrillKind.ON_SITE)
    assert _on_site(plant, date(2026, 3, 1)) == (
        DrillStatus.COMPLIANT,
        date(2026, 8, 20),
        DrillStatus.DUE_SOON,
    )


def test_on_site_drill_reminders_once_each_apart_from_the_general_ones(world):
    plant = world.ent_zhaoxian
    _drill(world, plant, date(2025, 2, 28))  # general due 2025-08-28
    _drill(world, plant, date(2025, 3, 31), kind=DrillKind.ON_SITE)  # on-site due 2025-09-30
    for day in ("2025-07-29", "2025-08-29", "2025-08-31", "2025-08-31", "2025-09-23", "2025-10-01"):
        send_drill_reminders(today=day)
    send_drill_reminders(today="2025-10-02")
    titles = list(
        Notification.objects.filter(recipient=world.enterprise_user)
        .order_by("id")
        .values_list("title", flat=True)
    )
    on_site = [t for t in titles if "现场处置方案演练" in t]
    assert on_site == [
        "招贤镇化工有限公司应于2025-09-30前组织现场处置方案演练（剩30天）",
        "招贤镇化工有限公司应于2025-09-30前组织现场处置方案演练（剩7天）",
        "招贤镇化工有限公司已逾期未组织现场处置方案演练（应于2025-09-30前）",
    ]
    # The general requirement: 30 days before and overdue (its 7-day mark was not run).
    assert len(titles) - len(on_site) == 2
    assert Notification.objects.filter(recipient=world.township_staff).count() == 5
    assert not Notification.objects.filter(recipient=world.township_staff_b).exists()


def test_certificate_reminders_exactly_once_each(world):
    t = training_world(world)
    certificate = t.own_certificate  # issued 2022-04-01: review 2025-04-01, expiry 2028-04-01

    def titles():
        return list(
            Notification.objects.filter(recipient=world.township_staff)
            .order_by("id")
            .values_list("title", flat=True)
        )

    send_certificate_reminders(today="2025-01-30")  # 61 days before the review
    assert titles() == []
    send_certificate_reminders(today="2025-01-31")
    send_certificate_reminders(today="2025-01-31")
    send_certificate_reminders(today="2025-02-01")
    assert len(titles()) == 1 and "复审" in titles()[0]
    # The 30-day reminder missed on its day is caught up the next.
    send_certificate_reminders(today="2025-03-03")
    send_certificate_reminders(today="2025-03-26")
    send_certificate_reminders(today="2025-03-27")
    assert len(titles()) == 3
    # The enterprise's users are told too.
    assert Notification.objects.filter(recipient=world.enterprise_user).count() == 3
    # Renewed: the next review date starts its own reminders.
    services.renew_certificate(
        certificate, {"reviewed_on": date(2025, 3, 28)}, user=world.township_staff
    )
    certificate.refresh_from_db()
    assert certificate.review_due_on == date(2028, 3, 28)


def test_expired_certificate_flags_enterprise_once(world):
    t = training_world(world)
    send_certificate_reminders(today="2028-04-02")
    send_certificate_reminders(today="2028-04-03")
    expired = Notification.objects.filter(recipient=world.enterprise_user, title__contains="已于")
    assert expired.count() == 1
    flagged = with_expired_certificates(Enterprise.objects.all(), date(2028, 4, 2))
    assert flagged.get(pk=world.ent_zhaoxian.pk).expired_certificates == 1
    assert flagged.get(pk=world.ent_zhaoxian_2.pk).expired_certificates == 0
    assert t.own_certificate.pk


def test_drill_reminders_once_before_and_at_overdue(world):
    _drill(world, world.ent_zhaoxian, date(2025, 2, 28))  # due 2025-08-28
    for day in ("2025-07-29", "2025-07-29", "2025-08-21", "2025-08-29", "2025-08-30"):
        send_drill_reminders(today=day)
    titles = list(
        Notification.objects.filter(recipient=world.enterprise_user).values_list("title", flat=True)
    )
    assert len(titles) == 3
    assert sum("逾期" in t for t in titles) == 1
    assert Notification.objects.filter(recipient=world.township_staff).count() == 3
    assert not Notification.objects.filter(recipient=world.township_staff_b).exists()
