"""The dashboard's campaign card: the user's units' tasks (how many late) and the progress
reports waiting for their review. The dashboard's view lives in orgs, which imports no domain
app; its template loads this tag instead."""

from django import template
from django.db.models import Count, Q
from django.utils import timezone

from campaigns.forms import own_units
from campaigns.models import Assignment, ProgressReport
from campaigns.views import late_assignment, reports_to_review
from orgs.constants import Action as ScopeAction
from orgs.views import scope_allows

register = template.Library()


@register.inclusion_tag("campaigns/_dashboard_card.html", takes_context=True)
def campaign_card(context):
    user = context["request"].user
    late = late_assignment(timezone.localdate()) & ~Q(status=Assignment.Status.DONE)
    tasks = (
        Assignment.objects.restrict(user, ScopeAction.VIEW)
        .filter(org_unit__in=own_units(user))
        .aggregate(total=Count("pk"), late=Count("pk", filter=late))
    )
    can_review = scope_allows(user, ProgressReport, ScopeAction.APPROVE)
    return {
        "tasks": tasks,
        "can_review": can_review,
        "to_review": reports_to_review(user).count() if can_review else 0,
    }
