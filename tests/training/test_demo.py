"""The demo training data seed_demo adds: seed 004's figures from data, written once."""

from datetime import date

from orgs.demo import seed
from training.models import Certificate, Drill, Person, TrainingSession
from training.stats import training_stats


def test_demo_produces_twelve_classes_of_two_thousand_and_is_written_once(db):
    world = seed()
    wanli = world.units["湾里管理局"]
    figures = training_stats(wanli, date(2024, 1, 1), date(2024, 12, 31))
    assert figures["sessions"] == 12
    assert figures["attendance"] > 2000
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
