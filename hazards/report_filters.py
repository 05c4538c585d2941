"""Filters of the report queue, shared by its page and the API."""

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hazards.models import PublicReport
from hazards.report_services import OPEN_STATUSES, normalise_receipt
from orgs.filters import WithinFilter, scoped_org_units


class PublicReportFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(
        choices=PublicReport.Status.choices, distinct=False, label=_("状态")
    )
    within = WithinFilter()
    org_unit = django_filters.ModelChoiceFilter(queryset=scoped_org_units, label=_("所在地区"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("逾期未办结"))
    rewarded = django_filters.BooleanFilter(method="filter_rewarded", label=_("已决定奖励"))
    received_after = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__gte", label=_("举报日期起")
    )
    received_before = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__lte", label=_("举报日期止")
    )
    q = django_filters.CharFilter(method="filter_q", label=_("回执码、内容或地点"))

    class Meta:
        model = PublicReport
        fields = []

    def filter_overdue(self, queryset, name, value):
        condition = Q(status__in=OPEN_STATUSES, deadline__lt=timezone.localdate())
        return queryset.filter(condition) if value else queryset.exclude(condition)

    def filter_rewarded(self, queryset, name, value):
        return queryset.filter(reward_decided_on__isnull=not value)

    def filter_q(self, queryset, name, value):
        text = value.strip()
        if not text:
            return queryset
        return queryset.filter(
            Q(receipt_code=normalise_receipt(text))
            | Q(description__icontains=text)
            | Q(location_text__icontains=text)
        )
