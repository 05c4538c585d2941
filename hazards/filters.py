"""Ledger filters, shared by the API, the export and the pages.

Voided hazards are left out unless `is_void` is asked for: a voided row is no longer part of
the ledger, but stays reachable to be restored.
"""

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hazards.constants import HazardAction
from hazards.models import Escalation, Hazard, HazardCriterion
from hazards.services import OVERDUE_STATUSES
from orgs.filters import IndustryFilter, WithinFilter, scoped_org_units
from orgs.models import Enterprise


def scoped_enterprises(request):
    if request is None:
        return Enterprise.objects.none()
    return Enterprise.objects.restrict(request.user, HazardAction.VIEW)


def overdue_q(today) -> Q:
    """Open, past its deadline and not yet handed over for verification: the same rule as
    hazards.services.is_overdue_on and the statistics' `overdue`."""
    return Q(status__in=OVERDUE_STATUSES, deadline__lt=today)


class HazardFilter(django_filters.FilterSet):
    # distinct=False: these are columns of the row itself, so no join can repeat a row; the
    # default DISTINCT would make PostgreSQL sort every match of a province's ledger.
    status = django_filters.MultipleChoiceFilter(
        choices=Hazard.Status.choices, distinct=False, label=_("状态")
    )
    grade = django_filters.ChoiceFilter(choices=Hazard.Grade.choices, label=_("隐患等级"))
    source = django_filters.MultipleChoiceFilter(
        choices=Hazard.Source.choices, distinct=False, label=_("发现渠道")
    )
    industry = IndustryFilter()
    criterion = django_filters.ModelChoiceFilter(
        queryset=HazardCriterion.objects.all(), label=_("判定依据")
    )
    within = WithinFilter()
    org_unit = django_filters.ModelChoiceFilter(queryset=scoped_org_units, label=_("属地"))
    enterprise = django_filters.ModelChoiceFilter(queryset=scoped_enterprises, label=_("单位"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("逾期"))
    listed = django_filters.BooleanFilter(field_name="listed_supervision", label=_("挂牌督办"))
    stock = django_filters.BooleanFilter(field_name="is_stock", label=_("存量隐患"))
    returned = django_filters.BooleanFilter(method="filter_returned", label=_("被退回"))
    is_void = django_filters.BooleanFilter(label=_("已作废"))
    found_after = django_filters.DateFilter(
        field_name="found_date", lookup_expr="gte", label=_("发现日期起")
    )
    found_before = django_filters.DateFilter(
        field_name="found_date", lookup_expr="lte", label=_("发现日期止")
    )
    deadline_after = django_filters.DateFilter(
        field_name="deadline", lookup_expr="gte", label=_("整改时限起")
    )
    deadline_before = django_filters.DateFilter(
        field_name="deadline", lookup_expr="lte", label=_("整改时限止")
    )
    queue = django_filters.ChoiceFilter(
        choices=[("confirm", _("待我确认")), ("verify", _("待我审核销号"))],
        method="filter_queue",
        label=_("待办"),
    )
    q = django_filters.CharFilter(method="filter_q", label=_("编号、描述、部位或单位"))

    class Meta:
        model = Hazard
        fields = []

    def filter_queryset(self, queryset):
        if self.form.cleaned_data.get("is_void") is None:
            queryset = queryset.filter(is_void=False)
        return super().filter_queryset(queryset)

    def filter_overdue(self, queryset, name, value):
        condition = overdue_q(timezone.localdate())
        return queryset.filter(condition) if value else queryset.exclude(condition)

    def filter_returned(self, queryset, name, value):
        return queryset.exclude(return_reason="") if value else queryset.filter(return_reason="")

    def filter_queue(self, queryset, name, value):
        user = getattr(self.request, "user", None)
        if value == "confirm":
            allowed = Hazard.objects.restrict(user, HazardAction.CONFIRM)
            return queryset.filter(status=Hazard.Status.REPORTED, pk__in=allowed.values("pk"))
        allowed = Hazard.objects.restrict(user, HazardAction.VERIFY)
        return queryset.filter(
            status=Hazard.Status.CLOSE_OUT_REQUESTED, pk__in=allowed.values("pk")
        ).exclude(reported_by=user)

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(ledger_number__startswith=value)
            | Q(description__icontains=value)
            | Q(place__icontains=value)
            | Q(enterprise__name__icontains=value)
            | Q(enterprise__credit_code__startswith=value.upper())
        )


class EscalationFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Escalation.Status.choices, label=_("状态"))
    step = django_filters.TypedChoiceFilter(
        choices=Escalation.Step.choices, coerce=int, label=_("措施")
    )
    within = WithinFilter()
    org_unit = django_filters.ModelChoiceFilter(queryset=scoped_org_units, label=_("属地"))

    class Meta:
        model = Escalation
        fields = ["status", "step", "within", "org_unit", "hazard"]


class CriterionFilter(django_filters.FilterSet):
    industry = IndustryFilter()
    q = django_filters.CharFilter(method="filter_q", label=_("标准、条款或要点"))

    class Meta:
        model = HazardCriterion
        fields = ["industry", "is_active", "q"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(
            Q(standard__icontains=value)
            | Q(clause__icontains=value)
            | Q(title__icontains=value)
            | Q(document_number__icontains=value)
        )
