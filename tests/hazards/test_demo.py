"""The demo ledger seed_demo adds: every status, channel and grade, and written once."""

from django.db.models import Count

from hazards.models import Escalation, Hazard, HazardNotice, HazardTransition
from orgs.demo import seed


def test_the_demo_ledger_covers_the_workflow_and_is_written_once(db):
    world = seed()
    hazards = Hazard.objects.filter(enterprise__in=world.enterprises)
    assert 300 <= hazards.count() <= 400

    def spread(field):
        return dict(hazards.values_list(field).annotate(n=Count("pk")))

    assert set(spread("status")) == set(Hazard.Status.values)
    assert set(spread("source")) == set(Hazard.Source.values)
    assert set(spread("grade")) == set(Hazard.Grade.values)
    assert hazards.filter(is_stock=True).exists() and hazards.filter(is_stock=False).exists()
    assert hazards.filter(listed_supervision=True).exists()
    assert hazards.filter(is_overdue=True).exists()
    # Every hazard has its timeline; major ones were notified; overdue ones escalated.
    assert not hazards.exclude(pk__in=HazardTransition.objects.values("hazard")).exists()
    assert HazardNotice.objects.filter(hazard__grade=Hazard.Grade.MAJOR).exists()
    assert Escalation.objects.filter(status=Escalation.Status.ISSUED).count() == 2
    assert Escalation.objects.filter(status=Escalation.Status.DISMISSED).count() == 1
    # The closed ones were verified by someone other than their reporter.
    closed = hazards.filter(status=Hazard.Status.CLOSED, verified_by__isnull=False)
    assert closed.exists()
    assert not [h for h in closed if h.verified_by_id == h.reported_by_id]
    # The demo users see their part of it.
    assert Hazard.objects.restrict(world.users["township_staff"], "view").exists()
    own = Hazard.objects.restrict(world.users["enterprise_user"], "view")
    assert own.exists() and own.values("enterprise").distinct().count() == 1

    count = hazards.count()
    seed()
    assert Hazard.objects.count() == count
