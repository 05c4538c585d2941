import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from orgs.constants import Action, EnterpriseKind, Kind, Level
from orgs.models import Enterprise, Industry, OrgUnit


def scoped_org_units(request):
    """Filter choices: only org units the requesting user may see."""
    if request is None:
        return OrgUnit.objects.none()
    return OrgUnit.objects.restrict(request.user, Action.VIEW)


class IndustryChoiceField(django_filters.fields.ModelChoiceField):
    """An industry id checked against the cached industries (Industry.objects.by_id) rather
    than by a query per request; an id not there (a new industry, or none) asks the database,
    which answers with the field's usual error."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return Industry.objects.by_id()[int(value)]
        except (KeyError, TypeError, ValueError):
            return super().to_python(value)


class IndustryFilter(django_filters.ModelChoiceFilter):
    """`?industry=<id>`: the 行业领域 filter every ledger and register offers."""

    field_class = IndustryChoiceField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("queryset", Industry.objects.all())
        kwargs.setdefault("label", _("行业领域"))
        super().__init__(*args, **kwargs)


@extend_schema_field(OpenApiTypes.INT)
class WithinFilter(django_filters.ModelChoiceFilter):
    """`?within=<id>`: rows located in that org unit's subtree (one prefix match)."""

    def __init__(self, *args, path_field="org_path", **kwargs):
        self.path_field = path_field
        kwargs.setdefault("queryset", scoped_org_units)
        kwargs.setdefault("label", _("所在区域（含下级）"))
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(**{f"{self.path_field}__startswith": value.path})


class OrgUnitFilter(django_filters.FilterSet):
    parent = django_filters.ModelChoiceFilter(queryset=scoped_org_units, label=_("上级机构"))
    within = WithinFilter(path_field="path")
    level = django_filters.ChoiceFilter(choices=Level.choices, label=_("层级"))
    kind = django_filters.ChoiceFilter(choices=Kind.choices, label=_("类型"))
    q = django_filters.CharFilter(method="filter_q", label=_("名称或代码"))

    class Meta:
        model = OrgUnit
        fields = ["parent", "within", "level", "kind", "q"]

    def filter_q(self, qs, name, value):
        return qs.filter(Q(name__icontains=value) | Q(division_code__startswith=value))


class EnterpriseFilter(django_filters.FilterSet):
    org_unit = django_filters.ModelChoiceFilter(queryset=scoped_org_units, label=_("属地"))
    within = WithinFilter()
    industry = IndustryFilter()
    kind = django_filters.ChoiceFilter(choices=EnterpriseKind.choices, label=_("单位类别"))
    high_risk = django_filters.BooleanFilter(label=_("高危"))
    is_active = django_filters.BooleanFilter(label=_("在营"))
    q = django_filters.CharFilter(method="filter_q", label=_("名称、信用代码或负责人"))

    class Meta:
        model = Enterprise
        fields = ["org_unit", "within", "industry", "kind", "high_risk", "is_active", "q"]

    def filter_q(self, qs, name, value):
        value = value.strip()
        return qs.filter(
            Q(name__icontains=value)
            | Q(credit_code__startswith=value.upper())
            | Q(principal_name__icontains=value)
        )
