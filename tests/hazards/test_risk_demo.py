"""The demo risks seed_demo adds: every colour and method, area risks, written once."""

from django.db.models import Count

from hazards.models import Risk
from hazards.risk_constants import RiskLevel, RiskMethod
from hazards.risk_demo import seed
from hazards.risk_levels import grade
from orgs.demo import DemoWorld, ensure_demo_users, ensure_enterprises, ensure_org_tree


def demo_world() -> DemoWorld:
    """The demo's places, enterprises and users, without the other apps' demo data."""
    world = DemoWorld()
    ensure_org_tree(world)
    ensure_enterprises(world)
    ensure_demo_users(world)
    return world


def test_the_demo_risks_cover_the_colours_and_are_written_once(db):
    world = demo_world()
    assert len(seed(world)) > 0
    risks = Risk.objects.all()
    assert risks.filter(enterprise__in=world.enterprises).count() >= 2 * len(world.enterprises)
    levels = dict(risks.values_list("level").annotate(n=Count("pk")))
    assert set(levels) == set(RiskLevel.values)
    assert set(risks.values_list("method", flat=True)) == set(RiskMethod.values)
    assert risks.filter(enterprise__isnull=True).exists()
    assert risks.filter(level=RiskLevel.MAJOR, is_public=True).exists()
    # Stored levels are what the grading gives for the stored inputs.
    for risk in risks[:50]:
        inputs = {
            name: getattr(risk, name)
            for name in ("lec_likelihood", "lec_exposure", "lec_consequence")
            if risk.method == RiskMethod.LEC
        } | {
            name: getattr(risk, name)
            for name in ("matrix_likelihood", "matrix_severity")
            if risk.method == RiskMethod.MATRIX
        }
        assert grade(risk.method, **inputs) == (risk.score, risk.level)
    assert Risk.history.count() >= risks.count()
    # The demo users see their part of it.
    assert Risk.objects.restrict(world.users["township_staff"], "view").exists()
    own = Risk.objects.restrict(world.users["enterprise_user"], "view")
    assert own.exists() and own.values("enterprise").distinct().count() == 1

    count = Risk.objects.count()
    assert seed(world) == []
    assert Risk.objects.count() == count
