"""The demo's citizens' reports: every stage, verified ones in the ledger, written once."""

from django.db.models import Count

from hazards.models import Hazard, PublicReport, ReporterIdentity
from orgs.demo import seed


def test_the_demo_reports_cover_every_stage_and_are_written_once(db):
    world = seed()
    reports = PublicReport.objects.all()
    assert reports.count() == 36
    stages = dict(reports.values_list("status").annotate(n=Count("pk")))
    assert set(stages) == set(PublicReport.Status.values)
    verified = reports.filter(status=PublicReport.Status.VERIFIED)
    assert not verified.filter(hazard__isnull=True).exists()
    assert Hazard.objects.filter(
        source=Hazard.Source.PUBLIC_REPORT, public_report__isnull=False
    ).exists()
    assert reports.filter(reward_decided_on__isnull=False).exists()
    assert not reports.filter(status=PublicReport.Status.UNFOUNDED, unfounded_reason="").exists()
    # Some reporters left a name, some stayed anonymous.
    named = ReporterIdentity.objects.count()
    assert 0 < named < reports.count()
    # The county's leader holds the grant to see who reported; the township's staff do not.
    assert world.users["county_official"].has_perm("hazards.view_reporter_identity")
    assert not world.users["township_staff"].has_perm("hazards.view_reporter_identity")
    assert PublicReport.objects.restrict(world.users["township_staff"]).exists()

    seed()
    assert PublicReport.objects.count() == 36 and ReporterIdentity.objects.count() == named
