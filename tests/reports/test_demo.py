"""The reports demo: ranking schemes that rank, and rollups of the whole seeded demo."""

from hazards.models import Hazard
from orgs.demo import seed
from reports import rankings, rollups
from reports.models import PeriodKind, RankingScheme, Rollup


def test_demo_schemes_and_rollups(db):
    world = seed()
    schemes = RankingScheme.objects.order_by("name")
    assert schemes.count() == 2
    generation = rollups.current_generation()
    assert generation is not None and generation.row_count > 0
    province = world.units["江西省"]
    ytd = rollups.period_for(PeriodKind.YTD, generation.as_of)
    found = Rollup.objects.current().get(
        org_unit=province,
        period_kind=ytd.kind,
        period_start=ytd.start,
        period_end=ytd.end,
        metric="hazards_open",
        industry=None,
    )
    open_now = (
        Hazard.objects.filter(org_path__startswith=province.path, is_void=False)
        .exclude(status=Hazard.Status.CLOSED)
        .count()
    )
    assert found.subtree_value == open_now
    scheme = schemes.get(org_unit=world.units["湾里管理局"])
    ranking = rankings.compute(scheme, rankings.period_from_query({}))
    assert len(ranking.rows) == 5 and ranking.rows[0].rank == 1

    # A second seed adds no scheme and rebuilds the same figures.
    before = set(
        Rollup.objects.current().values_list("org_unit", "metric", "period_start", "subtree_value")
    )
    seed()
    assert RankingScheme.objects.count() == 2
    after = set(
        Rollup.objects.current().values_list("org_unit", "metric", "period_start", "subtree_value")
    )
    assert after == before
