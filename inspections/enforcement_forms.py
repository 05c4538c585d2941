"""Forms of the enforcement, special campaign, 双随机 and statistics pages.

They collect input and narrow every choice to the user's scope; the rules (what each kind of
action needs, what a draw may do) are inspections.enforcement's and inspections.draws', whose
messages land on these forms."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import ScopedModelFormMixin
from inspections import draws
from inspections.models import EnforcementAction, SpecialCampaign
from orgs.models import Industry, OrgUnit

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class EnforcementActionForm(ScopedModelFormMixin, forms.ModelForm):
    """An action taken at an inspection: its enterprise is one of the inspection's targets."""

    scope_actions = {"enterprise": "view", "issuing_unit": "view"}

    class Meta:
        model = EnforcementAction
        fields = [
            "enterprise",
            "kind",
            "decided_on",
            "document_number",
            "issuing_unit",
            "reason",
            "deadline",
            "fined_party",
            "fine_unit_amount",
            "fined_person_name",
            "fine_person_amount",
            "transferred_to",
        ]
        widgets = {
            "decided_on": DATE_INPUT,
            "deadline": DATE_INPUT,
            "reason": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "deadline": _("责令限期整改必填。"),
            "fined_party": _("罚款必填；一案双罚选“单位和个人”。"),
            "transferred_to": _("移送必填。"),
        }

    def __init__(self, *args, inspection, **kwargs):
        super().__init__(*args, **kwargs)
        self.inspection = inspection
        self.fields["enterprise"].queryset = self.fields["enterprise"].queryset.filter(
            inspection_targets__inspection=inspection
        )
        self.fields["issuing_unit"].initial = inspection.inspecting_unit_id
        self.fields["issuing_unit"].required = False
        # Every kind's own fields are checked by the service, with its messages.
        for name in ("deadline", "fined_party", "transferred_to"):
            self.fields[name].required = False

    def _post_clean(self):
        # The service validates and saves; the model's own checks would repeat its messages.
        pass

    def service_data(self) -> dict:
        return {**self.cleaned_data, "inspection": self.inspection}


class LiftForm(forms.Form):
    lifted_on = forms.DateField(label=_("解除停产停业日期"), widget=DATE_INPUT)


class DocumentForm(forms.Form):
    document_kind = forms.ChoiceField(
        label=_("文书类别"), choices=EnforcementAction.DocumentKind.choices
    )


class EnforcementFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("措施类别"),
        required=False,
        choices=[("", _("全部")), *EnforcementAction.Kind.choices],
    )
    decided_after = forms.DateField(label=_("决定日期起"), required=False, widget=DATE_INPUT)
    decided_before = forms.DateField(label=_("决定日期止"), required=False, widget=DATE_INPUT)


class SpecialCampaignForm(ScopedModelFormMixin, forms.ModelForm):
    scope_actions = {"org_unit": "add"}

    class Meta:
        model = SpecialCampaign
        fields = [
            "org_unit",
            "name",
            "start_date",
            "end_date",
            "participating_units",
            "description",
            "work_groups_sent",
        ]
        widgets = {
            "start_date": DATE_INPUT,
            "end_date": DATE_INPUT,
            "description": forms.Textarea(attrs={"rows": 4}),
            "participating_units": forms.SelectMultiple(attrs={"size": 6}),
        }

    def _post_clean(self):
        pass

    def service_data(self) -> dict:
        return dict(self.cleaned_data)


class DrawForm(ScopedModelFormMixin, forms.Form):
    """A new 双随机 draw; the roster is the unit's officials."""

    scope_actions = {"org_unit": "add"}

    org_unit = forms.ModelChoiceField(OrgUnit.objects.all(), label=_("组织单位"))
    title = forms.CharField(label=_("抽查事项"), max_length=200)
    target_count = forms.IntegerField(
        label=_("抽取企业数"), min_value=1, max_value=draws.MAX_TARGETS
    )
    inspectors_per_target = forms.IntegerField(
        label=_("每家企业检查人员数"), min_value=1, max_value=draws.MAX_TARGETS, initial=2
    )
    industry = forms.ModelChoiceField(
        Industry.objects.all(), label=_("行业领域"), required=False, empty_label=_("全部")
    )
    risk_level = forms.ChoiceField(
        label=_("风险等级"),
        required=False,
        choices=[("", _("全部")), *draws.risk_levels()],
        help_text=_("只从有该等级在控风险点的企业中抽取。"),
    )
    not_inspected_months = forms.IntegerField(
        label=_("近N个月未检查"),
        required=False,
        min_value=1,
        max_value=120,
        help_text=_("只从近N个月内未被检查过的企业中抽取；不填不限。"),
    )
    special_campaign = forms.ModelChoiceField(
        SpecialCampaign.objects.all(), label=_("专项行动"), required=False
    )
    seed = forms.CharField(
        label=_("随机种子"),
        required=False,
        max_length=64,
        help_text=_("不填则随机生成；同一种子和名录总是得到同一结果。"),
    )


class PublishForm(forms.Form):
    """Publishing a draw takes no input: the POST itself is the decision."""


class RedrawForm(forms.Form):
    reason = forms.CharField(
        label=_("重新抽取原因"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000
    )


class StatsForm(ScopedModelFormMixin, forms.Form):
    """The statistics page: a unit in scope and a period, or a special campaign."""

    # Chosen by following a region's row down (or the breadcrumbs up), as on the ledger's
    # statistics page: a select of every unit in a province's scope would be thousands long.
    unit = forms.ModelChoiceField(OrgUnit.objects.all(), required=False, widget=forms.HiddenInput)
    period_start = forms.DateField(label=_("起始日期"), required=False, widget=DATE_INPUT)
    period_end = forms.DateField(label=_("截止日期"), required=False, widget=DATE_INPUT)
    special_campaign = forms.ModelChoiceField(
        SpecialCampaign.objects.all(),
        label=_("专项行动"),
        required=False,
        empty_label=_("不限"),
        help_text=_("选择专项行动时按行动统计，不看单位和期间。"),
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and start > end:
            raise forms.ValidationError(_("起始日期不能晚于截止日期。"))
        return cleaned
