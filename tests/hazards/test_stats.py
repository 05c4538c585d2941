"""Statistics (hazards.stats) on a small ledger whose every figure is known."""

from datetime import date, datetime, time
from itertools import count

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hazards.models import Hazard
from hazards.stats import hazard_stats

TODAY = date(2025, 3, 31)
Status = Hazard.Status
_numbers = count(1)


def at(day):
    return timezone.make_aware(datetime.combine(day, time(10)))


def row(enterprise, found, status, grade=Hazard.Grade.MAJOR, **extra):
    for name in ("closed_at", "close_out_requested_at"):
        if isinstance(extra.get(name), date):
            extra[name] = at(extra[name])
    return Hazard.objects.create(
        ledger_number=f"T-{next(_numbers):06d}",
        enterprise=enterprise,
        org_unit=enterprise.org_unit,
        industry=enterprise.industry,
        grade=grade,
        source=Hazard.Source.SUPERVISION,
        description="测试隐患",
        found_date=found,
        status=status,
        **extra,
    )


@pytest.fixture
def ledger(world):
    zhaoxian, building, luoting = world.ent_zhaoxian, world.ent_zhaoxian_2, world.ent_luoting
    return [
        # 存量, closed out in 2024.
        row(zhaoxian, date(2023, 6, 1), Status.CLOSED, closed_at=date(2024, 10, 10)),
        # 存量, still rectifying past its deadline, 挂牌督办 by the county.
        row(
            zhaoxian,
            date(2023, 11, 20),
            Status.RECTIFYING,
            deadline=date(2025, 1, 31),
            listed_supervision=True,
            listed_level="county",
            listed_unit=world.wanli,
            listed_date=date(2024, 12, 1),
        ),
        # 增量, general, closed out in 2025.
        row(
            building,
            date(2024, 3, 1),
            Status.CLOSED,
            grade=Hazard.Grade.GENERAL,
            closed_at=date(2025, 2, 15),
        ),
        # Past its deadline, but the close-out was requested: not overdue.
        row(
            luoting,
            date(2024, 8, 1),
            Status.CLOSE_OUT_REQUESTED,
            deadline=date(2025, 2, 28),
            close_out_requested_at=date(2025, 3, 1),
        ),
        row(luoting, date(2025, 1, 10), Status.REPORTED, grade=Hazard.Grade.GENERAL),
        # Voided and elsewhere: not counted.
        row(luoting, date(2025, 2, 1), Status.REPORTED, is_void=True),
        row(world.ent_wannian, date(2024, 5, 1), Status.REPORTED),
    ]


def test_whole_period_for_the_county(world, ledger):
    stats = hazard_stats(Hazard.objects.all(), unit=world.wanli, today=TODAY)
    assert stats["period_end"] == TODAY
    assert stats["totals"] == {
        "found": 5,
        "major_found": 3,
        "rectified": 3,
        "rectification_rate": 60.0,
        "closed": 2,
        "open": 3,
        "major_open": 2,
        "overdue": 1,
        "listed_open": 1,
        "stock_total": 2,
        "stock_closed": 1,
        "stock_remaining": 1,
        "stock_remaining_at_target": 1,
        "increment_found": 3,
        "increment_closed": 1,
        "increment_open": 2,
    }
    regions = {r["name"]: r for r in stats["by_region"]}
    assert list(regions) == ["招贤镇", "罗亭镇", "太平镇"]
    assert (regions["招贤镇"]["found"], regions["招贤镇"]["open"]) == (3, 1)
    assert (regions["罗亭镇"]["found"], regions["罗亭镇"]["open"]) == (2, 2)
    assert regions["太平镇"]["found"] == 0 and regions["太平镇"]["rectification_rate"] is None
    industries = {r["name"]: r for r in stats["by_industry"]}
    assert industries["危险化学品"]["found"] == 4 and industries["建筑施工"]["found"] == 1
    cells = {(c["region_id"], c["industry_id"]): c["found"] for c in stats["cells"]}
    assert cells[(world.zhaoxian.pk, world.construction.pk)] == 1


def test_a_quarter(world, ledger):
    stats = hazard_stats(
        Hazard.objects.all(),
        unit=world.wanli,
        period_start=date(2025, 1, 1),
        period_end=date(2025, 3, 31),
        today=TODAY,
    )["totals"]
    assert (stats["found"], stats["closed"], stats["open"]) == (1, 1, 3)
    assert (stats["increment_found"], stats["increment_closed"]) == (1, 1)
    assert stats["rectified"] == 0 and stats["rectification_rate"] == 0.0


def test_as_at_the_stock_target(world, ledger):
    stats = hazard_stats(
        Hazard.objects.all(), unit=world.wanli, period_end=date(2024, 12, 31), today=TODAY
    )["totals"]
    assert (stats["found"], stats["closed"], stats["open"], stats["overdue"]) == (4, 1, 3, 0)
    assert stats["stock_remaining"] == 1
    # The target date is not past at the end of the period: no figure "at the target" yet.
    assert stats["stock_remaining_at_target"] is None


def test_a_township_has_only_its_own_level(world, ledger):
    stats = hazard_stats(Hazard.objects.all(), unit=world.zhaoxian, today=TODAY)
    assert stats["totals"]["found"] == 3
    assert [r["name"] for r in stats["by_region"]] == ["招贤镇本级"]


def test_a_sectoral_department_counts_its_industries(world, ledger):
    care = row(world.ent_xjj_care, date(2024, 6, 1), Status.REPORTED)
    row(world.ent_xjj_chem, date(2024, 6, 1), Status.REPORTED)
    stats = hazard_stats(Hazard.objects.all(), unit=world.xjj_mzj, today=TODAY)
    assert stats["totals"]["found"] == 1
    assert [r["name"] for r in stats["by_industry"]] == ["养老服务"]
    region = next(r for r in stats["by_region"] if r["found"])
    assert region["id"] == care.org_unit.pk


def test_the_restricted_queryset_bounds_the_figures(world, ledger):
    visible = Hazard.objects.restrict(world.township_staff, "view")
    assert hazard_stats(visible, unit=world.wanli, today=TODAY)["totals"]["found"] == 3


def test_one_grouped_query_whatever_the_ledger(world, ledger):
    with CaptureQueriesContext(connection) as few:
        hazard_stats(Hazard.objects.all(), unit=world.wanli, today=TODAY)
    for _ in range(30):
        row(world.ent_luoting, date(2024, 9, 1), Status.REPORTED)
    with CaptureQueriesContext(connection) as many:
        hazard_stats(Hazard.objects.all(), unit=world.wanli, today=TODAY)
    assert len(few) == len(many) == 3
    grouped = [q["sql"] for q in many.captured_queries if "GROUP BY" in q["sql"]]
    assert len(grouped) == 1
