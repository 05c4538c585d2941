"""Template helpers of the ledger pages: status colours and the ledger's own navigation."""

from django import template

from hazards import services
from hazards.constants import HazardAction
from hazards.models import Escalation, Hazard
from orgs.scoping import scope_for

register = template.Library()

STATUS_CSS = {
    Hazard.Status.REPORTED: "text-bg-secondary",
    Hazard.Status.CONFIRMED: "text-bg-primary",
    Hazard.Status.RECTIFYING: "text-bg-warning",
    Hazard.Status.CLOSE_OUT_REQUESTED: "text-bg-info",
    Hazard.Status.CLOSED: "text-bg-success",
}


@register.filter
def status_css(status) -> str:
    return STATUS_CSS.get(status, "text-bg-light")


@register.inclusion_tag("hazards/_subnav.html", takes_context=True)
def hazard_subnav(context):
    """The ledger's pages the user has a use for; read from the compiled scope, no query."""
    request = context["request"]
    user = request.user
    scope = scope_for(user)

    def holds(model, action):
        return user.is_superuser or scope.q_for(model, action) is not None

    return {
        "view_name": request.resolver_match.view_name,
        "can_add": holds(Hazard, HazardAction.ADD),
        "can_verify": holds(Hazard, HazardAction.VERIFY),
        "is_official": not services.is_enterprise_user(user),
        "can_see_escalations": holds(Escalation, HazardAction.VIEW),
    }
