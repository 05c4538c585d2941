"""Forms of the supervision pages: the field form of an inspection (item by item, with photos
from the phone's camera), its choice of template and enterprise, and a group's term end."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import MultipleFileField, ScopedModelFormMixin
from inspections.models import (
    ChecklistResult,
    ChecklistTemplate,
    Frequency,
    Inspection,
    SpecialCampaign,
    SupervisionAssignment,
    SupervisionGroup,
    SupervisionGroupMember,
)
from inspections.services import ResultInput, selectable_users
from orgs.constants import Kind
from orgs.models import Enterprise, OrgUnit

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# The phone opens its camera (rear) straight away; the gallery stays one tap away.
CAMERA = {"accept": "image/*", "capture": "environment"}


class StartForm(ScopedModelFormMixin, forms.Form):
    """Which checklist, at which target — an enterprise, or a unit such as a township's
    民政所 (seed 003) — the field form is built from them."""

    enterprise = forms.ModelChoiceField(
        Enterprise.objects.filter(is_active=True).select_related("org_unit"),
        required=False,
        label=_("被检查企业"),
    )
    unit = forms.ModelChoiceField(
        OrgUnit.objects.all(),
        required=False,
        label=_("或被检查单位（地区、部门）"),
        help_text=_("检查乡镇、部门或所站时选择；其不合格项不自动登记为企业隐患。"),
    )
    template = forms.ModelChoiceField(
        ChecklistTemplate.objects.filter(is_active=True).select_related("industry"),
        label=_("检查表"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].label_from_instance = lambda e: f"{e.name}（{e.org_unit.name}）"

    def clean(self):
        data = super().clean()
        if bool(data.get("enterprise")) == bool(data.get("unit")):
            raise forms.ValidationError(_("请选择一个被检查企业，或一个被检查单位（二选一）。"))
        return data


class InspectionForm(ScopedModelFormMixin, forms.Form):
    """The field form: the visit, then one block per checklist item (result, note, photos).

    `submission_key` is made by the page's script and kept with the draft in the phone's
    storage, so a form sent again after a lost connection records nothing twice.
    """

    kind = forms.ChoiceField(
        choices=Inspection.Kind.choices, initial=Inspection.Kind.SUPERVISION, label=_("检查类别")
    )
    method = forms.ChoiceField(
        choices=Inspection.Method.choices, initial=Inspection.Method.REGULAR, label=_("检查方式")
    )
    inspection_date = forms.DateField(widget=DATE, label=_("检查日期"))
    group = forms.ModelChoiceField(
        SupervisionGroup.objects.filter(ended_at__isnull=True),
        required=False,
        label=_("督导组"),
        help_text=_("以督导组名义检查时选择。"),
    )
    special_campaign = forms.ModelChoiceField(
        SpecialCampaign.objects.all(), required=False, label=_("专项行动")
    )
    outside_experts = forms.CharField(max_length=300, required=False, label=_("外聘专家"))
    summary = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, label=_("检查情况")
    )
    submission_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, template, enterprise=None, unit=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.template = template
        self.enterprise = enterprise
        self.unit = unit
        self.fields["inspection_date"].initial = timezone.localdate()
        # Acting in a group's name comes from belonging to it, not from seeing the unit that
        # formed it (a member's own unit may lie elsewhere).
        self.fields["group"].queryset = SupervisionGroup.objects.filter(
            ended_at__isnull=True, memberships__user=self.user
        )
        self.items = list(template.items.select_related("criterion"))
        for item in self.items:
            self.fields[f"result_{item.pk}"] = forms.ChoiceField(
                choices=ChecklistResult.Result.choices,
                widget=forms.RadioSelect,
                label=_("第%(n)d项结果") % {"n": item.number},
            )
            self.fields[f"note_{item.pk}"] = forms.CharField(
                widget=forms.Textarea(attrs={"rows": 2}),
                required=False,
                label=_("第%(n)d项情况说明") % {"n": item.number},
            )
            self.fields[f"photos_{item.pk}"] = MultipleFileField(
                required=False, attrs=CAMERA, label=_("第%(n)d项照片") % {"n": item.number}
            )

    def item_blocks(self):
        """(item, result field, note field, photos field) for the template's items in order."""
        return [
            (item, self[f"result_{item.pk}"], self[f"note_{item.pk}"], self[f"photos_{item.pk}"])
            for item in self.items
        ]

    def header_fields(self):
        return [
            self[name]
            for name in (
                "kind",
                "method",
                "inspection_date",
                "group",
                "special_campaign",
                "outside_experts",
            )
        ]

    def service_data(self) -> dict:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "method": data["method"],
            "inspection_date": data["inspection_date"],
            "group": data["group"],
            "special_campaign": data["special_campaign"],
            "outside_experts": data["outside_experts"],
            "summary": data["summary"],
            "submission_key": data["submission_key"],
            "enterprises": [self.enterprise] if self.enterprise else [],
            "units": [self.unit] if self.unit else [],
            "template": self.template,
            "results": [
                ResultInput(
                    item=item,
                    result=data[f"result_{item.pk}"],
                    note=data[f"note_{item.pk}"],
                    photos=tuple(data[f"photos_{item.pk}"]),
                )
                for item in self.items
            ],
        }


class GroupForm(ScopedModelFormMixin, forms.Form):
    """组建督导组: its unit, term, people and the counties and lead departments it answers for.

    People are the officials holding a role in the user's area; units are those the user sees.
    """

    org_unit = forms.ModelChoiceField(OrgUnit.objects.all(), label=_("组建单位"))
    name = forms.CharField(max_length=100, label=_("督导组名称"))
    term_start = forms.DateField(widget=DATE, label=_("任期开始"))
    term_end = forms.DateField(widget=DATE, label=_("任期结束"))
    leader = forms.ModelChoiceField(get_user_model().objects.none(), label=_("组长"))
    liaison = forms.ModelChoiceField(
        get_user_model().objects.none(), required=False, label=_("联络员")
    )
    members = forms.ModelMultipleChoiceField(
        get_user_model().objects.none(), required=False, label=_("成员")
    )
    regions = forms.ModelMultipleChoiceField(
        OrgUnit.objects.filter(kind=Kind.REGION), label=_("挂点地区")
    )
    lead_departments = forms.ModelMultipleChoiceField(
        OrgUnit.objects.filter(kind=Kind.DEPARTMENT), required=False, label=_("牵头单位")
    )
    responsibilities = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, label=_("任务与责任")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        people = selectable_users(self.user)
        for name in ("leader", "liaison", "members"):
            self.fields[name].queryset = people

    def service_data(self) -> dict:
        data = self.cleaned_data
        people = [(data["leader"], SupervisionGroupMember.Role.LEADER)]
        if data["liaison"] and data["liaison"] != data["leader"]:
            people.append((data["liaison"], SupervisionGroupMember.Role.LIAISON))
        chosen = {user.pk for user, _role in people}
        people += [
            (user, SupervisionGroupMember.Role.MEMBER)
            for user in data["members"]
            if user.pk not in chosen
        ]
        return {
            "org_unit": data["org_unit"],
            "name": data["name"],
            "term_start": data["term_start"],
            "term_end": data["term_end"],
            "responsibilities": data["responsibilities"],
            "members": [(user, role, "") for user, role in people],
            "assignments": [(unit, SupervisionAssignment.Kind.REGION) for unit in data["regions"]]
            + [
                (unit, SupervisionAssignment.Kind.LEAD_DEPARTMENT)
                for unit in data["lead_departments"]
            ],
        }


class ScheduleForm(ScopedModelFormMixin, forms.Form):
    """督导频次: who must be visited how often (seed 003: 每季度到各乡镇民政所督导一次).

    The target is an enterprise or, when none is chosen, an org unit (a township or its
    民政所); units and groups offered are those the user sees.
    """

    enterprise = forms.ModelChoiceField(
        Enterprise.objects.filter(is_active=True), required=False, label=_("督导对象（单位）")
    )
    org_unit = forms.ModelChoiceField(
        OrgUnit.objects.all(), required=False, label=_("督导对象（地区或部门）")
    )
    supervising_unit = forms.ModelChoiceField(OrgUnit.objects.all(), label=_("督导单位"))
    group = forms.ModelChoiceField(
        SupervisionGroup.objects.all(), required=False, label=_("负责督导组")
    )
    frequency = forms.ChoiceField(choices=Frequency.choices, label=_("频次"))
    start_date = forms.DateField(widget=DATE, label=_("起始日期"))
    end_date = forms.DateField(widget=DATE, required=False, label=_("截止日期"))
    note = forms.CharField(max_length=200, required=False, label=_("说明"))

    def clean(self):
        data = super().clean()
        if not data.get("enterprise") and not data.get("org_unit"):
            raise forms.ValidationError(_("请选择督导对象：一个单位，或一个地区或部门。"))
        return data
