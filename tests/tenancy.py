"""What the generic tenancy suites need to know about each scoped model.

Every model reachable through an API route or an HTML page must be listed here with the
object that belongs to the sibling township (罗亭镇, township_staff_b's) and a text by which
it would show up in a page. A new route over an unlisted model fails the suite until it is
added here — which is the point: new routes cannot ship without isolation coverage.
"""

import importlib
from pathlib import Path

from campaigns.models import (
    Assignment,
    Checklist,
    ChecklistItem,
    Plan,
    ProgressAttachment,
    ProgressReport,
    Slot,
    Task,
)
from core.models import User
from hazards.models import Escalation, Hazard, HazardFile
from orgs.models import Enterprise, Membership, OrgUnit
from tests.campaigns.factories import campaign_world
from tests.hazards.factories import hazard_world
from tests.training.factories import training_world
from training.models import (
    AwarenessEvent,
    Certificate,
    Drill,
    DrillPhoto,
    Person,
    TrainingSession,
)

# model → (function world → the sibling township's object, function object → text in pages)
SIBLING_OBJECTS = {
    OrgUnit: (lambda w: w.luoting, lambda obj: obj.name),
    Enterprise: (lambda w: w.ent_luoting, lambda obj: obj.name),
    Membership: (
        lambda w: Membership.objects.get(user=w.township_staff_b),
        lambda obj: obj.user.username,
    ),
    User: (lambda w: w.township_staff_b, lambda obj: obj.username),
    # Campaigns (tests/campaigns/factories.py): 罗亭镇's derived plan, its own task, its
    # assignment and next slot of 湾里管理局's task, its report (with a photo) and checklist.
    Plan: (lambda w: campaign_world(w).sibling_plan, lambda obj: obj.title),
    Task: (lambda w: campaign_world(w).sibling_task, lambda obj: obj.text),
    Assignment: (lambda w: campaign_world(w).sibling_assignment, lambda obj: obj.org_unit.name),
    Slot: (lambda w: campaign_world(w).sibling_slot, lambda obj: obj.org_unit.name),
    ProgressReport: (lambda w: campaign_world(w).sibling_report, lambda obj: obj.text),
    ProgressAttachment: (
        lambda w: campaign_world(w).sibling_attachment,
        lambda obj: obj.report.text,
    ),
    Checklist: (lambda w: campaign_world(w).sibling_checklist, lambda obj: obj.title),
    ChecklistItem: (lambda w: campaign_world(w).sibling_item, lambda obj: obj.text),
    # Hazards (tests/hazards/factories.py): 罗亭镇's major hazard, its photo, its 函告.
    Hazard: (lambda w: hazard_world(w).sibling_hazard, lambda obj: obj.description),
    HazardFile: (lambda w: hazard_world(w).sibling_file, lambda obj: obj.original_name),
    Escalation: (
        lambda w: hazard_world(w).sibling_escalation,
        lambda obj: obj.hazard.description,
    ),
    # Training (tests/training/factories.py): 罗亭镇's principal, their session, licence,
    # drill and awareness event.
    TrainingSession: (lambda w: training_world(w).sibling_session, lambda obj: obj.title),
    Person: (lambda w: training_world(w).sibling_person, lambda obj: obj.name),
    Certificate: (lambda w: training_world(w).sibling_certificate, lambda obj: obj.number),
    Drill: (lambda w: training_world(w).sibling_drill, lambda obj: obj.scenario),
    AwarenessEvent: (lambda w: training_world(w).sibling_event, lambda obj: obj.title),
    DrillPhoto: (lambda w: training_world(w).sibling_photo, lambda obj: obj.original_name),
}


def _merge_app_registries():
    """Each app's tests may keep their own entries in tests/<app>/tenancy*.py, so that apps
    built side by side never edit one shared file: SIBLING_OBJECTS, UNSCOPED_API_ROUTES and
    UNSCOPED_PAGES found there are merged into the registries the generic suites read."""
    unscoped_api, unscoped_pages = {}, {}
    for module_path in sorted(Path(__file__).parent.glob("*/tenancy*.py")):
        name = ".".join(module_path.relative_to(Path(__file__).parent.parent).with_suffix("").parts)
        module = importlib.import_module(name)
        SIBLING_OBJECTS.update(getattr(module, "SIBLING_OBJECTS", {}))
        unscoped_api.update(getattr(module, "UNSCOPED_API_ROUTES", {}))
        unscoped_pages.update(getattr(module, "UNSCOPED_PAGES", {}))
    return unscoped_api, unscoped_pages


APP_UNSCOPED_API_ROUTES, APP_UNSCOPED_PAGES = _merge_app_registries()


def sibling_object(model, world):
    try:
        factory, _label = SIBLING_OBJECTS[model]
    except KeyError as missing:
        raise AssertionError(
            f"{model.__name__} has routes but no entry in tests/tenancy.py SIBLING_OBJECTS: "
            "add the sibling township's object so its isolation is tested."
        ) from missing
    return factory(world)


def sibling_label(model, world):
    factory, label = SIBLING_OBJECTS[model]
    return label(factory(world))
