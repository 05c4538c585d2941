"""The demo training data behind `manage.py seed_demo` (receiver of orgs.demo.demo_seeded).

For each demo county: the 12 training classes of seed 004 ("12期培训班、2000余人") spread over
2024, each demo enterprise's 主要负责人 and 安全管理人员 registered (with generated, valid ID
numbers) and on the rosters of the classes for their group, special-operation licences in
every state (valid, due for review, expired), drills of the units' plans and of their
on-site response procedures (some units overdue on either) and the
安全生产月 / 消防宣传月 / 安全宣传咨询日 events.

Generated from random.Random(2024), so every run builds the same data, and written once: a
second seed_demo finds the demo counties' sessions and adds nothing.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from orgs.constants import Level
from orgs.models import OrgUnit
from training import idnumbers, services
from training.constants import Audience, AwarenessKind, CertificateKind, DrillKind
from training.dates import add_years
from training.models import (
    Attendance,
    AwarenessEvent,
    Certificate,
    Drill,
    Person,
    TrainingSession,
)

SESSIONS_PER_COUNTY = 12
# Seed 004: more than 2,000 trained in the county's 12 classes.
ATTENDANCE_RANGE = (160, 200)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙胡朱高林何郭马罗"
GIVEN = ["建国", "海涛", "丽华", "文斌", "振华", "晓燕", "志强", "秀英", "国平", "春梅", "伟", "敏"]
OPERATIONS = ["电工作业", "焊接与热切割作业", "高处作业", "危险化学品安全作业", "制冷与空调作业"]
CLASSES = [
    (Audience.PRINCIPAL, "企业主要负责人安全生产培训班", Decimal(32)),
    (Audience.SAFETY_MANAGER, "安全管理人员安全生产培训班", Decimal(32)),
    (Audience.WORKER, "高危行业从业人员安全培训班", Decimal(24)),
    (Audience.ENFORCEMENT, "基层执法人员跟班集中培训", Decimal(40)),
    (Audience.PARTY_LEADER, "党政领导干部安全生产专题培训班", Decimal(8)),
    (Audience.SPECIAL_WORKER, "特种作业人员复审培训班", Decimal(8)),
]


def on_demo_seeded(sender, world, stdout=None, **kwargs):
    """Receiver of orgs.demo.demo_seeded (connected in TrainingConfig.ready)."""
    sessions = seed(world)
    if stdout is not None and sessions:
        people = sum(s.attendance_count for s in sessions)
        stdout.write(f"培训演练演示数据：{len(sessions)}期培训班，参训{people}人次。")


def seed(world, today: date | None = None) -> list[TrainingSession]:
    today = today or timezone.localdate()
    counties = OrgUnit.objects.filter(
        level=Level.COUNTY, pk__in={e.county_id for e in world.enterprises}
    ).order_by("path")
    if TrainingSession.objects.filter(org_unit__in=counties).exists():
        return []
    rng = random.Random(2024)
    people, numbers = _people(world, rng)
    sessions = []
    for county in counties:
        enterprises = [e for e in world.enterprises if e.county_id == county.pk]
        sessions += _sessions(county, enterprises, people, rng)
        _drills(enterprises, rng, today)
        _events(county, rng)
    _certificates(people, numbers, rng, today)
    return sessions


def _name(rng) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _id_number(rng, region_code: str) -> str:
    birth = date(1965, 1, 1) + timedelta(days=rng.randint(0, 365 * 30))
    first17 = f"{region_code[:6]}{birth:%Y%m%d}{rng.randint(0, 999):03d}"
    return first17 + idnumbers.check_character(first17)


def _people(world, rng) -> tuple[dict[int, list[Person]], dict[str, str]]:
    """Each enterprise's principal, safety manager and a special-operation worker; and the
    generated ID numbers by their hash (a 特种作业操作证 is numbered by its holder's)."""
    rows, numbers = [], {}
    units = OrgUnit.objects.in_bulk({e.org_unit_id for e in world.enterprises})
    for enterprise in world.enterprises:
        code = units[enterprise.org_unit_id].division_code
        for category, position in (
            (Audience.PRINCIPAL, "主要负责人"),
            (Audience.SAFETY_MANAGER, "安全管理人员"),
            (Audience.SPECIAL_WORKER, rng.choice(OPERATIONS)),
        ):
            number = _id_number(rng, code)
            numbers[idnumbers.lookup_hash(number)] = number
            person = Person(
                name=enterprise.principal_name if category == Audience.PRINCIPAL else _name(rng),
                category=category,
                enterprise=enterprise,
                org_unit=enterprise.org_unit,
                position=position,
                id_number_hash=idnumbers.lookup_hash(number),
                id_number_last4=number[-4:],
                id_number_encrypted=idnumbers.encrypt(number),
            )
            person.copy_location()
            rows.append(person)
    bulk_create_with_history(rows, Person, batch_size=500)
    by_enterprise: dict[int, list[Person]] = {}
    for person in Person.objects.filter(enterprise__in=world.enterprises):
        by_enterprise.setdefault(person.enterprise_id, []).append(person)
    return by_enterprise, numbers


def _sessions(county, enterprises, people, rng) -> list[TrainingSession]:
    sessions = []
    for number in range(SESSIONS_PER_COUNTY):
        audience, title, hours = CLASSES[number % len(CLASSES)]
        start = date(2024, number + 1, rng.randint(8, 20))
        days = max(1, int(hours // 8))
        session = TrainingSession(
            org_unit=county,
            title=f"{county.name}2024年第{number + 1}期{title}",
            audience=audience,
            start_date=start,
            end_date=start + timedelta(days=days - 1),
            hours=hours,
            place=f"{county.name}应急管理局培训中心",
            trainer="省安全生产培训中心",
            attendance_count=rng.randint(*ATTENDANCE_RANGE),
        )
        session.copy_location()
        sessions.append(session)
    bulk_create_with_history(sessions, TrainingSession, batch_size=100)
    sessions = list(TrainingSession.objects.filter(org_unit=county).order_by("start_date"))
    attendances = []
    for session in sessions:
        roster = [
            person
            for enterprise in enterprises
            for person in people.get(enterprise.pk, [])
            if person.category == session.audience and rng.random() < 0.8
        ]
        attendances += [
            Attendance(
                session=session, person=p, hours=session.hours, completed_on=session.end_date
            )
            for p in roster
        ]
        if roster:
            # The roster is part of the head count the organiser reported.
            session.has_roster = True
            session.save(update_fields=["has_roster"])
    Attendance.objects.bulk_create(attendances, batch_size=1000)
    return sessions


def _certificates(people, numbers, rng, today) -> None:
    rows = []
    for person in (
        p for group in people.values() for p in group if p.category == Audience.SPECIAL_WORKER
    ):
        # Issued 1 to 7 years ago: some valid, some due for review, some expired.
        issued = today - timedelta(days=rng.randint(200, 365 * 7))
        certificate = Certificate(
            holder=person,
            kind=CertificateKind.SPECIAL_OPERATION,
            operation=person.position,
            issuing_authority="应急管理厅",
            issued_on=issued,
            review_due_on=add_years(issued, 3),
            expires_on=add_years(issued, 6),
        )
        # Numbered by the holder's ID number, as the cards are: stored masked.
        services.set_certificate_number(certificate, numbers[person.id_number_hash], {})
        certificate.copy_location()
        rows.append(certificate)
    bulk_create_with_history(rows, Certificate, batch_size=500)


# The kinds of drill that count for a unit's plans; 现场处置 drills have their own rule.
PLAN_DRILLS = [kind for kind in DrillKind.values if kind != DrillKind.ON_SITE]
SCENARIOS = ["储罐区泄漏", "车间火灾", "人员中毒窒息", "夜间疏散"]
ON_SITE_SCENARIOS = ["反应釜超温现场处置", "配电室起火现场处置", "有限空间作业中毒窒息现场处置"]


def _drills(enterprises, rng, today) -> None:
    rows = []
    for enterprise in enterprises:
        # Most units drilled recently; a fifth last drilled long ago (overdue).
        last = today - timedelta(days=rng.randint(20, 150 if rng.random() < 0.8 else 500))
        held = [(day, rng.choice(PLAN_DRILLS)) for day in (last, last - timedelta(days=170))]
        # On-site response drills every half year; a few units have let them lapse.
        on_site = today - timedelta(days=rng.randint(10, 160 if rng.random() < 0.85 else 300))
        held.append((on_site, DrillKind.ON_SITE))
        for held_on, kind in held:
            drill = Drill(
                enterprise=enterprise,
                org_unit=enterprise.org_unit,
                held_on=held_on,
                kind=kind,
                unscripted=rng.random() < 0.3,
                participants=rng.randint(15, 120),
                scenario=rng.choice(ON_SITE_SCENARIOS if kind == DrillKind.ON_SITE else SCENARIOS),
                evaluation="演练组织有序，响应及时。",
                plan_revision=rng.choice(["", "补充夜间值班人员联络方式", "调整疏散集合点"]),
            )
            drill.copy_location()
            rows.append(drill)
    bulk_create_with_history(rows, Drill, batch_size=500)


def _events(county, rng) -> None:
    rows = []
    for year in (2024, 2025):
        for kind, title, day in (
            (AwarenessKind.SAFETY_MONTH, "安全生产月", date(year, 6, 1)),
            (AwarenessKind.CONSULTATION_DAY, "安全宣传咨询日", date(year, 6, 16)),
            (AwarenessKind.FIRE_MONTH, "消防宣传月", date(year, 11, 1)),
        ):
            event = AwarenessEvent(
                org_unit=county,
                kind=kind,
                title=f"{county.name}{year}年{title}活动",
                held_on=day,
                reach=rng.randint(2000, 8000),
            )
            event.copy_location()
            rows.append(event)
    bulk_create_with_history(rows, AwarenessEvent, batch_size=100)
