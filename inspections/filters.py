"""Filters of inspections and supervision groups, shared by the API and the pages."""

import django_filters
from django.utils.translation import gettext_lazy as _

from inspections.models import ChecklistTemplate, Inspection, SupervisionGroup
from orgs.constants import Action
from orgs.filters import IndustryFilter, WithinFilter, scoped_org_units
from orgs.models import Enterprise


def scoped_enterprises(request):
    if request is None:
        return Enterprise.objects.none()
    return Enterprise.objects.restrict(request.user, Action.VIEW)


def scoped_groups(request):
    if request is None:
        return SupervisionGroup.objects.none()
    return SupervisionGroup.objects.restrict(request.user, Action.VIEW)


class InspectionFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=Inspection.Kind.choices, label=_("检查类别"))
    method = django_filters.ChoiceFilter(choices=Inspection.Method.choices, label=_("检查方式"))
    status = django_filters.ChoiceFilter(choices=Inspection.Status.choices, label=_("状态"))
    within = WithinFilter()
    org_unit = django_filters.ModelChoiceFilter(queryset=scoped_org_units, label=_("被检查地区"))
    enterprise = django_filters.ModelChoiceFilter(
        queryset=scoped_enterprises, field_name="targets__enterprise", label=_("被检查企业")
    )
    group = django_filters.ModelChoiceFilter(queryset=scoped_groups, label=_("督导组"))
    hazard = django_filters.NumberFilter(
        field_name="results__hazard", label=_("发现该隐患的检查（隐患ID）")
    )
    date_after = django_filters.DateFilter(
        field_name="inspection_date", lookup_expr="gte", label=_("检查日期起")
    )
    date_before = django_filters.DateFilter(
        field_name="inspection_date", lookup_expr="lte", label=_("检查日期止")
    )

    class Meta:
        model = Inspection
        fields = ["kind", "method", "status", "within", "org_unit", "enterprise", "group"]


class SupervisionGroupFilter(django_filters.FilterSet):
    within = WithinFilter()
    org_unit = django_filters.ModelChoiceFilter(queryset=scoped_org_units, label=_("组建单位"))
    active = django_filters.BooleanFilter(
        field_name="ended_at", lookup_expr="isnull", label=_("任期内")
    )

    class Meta:
        model = SupervisionGroup
        fields = ["within", "org_unit", "active"]


class ChecklistTemplateFilter(django_filters.FilterSet):
    industry = IndustryFilter()

    class Meta:
        model = ChecklistTemplate
        fields = ["industry", "is_active"]
