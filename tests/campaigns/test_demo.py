"""The campaign part of seed_demo: the four-level cascade with reports in every state."""

from collections import Counter

from campaigns.models import Assignment, Checklist, Plan, ProgressReport, Slot, Task
from core.models import Notification
from orgs.demo import seed

MODELS = (Plan, Task, Assignment, Slot, ProgressReport, Checklist, Notification)


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def test_seed_demo_builds_the_cascade_once(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        seed()
    first = counts()
    with django_capture_on_commit_callbacks(execute=True):
        seed()
    assert counts() == first

    township = Plan.objects.get(org_unit__name="招贤镇")
    chain = []
    plan = township
    while plan is not None:
        chain.append((plan.org_unit.name, plan.status))
        plan = plan.parent
    assert chain == [
        ("招贤镇", "filed"),
        ("湾里管理局", "filed"),
        ("南昌市", "filed"),
        ("江西省", "issued"),
    ]
    # Fifteen tasks of the province, the city's own, the township's own.
    assert township.tasks.count() == 17 and township.tasks.filter(origin=None).count() == 1
    assert township.tasks.exclude(origin=None).first().lineage.count("/") == 3
    assert Counter(ProgressReport.objects.values_list("status", flat=True)) == {
        "accepted": 5,
        "returned": 1,
        "submitted": 2,
    }
    assert Assignment.objects.filter(status="done", org_unit__name="招贤镇").count() == 1
    assert Slot.objects.filter(status="open").exists()
    # The townships were told of the county's plan; the returned report's author of it.
    assert Notification.objects.filter(recipient__username="township_staff").count() >= 3
    ticked = Checklist.objects.get(org_unit__name="招贤镇").items.filter(done=True)
    assert ticked.count() == 2
