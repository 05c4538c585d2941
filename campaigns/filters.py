"""Filters of the campaigns API: by org unit (own or subtree), status, plan, campaign, due
dates and lateness. Every choice of a plan, task or unit is restricted to the user's scope, so
an id out of scope is refused exactly like one that does not exist."""

import django_filters
from django.db.models import Exists, F, OuterRef
from django.utils.translation import gettext_lazy as _

from campaigns.models import (
    Assignment,
    Campaign,
    Checklist,
    Plan,
    ProgressReport,
    Recurrence,
    Slot,
    Task,
)
from campaigns.stats import late_q, late_slots
from orgs.constants import Action
from orgs.filters import WithinFilter, scoped_org_units


def _scoped(model):
    def queryset(request):
        if request is None:
            return model.objects.none()
        return model.objects.restrict(request.user, Action.VIEW)

    return queryset


def _plans(field_name="plan"):
    return django_filters.ModelChoiceFilter(
        field_name=field_name, queryset=_scoped(Plan), label=_("方案")
    )


def _campaigns(field_name):
    return django_filters.ModelChoiceFilter(
        field_name=field_name, queryset=Campaign.objects.all(), label=_("专项行动")
    )


def _org_units():
    return django_filters.ModelChoiceFilter(queryset=scoped_org_units, label=_("所属单位"))


class PlanFilter(django_filters.FilterSet):
    org_unit = _org_units()
    within = WithinFilter()
    status = django_filters.ChoiceFilter(choices=Plan.Status.choices, label=_("状态"))
    campaign = _campaigns("campaign")
    parent = _plans("parent")
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label=_("名称"))

    class Meta:
        model = Plan
        fields = ["org_unit", "within", "status", "campaign", "parent", "q"]


class TaskFilter(django_filters.FilterSet):
    plan = _plans()
    org_unit = _org_units()
    within = WithinFilter()
    campaign = _campaigns("plan__campaign")
    recurrence = django_filters.ChoiceFilter(choices=Recurrence.choices, label=_("周期"))
    due_before = django_filters.DateFilter(
        field_name="deadline", lookup_expr="lte", label=_("完成时限不晚于")
    )
    due_after = django_filters.DateFilter(
        field_name="deadline", lookup_expr="gte", label=_("完成时限不早于")
    )
    origin_changed = django_filters.BooleanFilter(method="filter_origin_changed")
    q = django_filters.CharFilter(field_name="text", lookup_expr="icontains", label=_("任务内容"))

    class Meta:
        model = Task
        fields = ["plan", "org_unit", "within", "campaign", "recurrence", "q"]

    def filter_origin_changed(self, queryset, name, value):
        """Copies whose superior task changed since they were last reconciled (or not)."""
        changed = {"origin__version__gt": F("origin_version_seen")}
        return queryset.filter(**changed) if value else queryset.exclude(**changed)


class OverdueFilterMixin(django_filters.FilterSet):
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("已逾期"))

    def filter_overdue(self, queryset, name, value):
        late = self.late_condition()
        return queryset.filter(late) if value else queryset.exclude(late)


class AssignmentFilter(OverdueFilterMixin):
    plan = _plans("task__plan")
    task = django_filters.ModelChoiceFilter(queryset=_scoped(Task), label=_("任务"))
    org_unit = _org_units()
    within = WithinFilter()
    campaign = _campaigns("task__plan__campaign")
    status = django_filters.ChoiceFilter(choices=Assignment.Status.choices, label=_("状态"))

    class Meta:
        model = Assignment
        fields = ["plan", "task", "org_unit", "within", "campaign", "status", "overdue"]

    def late_condition(self):
        return Exists(late_slots(Slot.objects.filter(assignment=OuterRef("pk"))))


class SlotFilter(OverdueFilterMixin):
    plan = _plans("assignment__task__plan")
    task = django_filters.ModelChoiceFilter(
        field_name="assignment__task", queryset=_scoped(Task), label=_("任务")
    )
    assignment = django_filters.ModelChoiceFilter(queryset=_scoped(Assignment), label=_("任务分派"))
    org_unit = _org_units()
    within = WithinFilter()
    campaign = _campaigns("assignment__task__plan__campaign")
    status = django_filters.ChoiceFilter(choices=Slot.Status.choices, label=_("状态"))
    due_before = django_filters.DateFilter(
        field_name="due_date", lookup_expr="lte", label=_("报送期限不晚于")
    )
    due_after = django_filters.DateFilter(
        field_name="due_date", lookup_expr="gte", label=_("报送期限不早于")
    )

    class Meta:
        model = Slot
        fields = ["plan", "task", "assignment", "org_unit", "within", "campaign", "status"]

    def late_condition(self):
        return late_q()


class ProgressReportFilter(django_filters.FilterSet):
    plan = _plans("slot__assignment__task__plan")
    task = django_filters.ModelChoiceFilter(
        field_name="slot__assignment__task", queryset=_scoped(Task), label=_("任务")
    )
    slot = django_filters.ModelChoiceFilter(queryset=_scoped(Slot), label=_("报送节点"))
    org_unit = _org_units()
    within = WithinFilter()
    campaign = _campaigns("slot__assignment__task__plan__campaign")
    status = django_filters.ChoiceFilter(choices=ProgressReport.Status.choices, label=_("状态"))

    class Meta:
        model = ProgressReport
        fields = ["plan", "task", "slot", "org_unit", "within", "campaign", "status"]


class ChecklistFilter(django_filters.FilterSet):
    org_unit = _org_units()
    within = WithinFilter()
    plan = _plans()
    kind = django_filters.ChoiceFilter(choices=Checklist.Kind.choices, label=_("类别"))
    year = django_filters.NumberFilter(label=_("年度"))

    class Meta:
        model = Checklist
        fields = ["org_unit", "within", "plan", "kind", "year"]
