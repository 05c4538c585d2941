"""Tenancy registry entries of enforcement actions, special campaigns and 双随机 draws (merged
by tests/tenancy.py): 罗亭镇's objects from tests/inspections/enforcement_factories.py."""

from inspections.models import EnforcementAction, RandomDraw, SpecialCampaign
from tests.inspections.enforcement_factories import enforcement_world

SIBLING_OBJECTS = {
    EnforcementAction: (lambda w: enforcement_world(w).sibling_action, lambda obj: obj.reason),
    SpecialCampaign: (lambda w: enforcement_world(w).sibling_campaign, lambda obj: obj.name),
    RandomDraw: (lambda w: enforcement_world(w).sibling_draw, lambda obj: obj.title),
}

UNSCOPED_API_ROUTES = {
    # Figures, not objects: computed from restricted querysets, their isolation tested in
    # tests/inspections/test_stats.py.
    "api/v1/inspections/stats/": "figures of restricted rows (tests/inspections/test_stats.py)",
}
