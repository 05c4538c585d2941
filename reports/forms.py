"""Forms of the 赛马 pages: the quarter to rank, and a scheme with its weighted metrics."""

from functools import reduce
from operator import or_

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from orgs.constants import Action, Kind, Level
from orgs.forms import OrgUnitChoiceField
from orgs.models import OrgUnit
from orgs.scoping import scope_for
from reports.models import EDITORIAL_ROLE_ACTIONS, RankingScheme
from reports.rankings import DIRECTIONS
from reports.rollups import metric_choices

WEIGHT_ROWS = 6


class RankingPeriodForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(
        label=_("季度"),
        coerce=int,
        choices=[(n, _("第%(n)s季度") % {"n": n}) for n in range(1, 5)],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year


class RankingSchemeForm(forms.ModelForm):
    """The scheme's fields and up to WEIGHT_ROWS (metric, weight, direction) rows."""

    org_unit = OrgUnitChoiceField(queryset=OrgUnit.objects.none(), label=_("组织单位"))

    class Meta:
        model = RankingScheme
        fields = ["name", "org_unit", "ranked_level", "advanced_count", "is_active"]

    @staticmethod
    def unit_choices(user):
        """Regions above the township where the user may set up a scheme."""
        units = OrgUnit.objects.filter(kind=Kind.REGION).exclude(level=Level.TOWNSHIP)
        if user.is_superuser:
            return units
        paths = [
            grant.subtree_path
            for grant in scope_for(user).grants
            if grant.subtree_path and Action.ADD in EDITORIAL_ROLE_ACTIONS.get(grant.role, ())
        ]
        if not paths:
            return units.none()
        return units.filter(reduce(or_, [Q(path__startswith=path) for path in paths]))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = self.unit_choices(user)
        weights = self.instance.weights if self.instance.pk else []
        metric_options = [("", "—"), *metric_choices()]
        for n in range(WEIGHT_ROWS):
            item = weights[n] if n < len(weights) else {}
            self.fields[f"metric_{n}"] = forms.ChoiceField(
                label=_("指标%(n)s") % {"n": n + 1},
                choices=metric_options,
                required=False,
                initial=item.get("metric", ""),
            )
            self.fields[f"weight_{n}"] = forms.DecimalField(
                label=_("权重"),
                min_value=0,
                max_digits=6,
                decimal_places=2,
                required=False,
                initial=item.get("weight"),
            )
            self.fields[f"direction_{n}"] = forms.ChoiceField(
                label=_("方向"),
                choices=[("", _("按指标默认")), *DIRECTIONS.items()],
                required=False,
                initial=item.get("direction", ""),
            )

    def weight_rows(self):
        return [
            (self[f"metric_{n}"], self[f"weight_{n}"], self[f"direction_{n}"])
            for n in range(WEIGHT_ROWS)
        ]

    def clean(self):
        cleaned = super().clean()
        weights = []
        for n in range(WEIGHT_ROWS):
            metric = cleaned.get(f"metric_{n}")
            if not metric:
                continue
            weight = cleaned.get(f"weight_{n}")
            if weight is None:
                self.add_error(f"weight_{n}", _("请填写该指标的权重。"))
                continue
            item = {"metric": metric, "weight": float(weight)}
            if cleaned.get(f"direction_{n}"):
                item["direction"] = cleaned[f"direction_{n}"]
            weights.append(item)
        cleaned["weights"] = weights
        return cleaned

    def service_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in [*self.Meta.fields, "weights"]}
