"""Enterprise users are inspected, they never inspect: they read what concerns their own
enterprise and cannot add or change anything in the inspections app."""

import pytest

from inspections.models import (
    ChecklistResult,
    EnforcementAction,
    Inspection,
    InspectionTarget,
    RandomDraw,
    SpecialCampaign,
    SupervisionGroup,
    SupervisionSchedule,
)
from orgs.constants import Action
from tests.inspections.enforcement_factories import enforcement_world
from tests.inspections.factories import core_world

MODELS = [
    ChecklistResult,
    EnforcementAction,
    Inspection,
    InspectionTarget,
    RandomDraw,
    SpecialCampaign,
    SupervisionGroup,
    SupervisionSchedule,
]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
@pytest.mark.parametrize("action", [Action.ADD, Action.CHANGE, Action.DELETE])
def test_enterprise_users_may_not_write(world, model, action):
    core_world(world)
    enforcement_world(world)
    assert not model.objects.restrict(world.enterprise_user, action).exists()
    # The same rows are writable by the township's staff: the refusal is the role's.
    if action != Action.DELETE and model in (Inspection, EnforcementAction):
        assert model.objects.restrict(world.township_staff, action).exists()


def test_enterprise_users_read_the_actions_against_them_and_cannot_record_one(world, api_for):
    core = core_world(world)
    enforcement = enforcement_world(world)
    client = api_for(world.enterprise_user)
    actions = {row["id"] for row in client.get("/api/v1/enforcement-actions/").json()["results"]}
    assert enforcement.own_action.pk in actions
    assert enforcement.sibling_action.pk not in actions
    before = EnforcementAction.objects.count()
    response = client.post(
        "/api/v1/enforcement-actions/",
        {"inspection": core.own_inspection.pk, "kind": "rectify_order"},
        format="json",
    )
    assert response.status_code in (400, 403), response.content
    assert EnforcementAction.objects.count() == before


def test_the_hazard_page_links_back_to_the_inspection_that_found_it(world, client_for):
    core = core_world(world)
    hazard = core.own_inspection.results.get(hazard__isnull=False).hazard
    page = client_for(world.township_staff).get(hazard.get_absolute_url()).content.decode()
    assert core.own_inspection.get_absolute_url() in page
