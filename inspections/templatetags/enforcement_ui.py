"""The enforcement section of an inspection's page: the actions taken at it (one query) and
the way to record one."""

from django import template

from inspections.models import EnforcementAction, Inspection
from orgs.constants import Action
from orgs.views import scope_allows

register = template.Library()


@register.inclusion_tag("inspections/enforcement_section.html", takes_context=True)
def enforcement_section(context, inspection):
    user = context["request"].user
    actions = (
        EnforcementAction.objects.restrict(user, Action.VIEW)
        .filter(inspection=inspection)
        .select_related("enterprise")
        .order_by("decided_on", "id")
    )
    return {
        "inspection": inspection,
        "actions": list(actions),
        "can_add": inspection.status == Inspection.Status.SUBMITTED
        and scope_allows(user, EnforcementAction, Action.ADD),
    }
