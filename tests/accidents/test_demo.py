"""The demo accidents seed_demo adds: comparable years, a veto, written once."""

from datetime import date

from django.db.models import Count

from accidents import demo
from accidents.constants import Grade
from accidents.filters import period_bounds
from accidents.models import Accident
from accidents.services import is_late, vetoed_unit_ids
from orgs.demo import (
    DemoWorld,
    demo_seeded,
    ensure_demo_users,
    ensure_enterprises,
    ensure_org_tree,
)


def demo_world() -> DemoWorld:
    """seed_demo's governance data, without the other apps' receivers (tested by them)."""
    world = DemoWorld()
    ensure_org_tree(world)
    ensure_enterprises(world)
    ensure_demo_users(world)
    return world


def test_seed_demo_runs_the_accident_demo():
    # Connected in AccidentsConfig.ready under its dispatch_uid.
    assert any(key[0] == "accidents.demo" for key, *_ in demo_seeded.receivers)


def test_demo_years_compare_and_are_written_once(db):
    world = demo_world()
    demo.seed(world)
    this_year = date.today().year
    wanli = world.units["湾里管理局"]
    start, end = period_bounds(str(this_year))
    last_start, last_end = period_bounds(str(this_year - 1))
    this = Accident.objects.filter(occurred_at__gte=start, occurred_at__lt=end)
    last = Accident.objects.filter(occurred_at__gte=last_start, occurred_at__lt=last_end)
    assert this.exists() and last.count() > this.count()
    # Every demo county has accidents in both years, and the grade is the statute's.
    counties = {e.county_id for e in world.enterprises}
    assert set(this.values_list("county", flat=True)) == counties
    assert set(last.values_list("county", flat=True)) == counties
    grades = dict(Accident.objects.values_list("grade").annotate(n=Count("pk")))
    assert grades[Grade.GENERAL] > grades.get(Grade.LARGER, 0) >= 2
    assert vetoed_unit_ids(this_year) and vetoed_unit_ids(this_year - 1)
    accidents = list(Accident.objects.all())
    assert any(is_late(a) for a in accidents) and not all(is_late(a) for a in accidents)
    assert all(a.history.exists() for a in accidents[:5])
    # The demo users see their part.
    county_official = world.users["county_official"]
    visible = Accident.objects.restrict(county_official, "view").filter(county=wanli)
    assert visible.count() == Accident.objects.filter(county=wanli).count()

    count = Accident.objects.count()
    assert demo.seed(world) == []
    assert demo.seed(demo_world()) == []
    assert Accident.objects.count() == count
