"""Risk list filters, shared by the API and the risk list page."""

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hazards.filters import scoped_enterprises
from hazards.models import Risk
from hazards.risk_constants import RiskLevel, RiskMethod
from orgs.filters import IndustryFilter, WithinFilter


class RiskFilter(django_filters.FilterSet):
    # Columns of the row itself: no join repeats a row, so no DISTINCT.
    level = django_filters.MultipleChoiceFilter(
        choices=RiskLevel.choices, distinct=False, label=_("风险等级")
    )
    status = django_filters.ChoiceFilter(
        choices=Risk.Status.choices, label=_("状态"), empty_label=_("管控中")
    )
    method = django_filters.ChoiceFilter(choices=RiskMethod.choices, label=_("评价方法"))
    industry = IndustryFilter()
    within = WithinFilter()
    enterprise = django_filters.ModelChoiceFilter(queryset=scoped_enterprises, label=_("单位"))
    area = django_filters.BooleanFilter(
        field_name="enterprise", lookup_expr="isnull", label=_("区域性风险")
    )
    review_due = django_filters.BooleanFilter(method="filter_review_due", label=_("已过复评日期"))
    is_public = django_filters.BooleanFilter(label=_("向社会公布"))
    q = django_filters.CharFilter(method="filter_q", label=_("名称、部位或单位"))

    class Meta:
        model = Risk
        fields = []

    def filter_queryset(self, queryset):
        # The list is of the risks under control unless retired ones are asked for.
        if not self.form.cleaned_data.get("status"):
            queryset = queryset.filter(status=Risk.Status.ACTIVE)
        return super().filter_queryset(queryset)

    def filter_review_due(self, queryset, name, value):
        condition = Q(review_date__lt=timezone.localdate())
        return queryset.filter(condition) if value else queryset.exclude(condition)

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value)
            | Q(place__icontains=value)
            | Q(enterprise__name__icontains=value)
        )
