"""Report data on top of the `world` fixture: a generated ledger and accident register whose
every figure the tests recompute in Python, and a ranking scheme per place.

`province_data(w)` writes seeded-random hazards and accidents over 江西省's regions (including
rows located at a county, not a township); `reports_world(w)` (fixture-free, for the tenancy
registry) builds the rollups and gives 招贤镇 and 罗亭镇 each a ranking scheme whose name says
the township (written directly: a township has no subordinate regions to rank, the services
refuse it), and 罗亭镇's staff a job.
"""

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from itertools import count
from types import SimpleNamespace

from django.utils import timezone

from accidents.models import Accident
from hazards.models import Hazard
from orgs.constants import Level
from orgs.models import Enterprise
from reports import rollups
from reports.models import Job, RankingScheme, Rollup, RollupGeneration, RollupState

AS_OF = date(2026, 5, 20)
_numbers = count(1)


def at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _day(rng, start=date(2024, 6, 1), end=AS_OF + timedelta(days=20)) -> date:
    return start + timedelta(days=rng.randrange((end - start).days + 1))


def province_data(w, hazards=160, accidents=40, seed=8):
    """Rows over 江西省; returns (hazards, accidents). Some are dated after AS_OF on purpose."""
    rng = random.Random(seed)
    county_enterprise = Enterprise.objects.create(
        name="湾里管理局直管化工厂",
        credit_code="91360105MA00000X1",
        org_unit=w.wanli,
        industry=w.construction,
        principal_name="王五",
        principal_phone="13800000001",
    )
    enterprises = [
        w.ent_zhaoxian,
        w.ent_zhaoxian_2,
        w.ent_luoting,
        w.ent_wannian,
        county_enterprise,
    ]
    made = []
    for _ in range(hazards):
        enterprise = rng.choice(enterprises)
        found = _day(rng)
        status = rng.choice(list(Hazard.Status.values))
        closed = found + timedelta(days=rng.randrange(0, 120)) if status == "closed" else None
        requested = (
            found + timedelta(days=rng.randrange(0, 60))
            if status in ("close_out_requested", "closed")
            else None
        )
        if requested and closed and requested > closed:
            requested = closed
        listed = rng.random() < 0.2
        made.append(
            Hazard.objects.create(
                ledger_number=f"R-{next(_numbers):06d}",
                enterprise=enterprise,
                org_unit=enterprise.org_unit,
                industry=enterprise.industry,
                grade=rng.choice(list(Hazard.Grade.values)),
                source=Hazard.Source.SUPERVISION,
                description="测试隐患",
                found_date=found,
                deadline=found + timedelta(days=rng.randrange(10, 90))
                if rng.random() < 0.9
                else None,
                status=status,
                closed_at=at(closed, rng.choice([0, 10, 23])) if closed else None,
                close_out_requested_at=at(requested) if requested else None,
                listed_supervision=listed,
                listed_level=Level.COUNTY if listed else "",
                listed_date=found + timedelta(days=5) if listed else None,
                is_void=rng.random() < 0.05,
            )
        )
    made_accidents = []
    for n in range(accidents):
        enterprise = rng.choice(enterprises)
        deaths = rng.choice([0, 0, 1, 1, 2, 3, 10])
        made_accidents.append(
            Accident.objects.create(
                org_unit=enterprise.org_unit,
                enterprise=enterprise,
                industry=enterprise.industry,
                title=f"测试事故{n}",
                occurred_at=at(_day(rng), rng.choice([0, 9, 23])),
                kind="fire",
                deaths=deaths,
                serious_injuries=rng.randrange(0, 3),
                injuries=rng.randrange(0, 5),
                direct_loss=Decimal(rng.randrange(0, 200000)) / 100,
                grade="general" if deaths < 3 else ("larger" if deaths < 10 else "major"),
            )
        )
    return made, made_accidents


def reports_world(w):
    if getattr(w, "rollup_data", None) is not None:
        return w.rollup_data
    r = SimpleNamespace()
    province_data(w, hazards=30, accidents=6)
    r.generation = rollups.build(as_of=AS_OF)
    for name, unit in (("own", w.zhaoxian), ("sibling", w.luoting)):
        setattr(
            r,
            f"{name}_scheme",
            RankingScheme.objects.create(
                name=f"{unit.name}村组赛马",
                org_unit=unit,
                ranked_level=Level.TOWNSHIP,
                weights=[{"metric": "hazards_closed", "weight": 1, "direction": "higher"}],
            ),
        )
    r.sibling_job = Job.objects.create(
        kind=Job.Kind.ROLLUP_REBUILD,
        owner=w.township_staff_b,
        org_unit=w.luoting,
        message="罗亭镇的重算任务",
    )
    w.rollup_data = r
    return r


def ready_generation(as_of: date) -> RollupGeneration:
    """An empty generation swapped in, for tests that set figures by hand."""
    generation = RollupGeneration.objects.create(
        kind=RollupGeneration.Kind.ON_DEMAND, status=RollupGeneration.Status.READY, as_of=as_of
    )
    RollupState.objects.update_or_create(
        pk=RollupState.SINGLETON_ID, defaults={"current": generation}
    )
    return generation


def set_figures(generation, unit, period, **values) -> None:
    """Subtree figures of `unit` for `period` (metric=value keyword arguments)."""
    Rollup.objects.bulk_create(
        Rollup(
            generation=generation,
            org_unit=unit,
            org_path=unit.path,
            province_id=unit.province_id,
            city_id=unit.city_id,
            county_id=unit.county_id,
            township_id=unit.township_id,
            period_kind=period.kind,
            period_start=period.start,
            period_end=period.end,
            metric=metric,
            subtree_value=value,
        )
        for metric, value in values.items()
    )
