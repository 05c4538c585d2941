"""The demo training data seed_demo adds: seed 004's figures from data, written once."""

from datetime import date

from django.urls import reverse

from orgs.demo import seed
from training.constants import CertificateKind, DrillKind
from training.models import Certificate, Drill, Person, TrainingSession
from training.stats import training_stats


def test_demo_produces_twelve_classes_of_two_thousand_and_is_written_once(db, client):
    world = seed()
    wanli = world.units["湾里管理局"]
    figures = training_stats(wanli, date(2024, 1, 1), date(2024, 12, 31))
    assert figures["sessions"] == 12
    assert figures["attendance"] > 2000
    # Seed 004's sentence, as the county's leader reads it on the statistics page.
    client.force_login(world.users["county_official"])
    page = client.get(
        reverse("training:stats"),
        {"unit": wanli.pk, "period_start": "2024-01-01", "period_end": "2024-12-31"},
    ).content.decode()
    assert f"共举办培训班12期，培训{figures['attendance']}人次" in page
    # Special-operation licences are numbered by their holders' ID numbers: stored masked.
    licences = Certificate.objects.filter(kind=CertificateKind.SPECIAL_OPERATION)
    assert licences.exists() and not licences.filter(number_encrypted="").exists()
    assert all(number.startswith("*" * 14) for number in licences.values_list("number", flat=True))
    # Units are checked against both drill requirements; some lapse on either.
    assert Drill.objects.within(wanli).filter(kind=DrillKind.ON_SITE).exists()
    drills = training_stats(wanli, date(2024, 1, 1), date.today())["drills"]
    assert drills["on_site_overdue"] and drills["overdue"] > drills["on_site_overdue"]
    assert figures["key_group_coverage"]["covered"] > 0
    certificates = training_stats(wanli, date(2024, 1, 1), date.today())["certificates"]
    assert certificates["valid"] and certificates["review_due"] and certificates["expired"]
    assert Drill.objects.within(wanli).exists()
    # The demo users see their part of it.
    assert TrainingSession.objects.restrict(world.users["township_staff"], "view").exists() is False
    assert Person.objects.restrict(world.users["township_staff"], "view").exists()

    counts = (TrainingSession.objects.count(), Person.objects.count(), Certificate.objects.count())
    seed()
    assert counts == (
        TrainingSession.objects.count(),
        Person.objects.count(),
        Certificate.objects.count(),
    )
