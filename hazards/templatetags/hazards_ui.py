"""Template helpers of the ledger pages: status colours, the ledger's own navigation, and
its card on the dashboard."""

from django import template
from django.db.models import Count, Q
from django.utils import timezone

from hazards import services
from hazards.constants import HazardAction
from hazards.filters import overdue_q
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


@register.inclusion_tag("hazards/_dashboard_card.html", takes_context=True)
def hazard_card(context):
    """The dashboard's ledger figures for the user's scope, each a link to its list: one
    query. The queues count what the user may act on (the same rules as the ledger's
    `queue` filter)."""
    user = context["request"].user
    scope = scope_for(user)

    def allowed(action):
        return Q() if user.is_superuser else scope.q_for(Hazard, action)

    counts = {
        "open": Q(status__in=services.OPEN_STATUSES),
        "overdue": overdue_q(timezone.localdate()),
        "listed": Q(listed_supervision=True, status__in=services.OPEN_STATUSES),
    }
    if (confirm := allowed(HazardAction.CONFIRM)) is not None:
        counts["to_confirm"] = Q(status=Hazard.Status.REPORTED) & confirm
    if (verify := allowed(HazardAction.VERIFY)) is not None:
        counts["to_verify"] = (
            Q(status=Hazard.Status.CLOSE_OUT_REQUESTED) & verify & ~Q(reported_by=user)
        )
    figures = (
        Hazard.objects.restrict(user, HazardAction.VIEW)
        .filter(is_void=False)
        .aggregate(**{name: Count("pk", filter=q) for name, q in counts.items()})
    )
    return {"figures": figures, "open_statuses": services.OPEN_STATUSES}
