"""赛马 scores: normalisation in each direction, weights, ties, 一票否决 and 先进."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accidents.models import Accident
from orgs.constants import Level
from reports import rankings
from reports.models import RankingScheme
from tests.reports.factories import ready_generation, set_figures

pytestmark = pytest.mark.django_db
Q1 = rankings.quarter(2026, 1)


def scheme(world, weights, advanced=1):
    return RankingScheme.objects.create(
        name="湾里管理局乡镇赛马",
        org_unit=world.wanli,
        ranked_level=Level.TOWNSHIP,
        weights=rankings.validate_weights(weights),
        advanced_count=advanced,
    )


def figures(world, **by_town):
    generation = ready_generation(as_of=date(2026, 3, 31))
    for town, values in by_town.items():
        set_figures(generation, getattr(world, town), Q1, **values)


def by_name(ranking):
    return {row.unit.name: row for row in ranking.rows}


def test_scores_normalise_each_metric_in_its_direction(world):
    figures(
        world,
        zhaoxian={"hazards_closed": 10, "hazards_overdue": 4},
        luoting={"hazards_closed": 30, "hazards_overdue": 0},
        taiping={"hazards_closed": 20, "hazards_overdue": 2},
    )
    ranking = rankings.compute(
        scheme(
            world,
            [
                {"metric": "hazards_closed", "weight": 3, "direction": "higher"},
                {"metric": "hazards_overdue", "weight": 1, "direction": "lower"},
            ],
        ),
        Q1,
    )
    rows = by_name(ranking)
    assert rows["罗亭镇"].score == Decimal("100.00")
    assert rows["招贤镇"].score == Decimal("0.00")
    # closed: (20−10)/(30−10) = 50; overdue: (4−2)/(4−0) = 50 → (3×50 + 1×50) / 4.
    assert rows["太平镇"].score == Decimal("50.00")
    assert [row.unit.name for row in ranking.rows] == ["罗亭镇", "太平镇", "招贤镇"]
    assert [row.rank for row in ranking.rows] == [1, 2, 3]
    assert [row.advanced for row in ranking.rows] == [True, False, False]


def test_ties_share_a_rank_and_the_next_rank_skips(world):
    figures(
        world,
        zhaoxian={"drills": 5},
        luoting={"drills": 5},
        taiping={"drills": 1},
    )
    ranking = rankings.compute(scheme(world, [{"metric": "drills", "weight": 1}], advanced=1), Q1)
    rows = by_name(ranking)
    assert rows["招贤镇"].rank == rows["罗亭镇"].rank == 1
    assert rows["太平镇"].rank == 3
    # Tied at the last 先进 place: both are 先进.
    assert rows["招贤镇"].advanced and rows["罗亭镇"].advanced and not rows["太平镇"].advanced


def test_all_equal_scores_everyone_full_marks(world):
    figures(world)
    ranking = rankings.compute(scheme(world, [{"metric": "drills", "weight": 1}], advanced=3), Q1)
    assert {row.score for row in ranking.rows} == {Decimal("100.00")}
    assert {row.rank for row in ranking.rows} == {1}


def test_a_larger_accident_vetoes_the_unit(world):
    figures(
        world,
        zhaoxian={"hazards_closed": 30},
        luoting={"hazards_closed": 20},
        taiping={"hazards_closed": 10},
    )
    Accident.objects.create(
        org_unit=world.zhaoxian,
        industry=world.chemicals,
        title="招贤镇较大事故",
        occurred_at=timezone.make_aware(datetime(2026, 2, 3, 9)),
        kind="fire",
        deaths=3,
        grade="larger",
    )
    ranking = rankings.compute(
        scheme(world, [{"metric": "hazards_closed", "weight": 1}], advanced=1), Q1
    )
    rows = by_name(ranking)
    assert rows["招贤镇"].rank == 1 and rows["招贤镇"].vetoed and not rows["招贤镇"].advanced
    assert rows["罗亭镇"].advanced and not rows["罗亭镇"].vetoed
    assert "一票否决" in ranking.formula


def test_weights_are_validated():
    with pytest.raises(ValidationError):
        rankings.validate_weights([])
    with pytest.raises(ValidationError):
        rankings.validate_weights([{"metric": "drills", "weight": "abc"}])
    with pytest.raises(ValidationError):
        rankings.validate_weights(
            [{"metric": "drills", "weight": 1}, {"metric": "drills", "weight": 2}]
        )
    with pytest.raises(ValidationError):
        rankings.validate_weights([{"metric": "drills", "weight": 1, "direction": "up"}])
    assert rankings.validate_weights([{"metric": "accidents", "weight": "2.5"}]) == [
        {"metric": "accidents", "weight": 2.5, "direction": "lower"}
    ]


def test_quarter_from_query():
    assert rankings.period_from_query({}, today=date(2026, 5, 20)) == rankings.quarter(2026, 1)
    assert rankings.period_from_query({}, today=date(2026, 1, 5)) == rankings.quarter(2025, 4)
    assert rankings.period_from_query({"year": "2025", "quarter": "3"}).start == date(2025, 7, 1)
    with pytest.raises(ValidationError):
        rankings.period_from_query({"year": "x"})
    with pytest.raises(ValidationError):
        rankings.period_from_query({"quarter": "5"})
