"""Completion of plans across the levels below: counted in SQL, never row by row in Python.

A superior's task is copied down the levels (derive_plan): the province's task, the city's
copy of it, the county's copy of that… each assigned to the level below. The completion of a
task is therefore counted over the assignments of the task and of all its copies, selected by
one prefix match on `Task.lineage`, and grouped by which child of the unit in view each
assignment lies under: treebeard gives all children of a node paths of the same length, so
the child is the first `len(child.path)` characters of the assignment's `org_path`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Substr
from django.utils import timezone

from campaigns.models import Assignment, Plan, Slot, Task
from orgs.constants import Action as ScopeAction
from orgs.constants import Role
from orgs.models import OrgUnit
from orgs.scoping import scope_for


@dataclass(frozen=True)
class Completion:
    """Assignments under one subordinate unit (its whole subtree)."""

    org_unit: OrgUnit
    total: int = 0
    done: int = 0
    in_progress: int = 0
    late: int = 0  # with a slot past its due date and not accepted, whatever their status

    @property
    def pending(self) -> int:
        return self.total - self.done - self.in_progress

    @property
    def percent_done(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def lineage_q(plan_or_task: Plan | Task) -> Q:
    """Assignments of the task (or of every task of the plan) and of all their copies below."""
    if isinstance(plan_or_task, Task):
        tasks = [(plan_or_task.pk, plan_or_task.lineage)]
    else:
        tasks = list(plan_or_task.tasks.values_list("pk", "lineage"))
    q = Q(task_id__in=[pk for pk, _lineage in tasks])
    for pk, lineage in tasks:
        q |= Q(task__lineage__startswith=f"{lineage}{pk}/")
    return q


def late_q(today: date | None = None) -> Q:
    """A slot past its due date and not accepted."""
    return Q(due_date__lt=today or timezone.localdate()) & ~Q(status=Slot.Status.ACCEPTED)


def late_slots(queryset: QuerySet, today: date | None = None) -> QuerySet:
    return queryset.filter(late_q(today))


def completion_by_child(
    plan_or_task: Plan | Task, unit: OrgUnit, today: date | None = None, *, user=None
) -> list[Completion]:
    """For each child of `unit` (those `user` may see, when given), how the assignments of
    `plan_or_task` and its copies stand in the child's subtree; drill down by calling it
    again with a child. One query for the children and one for all the counts."""
    children = OrgUnit.objects.filter(parent=unit)
    if user is not None:
        children = children.restrict(user, ScopeAction.VIEW)
    children = list(children.order_by("path"))
    if not children:
        return []
    late = Exists(late_slots(Slot.objects.filter(assignment=OuterRef("pk")), today))
    rows = (
        Assignment.objects.filter(lineage_q(plan_or_task), org_path__startswith=unit.path)
        .exclude(org_path=unit.path)
        .annotate(child_path=Substr("org_path", 1, len(children[0].path)))
        .values("child_path")
        .annotate(
            total=Count("pk"),
            done=Count("pk", filter=Q(status=Assignment.Status.DONE)),
            in_progress=Count("pk", filter=Q(status=Assignment.Status.IN_PROGRESS)),
            late=Count("pk", filter=late),
        )
        .order_by()
    )
    counts = {row.pop("child_path"): row for row in rows}
    return [Completion(child, **counts.get(child.path, {})) for child in children]


def my_slots(user, today: date | None = None) -> QuerySet:
    """我的任务: for each assignment of the units the user reports for, its next slot to
    report on (the earliest open or returned one, overdue ones included), soonest first;
    `overdue` tells which are past their due date."""
    today = today or timezone.localdate()
    paths = [
        grant.subtree_path
        for grant in scope_for(user).grants
        if grant.role in (Role.STAFF, Role.ADMIN, Role.LEADER) and grant.subtree_path
    ]
    open_states = (Slot.Status.OPEN, Slot.Status.RETURNED)
    next_of_assignment = (
        Slot.objects.filter(assignment=OuterRef("assignment"), status__in=open_states)
        .order_by("due_date", "pk")
        .values("pk")[:1]
    )
    return (
        Slot.objects.restrict(user, ScopeAction.VIEW)
        .filter(org_path__in=paths, status__in=open_states, pk=Subquery(next_of_assignment))
        .annotate(overdue=ExpressionWrapper(Q(due_date__lt=today), output_field=BooleanField()))
        .select_related("assignment__task__plan", "org_unit")
        .order_by("due_date", "pk")
    )
