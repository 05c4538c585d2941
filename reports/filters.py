"""Filters of the rollup figures, shared by the API and the pages."""

import django_filters
from django.utils.translation import gettext_lazy as _

from orgs.filters import IndustryFilter, WithinFilter, scoped_org_units
from reports.models import PeriodKind, Rollup
from reports.rollups import metric_choices


class RollupFilter(django_filters.FilterSet):
    org_unit = django_filters.ModelChoiceFilter(queryset=scoped_org_units, label=_("单位"))
    within = WithinFilter()
    period_kind = django_filters.ChoiceFilter(choices=PeriodKind.choices, label=_("周期类型"))
    period_start = django_filters.DateFilter(label=_("周期开始"))
    period_end = django_filters.DateFilter(label=_("周期结束"))
    year = django_filters.NumberFilter(field_name="period_start__year", label=_("年度"))
    metric = django_filters.MultipleChoiceFilter(choices=metric_choices, label=_("指标"))
    industry = IndustryFilter()
    all_industries = django_filters.BooleanFilter(
        field_name="industry", lookup_expr="isnull", label=_("仅全行业合计")
    )

    class Meta:
        model = Rollup
        fields = ["org_unit", "within", "period_kind", "period_start", "period_end", "metric"]
