"""The demo accidents behind `manage.py seed_demo` (receiver of orgs.demo.demo_seeded).

For each demo county: last year's accidents over the whole year and this year's up to the
day before yesterday (so every report is made), fewer of them, so that the year-on-year
figures the dashboards and bulletins print ("比上年同期少…起，下降…%") are meaningful.
Most are 一般; one county has a 较大 accident each year (一票否决 for the rankings), some
are road traffic accidents, a few were reported late, last year's are closed and this
year's partly still under investigation.

Generated from random.Random(2025), so every run builds the same data, and written once: a
second seed_demo finds the demo counties' accidents and adds nothing.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from accidents.constants import (
    REQUIRED_REPORT_LEVELS,
    Category,
    Grade,
    InvestigationStatus,
    Kind,
)
from accidents.models import Accident
from accidents.services import grade_for
from orgs.constants import Level
from orgs.models import OrgUnit

# Accidents per county: last year's whole year, this year's whole-year pace (fewer).
LAST_YEAR_RANGE = (9, 13)
THIS_YEAR_RANGE = (5, 8)
KINDS = [
    Kind.STRUCK_BY_OBJECT,
    Kind.MACHINERY,
    Kind.FALL,
    Kind.COLLAPSE,
    Kind.ELECTROCUTION,
    Kind.POISONING,
    Kind.FIRE,
    Kind.LIFTING,
    Kind.OTHER_EXPLOSION,
]
NARRATIVES = {
    Kind.STRUCK_BY_OBJECT: "作业中物料坠落击中作业人员。",
    Kind.MACHINERY: "设备检修未停机断电，作业人员被卷入。",
    Kind.FALL: "脚手架作业未系安全带，作业人员坠落。",
    Kind.COLLAPSE: "基坑边坡未按方案支护，发生局部坍塌。",
    Kind.ELECTROCUTION: "临时用电线路破损，作业人员触电。",
    Kind.POISONING: "有限空间作业未检测通风，作业人员中毒窒息。",
    Kind.FIRE: "仓库电气线路短路引发火灾。",
    Kind.LIFTING: "起重作业吊索断裂，吊物坠落。",
    Kind.OTHER_EXPLOSION: "反应釜超温超压发生爆炸。",
    Kind.VEHICLE: "运输车辆在道路上与对向车辆相撞。",
}


def on_demo_seeded(sender, world, stdout=None, **kwargs):
    """Receiver of orgs.demo.demo_seeded (connected in AccidentsConfig.ready)."""
    accidents = seed(world)
    if stdout is not None and accidents:
        stdout.write(f"事故演示数据：{len(accidents)}起事故（今年与上年同期可比）。")


def seed(world, today: date | None = None) -> list[Accident]:
    today = today or timezone.localdate()
    counties = list(
        OrgUnit.objects.filter(
            level=Level.COUNTY, pk__in={e.county_id for e in world.enterprises}
        ).order_by("path")
    )
    if not counties or Accident.objects.filter(county__in=counties).exists():
        return []
    rng = random.Random(2025)
    units = OrgUnit.objects.in_bulk({e.org_unit_id for e in world.enterprises})
    rows = []
    for index, county in enumerate(counties):
        enterprises = [e for e in world.enterprises if e.county_id == county.pk]
        for year, (low, high) in (
            (today.year - 1, LAST_YEAR_RANGE),
            (today.year, THIS_YEAR_RANGE),
        ):
            first = date(year, 1, 1)
            last = date(year, 12, 31) if year < today.year else today - timedelta(days=2)
            # This year's count is its whole-year pace, prorated to the days gone.
            count = rng.randint(low, high)
            if year == today.year:
                count = max(1, round(count * ((last - first).days + 1) / 365))
            days = sorted(rng.randint(0, (last - first).days) for _ in range(count))
            for number, offset in enumerate(days):
                # The first county's first accident of each year is 较大 (一票否决).
                larger = index == 0 and number == 0
                enterprise = rng.choice(enterprises)
                rows.append(
                    _accident(
                        rng,
                        enterprise,
                        units[enterprise.org_unit_id],
                        first + timedelta(days=offset),
                        larger,
                        year < today.year,
                    )
                )
    for row in rows:
        row.copy_location()
    return bulk_create_with_history(rows, Accident, batch_size=500)


def _accident(rng, enterprise, unit, day, larger, closed) -> Accident:
    road = rng.random() < 0.15
    kind = Kind.VEHICLE if road else rng.choice(KINDS)
    deaths = rng.choice([3, 4]) if larger else rng.choice([0, 0, 1, 1, 1, 2])
    serious = rng.randint(0, 3)
    loss = Decimal(rng.randint(500, 1500 if larger else 30000)) / 100 + deaths * Decimal(120)
    occurred = timezone.make_aware(
        datetime.combine(day, time(rng.randint(6, 21), rng.choice([0, 15, 30, 45])))
    )
    grade = grade_for(deaths, serious, loss)
    # About one in eight units reports after the hour.
    unit_delay = timedelta(
        minutes=rng.randint(65, 150) if rng.random() < 0.125 else rng.randint(15, 55)
    )
    times = {"unit_reported_at": occurred + unit_delay}
    previous = times["unit_reported_at"]
    for level in REQUIRED_REPORT_LEVELS[grade]:
        previous += timedelta(minutes=rng.randint(20, 110))
        times[f"{level}_reported_at"] = previous
    label = Kind(kind).label
    return Accident(
        title=f"{enterprise.name}“{day.month}·{day.day}”{Grade(grade).label[:-2]}{label}事故",
        occurred_at=occurred,
        org_unit=unit,
        enterprise=enterprise,
        industry_id=enterprise.industry_id,
        category=Category.ROAD_TRAFFIC if road else Category.PRODUCTION,
        kind=kind,
        place=unit.name,
        deaths=deaths,
        serious_injuries=serious,
        injuries=rng.randint(0, 4),
        direct_loss=loss,
        grade=grade,
        narrative=NARRATIVES[kind],
        investigation_status=InvestigationStatus.CLOSED
        if closed or rng.random() < 0.4
        else InvestigationStatus.INVESTIGATING,
        listed_supervision=larger,
        **times,
    )
