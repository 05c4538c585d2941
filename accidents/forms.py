"""The accident form. It validates input; accidents.services writes, grades and decides.

Field names are the services' keys (and their error keys), so a ValidationError raised by a
service lands under the field it concerns.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from accidents.models import Accident
from accidents.services import REPORT_FIELDS
from core.forms import ScopedModelFormMixin
from orgs.forms import OrgUnitChoiceField
from orgs.models import Enterprise, OrgUnit

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class EnterpriseChoiceField(forms.ModelChoiceField):
    """An enterprise labelled with its township: names repeat across a county."""

    def __init__(self, queryset, **kwargs):
        super().__init__(queryset.select_related("org_unit"), **kwargs)

    def label_from_instance(self, enterprise):
        return f"{enterprise.name}（{enterprise.org_unit.name}）"


class AccidentForm(ScopedModelFormMixin, forms.ModelForm):
    """An accident as the township or county records it, and as it is corrected later."""

    org_unit = OrgUnitChoiceField(
        OrgUnit.objects.filter(kind="region"),
        label=_("事故发生地"),
        required=False,
        empty_label=_("同事故单位所在地"),
        help_text=_("不选则为事故单位所在乡镇（街道）。"),
    )
    enterprise = EnterpriseChoiceField(
        Enterprise.objects.all(), label=_("事故单位"), required=False, empty_label=_("无")
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Accident
        fields = [
            "title",
            "occurred_at",
            "enterprise",
            "org_unit",
            "place",
            "industry",
            "category",
            "kind",
            "deaths",
            "serious_injuries",
            "injuries",
            "direct_loss",
            "narrative",
            "investigation_status",
            "listed_supervision",
            "elevated_investigation",
            *REPORT_FIELDS,
        ]
        widgets = {
            "occurred_at": DATETIME_INPUT,
            **dict.fromkeys(REPORT_FIELDS, DATETIME_INPUT),
            "narrative": forms.Textarea(attrs={"rows": 4}),
            "deaths": forms.NumberInput(attrs={"inputmode": "numeric", "min": 0}),
            "serious_injuries": forms.NumberInput(attrs={"inputmode": "numeric", "min": 0}),
            "injuries": forms.NumberInput(attrs={"inputmode": "numeric", "min": 0}),
            "direct_loss": forms.NumberInput(attrs={"inputmode": "decimal", "min": 0}),
        }
        help_texts = {
            "unit_reported_at": _("事故单位向县级应急管理部门报告的时间，应在事故发生后1小时内。"),
            "county_reported_at": _("县级向设区的市报告的时间，应在接报后2小时内。"),
            "city_reported_at": _("市级向省级报告的时间（较大及以上事故），应在接报后2小时内。"),
            "province_reported_at": _(
                "省级向国务院报告的时间（重大及以上事故），应在接报后2小时内。"
            ),
            "direct_loss": _("单位：万元，如 1000 即一千万元。"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["industry"].required = False
        self.fields["industry"].empty_label = _("同事故单位的行业")
        if self.instance.pk:
            self.fields["expected_version"].initial = self.instance.version
        else:
            del self.fields["expected_version"]

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "expected_version"}
