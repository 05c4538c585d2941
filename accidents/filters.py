"""Filters of the accident register, shared by the API and the page."""

import re
from datetime import datetime

import django_filters
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accidents.constants import Category, Grade, InvestigationStatus, Kind
from accidents.models import Accident
from accidents.services import with_late
from orgs.constants import Action
from orgs.filters import IndustryFilter, WithinFilter, scoped_org_units
from orgs.models import Enterprise

PERIOD_RE = re.compile(r"^(?P<year>\d{4})(?:-(?:Q(?P<quarter>[1-4])|(?P<month>0[1-9]|1[0-2])))?$")
PERIOD_MESSAGE = _("期间格式应为 2026、2026-Q3 或 2026-07。")


def period_bounds(text: str) -> tuple[datetime, datetime]:
    """`2026`, `2026-Q3` or `2026-07` as [start, end) in local time."""
    match = PERIOD_RE.match(text.strip())
    if not match:
        raise ValidationError(PERIOD_MESSAGE)
    year = int(match["year"])
    if match["quarter"]:
        first, months = 3 * int(match["quarter"]) - 2, 3
    elif match["month"]:
        first, months = int(match["month"]), 1
    else:
        first, months = 1, 12
    end_month = first + months
    start = datetime(year, first, 1)
    end = datetime(year + (end_month - 1) // 12, (end_month - 1) % 12 + 1, 1)
    return timezone.make_aware(start), timezone.make_aware(end)


def scoped_enterprises(request):
    if request is None:
        return Enterprise.objects.none()
    return Enterprise.objects.restrict(request.user, Action.VIEW)


class AccidentFilter(django_filters.FilterSet):
    within = WithinFilter()
    org_unit = django_filters.ModelChoiceFilter(queryset=scoped_org_units, label=_("事故发生地"))
    enterprise = django_filters.ModelChoiceFilter(queryset=scoped_enterprises, label=_("事故单位"))
    period = django_filters.CharFilter(
        method="filter_period",
        label=_("期间"),
        help_text=_("年（2026）、季度（2026-Q3）或月（2026-07），按发生时间。"),
        validators=[RegexValidator(PERIOD_RE, PERIOD_MESSAGE)],
    )
    grade = django_filters.MultipleChoiceFilter(choices=Grade.choices, label=_("事故等级"))
    industry = IndustryFilter()
    category = django_filters.ChoiceFilter(choices=Category.choices, label=_("事故类型"))
    kind = django_filters.ChoiceFilter(choices=Kind.choices, label=_("事故类别"))
    investigation_status = django_filters.ChoiceFilter(
        choices=InvestigationStatus.choices, label=_("调查状态")
    )
    late = django_filters.BooleanFilter(method="filter_late", label=_("迟报"))
    listed_supervision = django_filters.BooleanFilter(label=_("挂牌督办"))
    q = django_filters.CharFilter(method="filter_q", label=_("事故名称或单位"))

    class Meta:
        model = Accident
        fields = []

    def filter_period(self, qs, name, value):
        start, end = period_bounds(value)
        return qs.filter(occurred_at__gte=start, occurred_at__lt=end)

    def filter_late(self, qs, name, value):
        if value is None:
            return qs
        # The list's querysets carry `is_late` already (with_late); annotate if not.
        if "is_late" not in qs.query.annotations:
            qs = with_late(qs)
        return qs.filter(is_late=value)

    def filter_q(self, qs, name, value):
        return qs.filter(Q(title__icontains=value) | Q(enterprise__name__icontains=value))
