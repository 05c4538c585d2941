"""HTML forms of the training pages. Forms validate input; training.services writes and decides.

Field names are the services' keys (and their error keys), so a ValidationError raised by a
service lands under the field it concerns.
"""

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import MultipleFileField, ScopedModelFormMixin
from orgs.forms import OrgUnitChoiceField
from orgs.models import Enterprise, Industry, OrgUnit
from orgs.scoping import scope_for
from training.constants import (
    KEY_GROUPS,
    MAX_PHOTOS_PER_UPLOAD,
    PERSON_CATEGORIES,
    Audience,
    CertificateStatus,
    DrillStatus,
    TrainingStatus,
)
from training.models import AwarenessEvent, Certificate, Drill, Person, TrainingSession

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXTAREA = forms.Textarea(attrs={"rows": 3})
# The campaign's first day: the default start of a coverage window (治本攻坚三年行动 2024–2026).
CAMPAIGN_START = date(2024, 1, 1)


class PhotosField(MultipleFileField):
    """Photos straight from the phone's camera, several at once."""

    def __init__(self, **kwargs):
        kwargs.setdefault("attrs", {"accept": "image/*", "capture": "environment"})
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "help_text",
            _("可直接拍照，可选多张，一次最多%(n)d张。") % {"n": MAX_PHOTOS_PER_UPLOAD},
        )
        super().__init__(**kwargs)


class EnterpriseChoiceField(forms.ModelChoiceField):
    """An enterprise labelled with its township: names repeat across a county."""

    def label_from_instance(self, enterprise):
        return f"{enterprise.name}（{enterprise.org_unit.name}）"


def acts_for_an_enterprise(user) -> bool:
    """Whether every grant the user holds binds one enterprise (an enterprise user)."""
    grants = scope_for(user).grants
    return not user.is_superuser and bool(grants) and all(g.enterprise_id for g in grants)


class OrganiserForm(ScopedModelFormMixin, forms.ModelForm):
    """The unit a record belongs to: an enterprise, or (for officials) a government unit.

    The choices are the units the user sees; the service refuses a unit the user may not add
    records for. An enterprise user has no unit to choose: their own enterprise is fixed.
    """

    org_unit = OrgUnitChoiceField(
        OrgUnit.objects.all(),
        label=_("主办单位"),
        required=False,
        empty_label=_("请选择"),
        help_text=_("由政府部门或乡镇（街道）组织的填写；企业组织的选择企业。"),
    )
    enterprise = EnterpriseChoiceField(
        Enterprise.objects.all(), label=_("企业"), required=False, empty_label=_("请选择")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        enterprise = self.fields["enterprise"]
        enterprise.queryset = (
            enterprise.queryset.filter(is_active=True).select_related("org_unit").order_by("name")
        )
        if "org_unit" in self.fields and acts_for_an_enterprise(self.user):
            del self.fields["org_unit"]
            enterprise.required = True
            own = list(enterprise.queryset[:2])
            if len(own) == 1:
                enterprise.initial = own[0].pk
                enterprise.disabled = True


class SessionForm(OrganiserForm):
    """A training class as its organiser reports it; the roster is imported separately."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = TrainingSession
        fields = [
            "org_unit",
            "enterprise",
            "title",
            "audience",
            "industries",
            "start_date",
            "end_date",
            "hours",
            "place",
            "trainer",
            "materials",
            "attendance_count",
        ]
        widgets = {
            "start_date": DATE_INPUT,
            "end_date": DATE_INPUT,
            "materials": TEXTAREA,
            "industries": forms.CheckboxSelectMultiple,
            "hours": forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.5", "min": "0"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["industries"].queryset = Industry.objects.order_by("pk")
        if self.instance.pk:
            # The organiser does not change once recorded.
            for name in ("org_unit", "enterprise"):
                self.fields.pop(name, None)
            self.fields["expected_version"].initial = self.instance.version
            if self.instance.has_roster:
                self.fields["attendance_count"].disabled = True
                self.fields["attendance_count"].help_text = _("已导入名单，参训人数以名单为准。")
        else:
            del self.fields["expected_version"]
        self.fields["start_date"].widget.attrs["max"] = timezone.localdate().isoformat()

    def service_data(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k != "expected_version"}
        if self.instance.has_roster:
            data.pop("attendance_count", None)
        return data


class PersonForm(OrganiserForm):
    """Registering a person one at a time; the ID number is checked (GB 11643) and stored
    protected by the service, never kept on the model in clear."""

    id_number = forms.CharField(
        label=_("身份证号码"),
        required=False,
        max_length=18,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text=_("18位居民身份证号码；登记后仅显示后4位。"),
    )

    class Meta:
        model = Person
        fields = ["org_unit", "enterprise", "name", "category", "position", "phone"]
        widgets = {"phone": forms.TextInput(attrs={"type": "tel", "inputmode": "tel"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].label = _("所在企业")
        if "org_unit" in self.fields:
            self.fields["org_unit"].label = _("所在单位")
            self.fields["org_unit"].help_text = _(
                "政府部门或乡镇（街道）的人员填写；企业人员选择企业。"
            )

    def service_data(self) -> dict:
        return dict(self.cleaned_data)


class HolderChoiceField(forms.ModelChoiceField):
    """A person labelled with where they work: names repeat."""

    def label_from_instance(self, person):
        where = person.enterprise.name if person.enterprise else person.org_unit.name
        return f"{person.name}（{where}，{person.masked_id_number or '—'}）"


class CertificateForm(ScopedModelFormMixin, forms.ModelForm):
    """A licence: 复审 and expiry dates default to 3 and 6 years from issue (the service)."""

    holder = HolderChoiceField(Person.objects.all(), label=_("持证人"), empty_label=_("请选择"))

    class Meta:
        model = Certificate
        fields = [
            "holder",
            "kind",
            "operation",
            "number",
            "issuing_authority",
            "issued_on",
            "review_due_on",
            "expires_on",
        ]
        widgets = {"issued_on": DATE_INPUT, "review_due_on": DATE_INPUT, "expires_on": DATE_INPUT}
        help_texts = {
            "review_due_on": _("不填则为初领日期后3年。"),
            "expires_on": _("不填则为初领日期后6年。"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        holder = self.fields["holder"]
        holder.queryset = holder.queryset.filter(is_active=True).select_related(
            "enterprise", "org_unit"
        )
        for name in ("review_due_on", "expires_on"):
            self.fields[name].required = False
        self.fields["issued_on"].widget.attrs["max"] = timezone.localdate().isoformat()

    def service_data(self) -> dict:
        return dict(self.cleaned_data)


class RosterImportForm(forms.Form):
    file = forms.FileField(
        label=_("参训名单"),
        help_text=_("Excel（.xlsx）或CSV文件；重新导入会替换本期原有名单。"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )


class DrillForm(OrganiserForm):
    """A drill recorded on a phone, with photos taken on the spot."""

    photos = PhotosField(label=_("演练照片"))

    class Meta:
        model = Drill
        fields = [
            "enterprise",
            "org_unit",
            "held_on",
            "kind",
            "unscripted",
            "participants",
            "scenario",
            "evaluation",
            "plan_revision",
        ]
        widgets = {
            "held_on": DATE_INPUT,
            "scenario": TEXTAREA,
            "evaluation": TEXTAREA,
            "plan_revision": TEXTAREA,
            "participants": forms.NumberInput(attrs={"inputmode": "numeric", "min": "0"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].label = _("演练单位")
        if "org_unit" in self.fields:
            self.fields["org_unit"].label = _("演练单位（政府部门、乡镇）")
            self.fields["org_unit"].help_text = _("政府部门或乡镇（街道）自身组织的演练填写。")
        today = timezone.localdate()
        self.fields["held_on"].initial = today
        self.fields["held_on"].widget.attrs["max"] = today.isoformat()

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "photos"}


class AwarenessEventForm(OrganiserForm):
    class Meta:
        model = AwarenessEvent
        fields = [
            "org_unit",
            "enterprise",
            "kind",
            "title",
            "held_on",
            "place",
            "reach",
            "description",
        ]
        widgets = {"held_on": DATE_INPUT, "description": TEXTAREA}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["held_on"].initial = today
        self.fields["held_on"].widget.attrs["max"] = today.isoformat()

    def service_data(self) -> dict:
        return dict(self.cleaned_data)


class SearchForm(forms.Form):
    """A list page's filters: free text and a status or category (all optional)."""

    q = forms.CharField(label=_("查找"), required=False, max_length=50)
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[])

    def __init__(self, *args, statuses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("全部")), *statuses]


def session_search_form(data):
    form = SearchForm(data, statuses=Audience.choices)
    form.fields["q"].label = _("培训名称或地点")
    form.fields["status"].label = _("培训对象")
    return form


def person_search_form(data):
    form = SearchForm(data, statuses=TrainingStatus.choices)
    form.fields["q"].label = _("姓名或身份证号后4位")
    form.fields["status"].label = _("培训情况")
    return form


def certificate_search_form(data):
    form = SearchForm(data, statuses=CertificateStatus.choices)
    form.fields["q"].label = _("持证人、证书编号或作业类别")
    form.fields["status"].label = _("证书状态")
    return form


def drill_search_form(data):
    form = SearchForm(data, statuses=DrillStatus.choices)
    form.fields["q"].label = _("单位名称")
    form.fields["status"].label = _("演练情况")
    return form


class CoverageForm(ScopedModelFormMixin, forms.Form):
    """The coverage report's target group and window ("5年内全覆盖", "分3年")."""

    unit = OrgUnitChoiceField(
        OrgUnit.objects.all(), label=_("地区或部门"), required=False, empty_label=_("全部")
    )
    category = forms.ChoiceField(label=_("人员类别"), required=False, choices=[])
    industry = forms.ModelChoiceField(
        Industry.objects.order_by("pk"), label=_("行业领域"), required=False, empty_label=_("全部")
    )
    window_start = forms.DateField(label=_("起始日期"), required=False, widget=DATE_INPUT)
    window_end = forms.DateField(label=_("截止日期"), required=False, widget=DATE_INPUT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [
            ("", _("重点人员（主要负责人、安全管理人员）")),
            *PERSON_CATEGORIES,
        ]

    def clean(self):
        cleaned = super().clean()
        cleaned["window_start"] = cleaned.get("window_start") or CAMPAIGN_START
        cleaned["window_end"] = cleaned.get("window_end") or timezone.localdate()
        if cleaned["window_start"] > cleaned["window_end"]:
            raise forms.ValidationError(_("起始日期不能晚于截止日期。"))
        return cleaned

    def filter(self, people):
        """The target group among `people` (scoped already)."""
        data = self.cleaned_data
        category = data.get("category")
        people = (
            people.filter(category=category) if category else people.filter(category__in=KEY_GROUPS)
        )
        if data.get("unit"):
            people = people.within(data["unit"])
        if data.get("industry"):
            people = people.filter(industry=data["industry"])
        return people
