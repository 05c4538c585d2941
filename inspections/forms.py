"""Forms of the supervision pages: the field form of an inspection (item by item, with photos
from the phone's camera), its choice of template and enterprise, and a group's term end."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import MultipleFileField, ScopedModelFormMixin
from inspections.models import (
    ChecklistResult,
    ChecklistTemplate,
    Inspection,
    SpecialCampaign,
    SupervisionGroup,
)
from inspections.services import ResultInput
from orgs.models import Enterprise

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# The phone opens its camera (rear) straight away; the gallery stays one tap away.
CAMERA = {"accept": "image/*", "capture": "environment"}


class StartForm(ScopedModelFormMixin, forms.Form):
    """Which checklist, at which enterprise: the field form is built from them."""

    enterprise = forms.ModelChoiceField(
        Enterprise.objects.filter(is_active=True).select_related("org_unit"),
        label=_("被检查企业"),
    )
    template = forms.ModelChoiceField(
        ChecklistTemplate.objects.filter(is_active=True).select_related("industry"),
        label=_("检查表"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].label_from_instance = lambda e: f"{e.name}（{e.org_unit.name}）"


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

    def __init__(self, *args, template, enterprise, **kwargs):
        super().__init__(*args, **kwargs)
        self.template = template
        self.enterprise = enterprise
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
            "enterprises": [self.enterprise],
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
