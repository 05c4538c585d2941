"""HTML forms of 风险分级管控. Forms validate input; hazards.risk_services grades and writes."""

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import ScopedModelFormMixin
from hazards.forms import DATE_INPUT, TEXTAREA, EnterpriseChoiceField, enterprise_options
from hazards.models import Risk
from hazards.risk_constants import (
    LEC_CONSEQUENCE,
    LEC_EXPOSURE,
    LEC_LIKELIHOOD,
    AccidentType,
    RiskPublicField,
)
from hazards.risk_services import EDITABLE_FIELDS
from orgs.constants import Kind
from orgs.forms import OrgUnitChoiceField
from orgs.models import OrgUnit


def factor_field(table, label):
    return forms.TypedChoiceField(
        label=label,
        choices=[("", _("请选择")), *((str(v), f"{v}　{m}") for v, m in table.items())],
        coerce=Decimal,
        empty_value=None,
        required=False,
    )


class RiskForm(ScopedModelFormMixin, forms.ModelForm):
    """A risk point with its grading inputs: LEC factors or the L × S matrix.

    The level is not a field: the service computes it from the inputs of the chosen method.
    """

    accident_types = forms.MultipleChoiceField(
        label=_("可能导致的事故类型"),
        choices=AccidentType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("按GB 6441《企业职工伤亡事故分类》。"),
    )
    lec_likelihood = factor_field(LEC_LIKELIHOOD, _("L 事故发生的可能性"))
    lec_exposure = factor_field(LEC_EXPOSURE, _("E 暴露于危险环境的频繁程度"))
    lec_consequence = factor_field(LEC_CONSEQUENCE, _("C 发生事故可能造成的后果"))
    public_fields = forms.MultipleChoiceField(
        label=_("公开的内容"),
        choices=RiskPublicField.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("单位名称、地区、风险点名称和等级随“向社会公布”一并公开。"),
    )

    class Meta:
        model = Risk
        fields = list(EDITABLE_FIELDS)
        widgets = {
            "hazard_factors": TEXTAREA,
            "control_measures": TEXTAREA,
            "emergency_actions": TEXTAREA,
            "public_summary": TEXTAREA,
            "identified_date": DATE_INPUT,
            "review_date": DATE_INPUT,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["industry"].required = False
        self.fields["identified_date"].widget.attrs["max"] = timezone.localdate().isoformat()

    def _post_clean(self):
        # The service validates and grades: the model's own full_clean would report the
        # method-inputs constraint by its name before the service could say which input is
        # missing.
        pass

    def service_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self._meta.fields}


class RiskCreateForm(RiskForm):
    """A new risk: an enterprise's, or an area's (an org unit instead of an enterprise)."""

    class Meta(RiskForm.Meta):
        fields = ["enterprise", "org_unit", *EDITABLE_FIELDS]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        enterprises = self.fields["enterprise"].queryset.filter(is_active=True)
        self.fields["enterprise"] = EnterpriseChoiceField(
            enterprises.select_related("org_unit"),
            label=_("单位"),
            required=False,
            help_text=_("不属于单一单位的区域性风险不选单位，改选所在地区。"),
        )
        self.fields["enterprise"].choices = enterprise_options(
            enterprises.select_related("org_unit").order_by("name"),
            chosen=self.data.get("enterprise"),
        )
        self.fields["org_unit"] = OrgUnitChoiceField(
            OrgUnit.objects.restrict(self.user, "view").filter(kind=Kind.REGION),
            label=_("所在地区（区域性风险）"),
            required=False,
        )
        self.fields["industry"].help_text = _("不选则取单位的行业领域。")


class RiskUpdateForm(RiskForm):
    expected_version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expected_version"].initial = self.instance.version
        for name in ("lec_likelihood", "lec_exposure", "lec_consequence"):
            value = getattr(self.instance, name)
            # The stored 10.0 is the option "10".
            self.initial[name] = format(value.normalize(), "f") if value is not None else ""
        self.fields["industry"].required = True


class RiskRetireForm(forms.Form):
    reason = forms.CharField(label=_("撤销原因"), widget=TEXTAREA)
    expected_version = forms.IntegerField(widget=forms.HiddenInput)
