"""Filters of the training lists, shared by the API and the pages."""

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from orgs.constants import Action
from orgs.filters import IndustryFilter, WithinFilter, scoped_org_units
from orgs.models import Enterprise
from training.constants import (
    PERSON_CATEGORIES,
    Audience,
    AwarenessKind,
    CertificateKind,
    CertificateStatus,
    DrillKind,
)
from training.models import AwarenessEvent, Certificate, Drill, Person, TrainingSession
from training.services import certificate_number_q
from training.stats import certificate_status_q


def scoped_enterprises(request):
    if request is None:
        return Enterprise.objects.none()
    return Enterprise.objects.restrict(request.user, Action.VIEW)


class LocatedFilterSet(django_filters.FilterSet):
    within = WithinFilter()
    org_unit = django_filters.ModelChoiceFilter(queryset=scoped_org_units, label=_("单位/属地"))
    enterprise = django_filters.ModelChoiceFilter(queryset=scoped_enterprises, label=_("企业"))


class TrainingSessionFilter(LocatedFilterSet):
    audience = django_filters.ChoiceFilter(choices=Audience.choices, label=_("培训对象"))
    industry = IndustryFilter(field_name="industries")
    ended_after = django_filters.DateFilter(
        field_name="end_date", lookup_expr="gte", label=_("结束日期起")
    )
    ended_before = django_filters.DateFilter(
        field_name="end_date", lookup_expr="lte", label=_("结束日期止")
    )
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label=_("名称"))

    class Meta:
        model = TrainingSession
        fields = []


class PersonFilter(LocatedFilterSet):
    category = django_filters.ChoiceFilter(choices=PERSON_CATEGORIES, label=_("人员类别"))
    industry = IndustryFilter()
    is_active = django_filters.BooleanFilter(label=_("在岗"))
    # Only the last 4 characters are searchable: the rest is never stored in clear.
    id_last4 = django_filters.CharFilter(field_name="id_number_last4", label=_("身份证号后4位"))
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("姓名"))

    class Meta:
        model = Person
        fields = []


class CertificateFilter(LocatedFilterSet):
    kind = django_filters.ChoiceFilter(choices=CertificateKind.choices, label=_("证书类型"))
    holder = django_filters.NumberFilter(field_name="holder_id", label=_("持证人"))
    status = django_filters.ChoiceFilter(
        choices=CertificateStatus.choices, method="filter_status", label=_("状态")
    )
    expires_before = django_filters.DateFilter(
        field_name="expires_on", lookup_expr="lte", label=_("有效期至（止）")
    )
    q = django_filters.CharFilter(method="filter_q", label=_("证书编号或持证人"))

    class Meta:
        model = Certificate
        fields = []

    def filter_queryset(self, queryset):
        return super().filter_queryset(queryset.filter(is_void=False))

    def filter_status(self, queryset, name, value):
        return queryset.filter(certificate_status_q(timezone.localdate())[value])

    def filter_q(self, queryset, name, value):
        return queryset.filter(certificate_number_q(value) | Q(holder__name__icontains=value))


class DrillFilter(LocatedFilterSet):
    kind = django_filters.ChoiceFilter(choices=DrillKind.choices, label=_("演练类型"))
    unscripted = django_filters.BooleanFilter(label=_("无脚本演练"))
    held_after = django_filters.DateFilter(
        field_name="held_on", lookup_expr="gte", label=_("演练日期起")
    )
    held_before = django_filters.DateFilter(
        field_name="held_on", lookup_expr="lte", label=_("演练日期止")
    )

    class Meta:
        model = Drill
        fields = []


class AwarenessEventFilter(LocatedFilterSet):
    kind = django_filters.ChoiceFilter(choices=AwarenessKind.choices, label=_("活动类型"))
    held_after = django_filters.DateFilter(
        field_name="held_on", lookup_expr="gte", label=_("活动日期起")
    )
    held_before = django_filters.DateFilter(
        field_name="held_on", lookup_expr="lte", label=_("活动日期止")
    )

    class Meta:
        model = AwarenessEvent
        fields = []
