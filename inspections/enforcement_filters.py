"""Filters of enforcement actions, special campaigns and 双随机 draws (API and pages)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from hazards.filters import scoped_enterprises
from inspections.models import EnforcementAction, Inspection, RandomDraw, SpecialCampaign
from orgs.filters import WithinFilter, scoped_org_units


def scoped_campaigns(request):
    if request is None:
        return SpecialCampaign.objects.none()
    return SpecialCampaign.objects.restrict(request.user, "view")


def scoped_inspections(request):
    if request is None:
        return Inspection.objects.none()
    return Inspection.objects.restrict(request.user, "view")


class EnforcementActionFilter(django_filters.FilterSet):
    kind = django_filters.MultipleChoiceFilter(
        choices=EnforcementAction.Kind.choices, distinct=False, label=_("措施类别")
    )
    within = WithinFilter()
    org_unit = django_filters.ModelChoiceFilter(queryset=scoped_org_units, label=_("属地"))
    issuing_unit = django_filters.ModelChoiceFilter(queryset=scoped_org_units, label=_("执法单位"))
    enterprise = django_filters.ModelChoiceFilter(queryset=scoped_enterprises, label=_("单位"))
    special_campaign = django_filters.ModelChoiceFilter(
        queryset=scoped_campaigns, label=_("专项行动")
    )
    inspection = django_filters.ModelChoiceFilter(queryset=scoped_inspections, label=_("检查"))
    decided_after = django_filters.DateFilter(
        field_name="decided_on", lookup_expr="gte", label=_("决定日期起")
    )
    decided_before = django_filters.DateFilter(
        field_name="decided_on", lookup_expr="lte", label=_("决定日期止")
    )

    class Meta:
        model = EnforcementAction
        fields = []


class SpecialCampaignFilter(django_filters.FilterSet):
    within = WithinFilter()
    org_unit = django_filters.ModelChoiceFilter(queryset=scoped_org_units, label=_("组织单位"))

    class Meta:
        model = SpecialCampaign
        fields = []


class RandomDrawFilter(django_filters.FilterSet):
    within = WithinFilter()
    org_unit = django_filters.ModelChoiceFilter(queryset=scoped_org_units, label=_("组织单位"))
    published = django_filters.BooleanFilter(
        field_name="published_at", lookup_expr="isnull", exclude=True, label=_("已公示")
    )
    special_campaign = django_filters.ModelChoiceFilter(
        queryset=scoped_campaigns, label=_("专项行动")
    )

    class Meta:
        model = RandomDraw
        fields = []
