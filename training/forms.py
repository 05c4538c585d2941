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


class UnechoedTextInput(forms.TextInput):
    """A text box that never writes a value into the page, not even the one just posted: an
    ID number is typed in, never shown back in clear (a form re-shown with errors is empty)."""

    def format_value(self, value):
        return None


def id_number_field(label, help_text) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=18,
        widget=UnechoedTextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text=help_text,
    )


class PersonForm(OrganiserForm):
    """Registering or editing a person; the ID number is checked (GB 11643) and stored
    protected by the service, never kept on the model in clear nor shown in the form. On an
    edit, an empty box keeps the registered number."""

    id_number = id_number_field(_("身份证号码"), _("18位居民身份证号码；登记后仅显示后4位。"))
    clear_id_number = forms.BooleanField(label=_("删除已登记的身份证号码"), required=False)
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Person
        fields = ["org_unit", "enterprise", "name", "category", "position", "phone", "is_active"]
        widgets = {"phone": forms.TextInput(attrs={"type": "tel", "inputmode": "tel"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].label = _("所在企业")
        if "org_unit" in self.fields:
            self.fields["org_unit"].label = _("所在单位")
            self.fields["org_unit"].help_text = _(
                "政府部门或乡镇（街道）的人员填写；企业人员选择企业。"
            )
        person = self.instance
        if not person.pk:
            for name in ("clear_id_number", "expected_version", "is_active"):
                del self.fields[name]
            return
        self.fields["expected_version"].initial = person.version
        if person.id_number_last4:
            self.fields["id_number"].label = _("更换身份证号码")
            self.fields["id_number"].help_text = _(
                "已登记：%(masked)s。不更换请留空；填写的新号码须通过校验，将替换原号码。"
            ) % {"masked": person.masked_id_number}
        else:
            del self.fields["clear_id_number"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("clear_id_number") and cleaned.get("id_number"):
            raise forms.ValidationError(_("删除身份证号码时不能同时填写新号码。"))
        return cleaned

    def service_data(self) -> dict:
        data = {
            k: v
            for k, v in self.cleaned_data.items()
            if k not in ("expected_version", "clear_id_number")
        }
        if self.cleaned_data.get("clear_id_number"):
            data["id_number"] = ""
        elif self.instance.pk and not data.get("id_number"):
            # Left empty on an edit: the registered number stays.
            data.pop("id_number", None)
        return data


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


class RenewCertificateForm(forms.Form):
    """复审 (a review passed) or 换证 (a new card): the service recomputes the dates; the
    certificate's history keeps the old ones."""

    reviewed_on = forms.DateField(
        label=_("复审日期"),
        required=False,
        widget=DATE_INPUT,
        help_text=_("复审合格的日期；下次复审为3年后，不超过有效期。"),
    )
    issued_on = forms.DateField(
        label=_("换证日期"),
        required=False,
        widget=DATE_INPUT,
        help_text=_("换发新证的日期；复审日期和有效期由此重新计算。"),
    )
    number = forms.CharField(
        label=_("新证编号"),
        required=False,
        max_length=50,
        widget=UnechoedTextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text=_("换证且编号改变时填写；编号为身份证号码的，保存后仅显示后4位。"),
    )
    issuing_authority = forms.CharField(label=_("发证机关"), required=False, max_length=100)
    expires_on = forms.DateField(
        label=_("新证有效期至"),
        required=False,
        widget=DATE_INPUT,
        help_text=_("换证时填写；不填则为换证日期后6年。"),
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, certificate, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expected_version"].initial = certificate.version
        today = timezone.localdate().isoformat()
        for name in ("reviewed_on", "issued_on"):
            self.fields[name].widget.attrs["max"] = today

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("reviewed_on") and cleaned.get("issued_on"):
            raise forms.ValidationError(_("复审和换证请分别办理：只填写其中一个日期。"))
        if cleaned.get("reviewed_on") and (cleaned.get("number") or cleaned.get("expires_on")):
            raise forms.ValidationError(_("新证编号和有效期只在换证时填写。"))
        return cleaned

    def service_data(self) -> dict:
        return {
            k: v
            for k, v in self.cleaned_data.items()
            if v not in (None, "") and k != "expected_version"
        }


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
        self.fields["kind"].help_text = _(
            "现场处置方案演练每半年至少一次，单独考核；其他类型计入每年（高危行业、养老机构每半年）"
            "一次的应急预案演练。"
        )
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
    form.fields["q"].label = _("持证人、证书编号、作业类别或企业")
    form.fields["status"].label = _("证书状态")
    return form


def drill_search_form(data):
    form = SearchForm(data, statuses=DrillStatus.choices)
    form.fields["q"].label = _("单位名称")
    form.fields["status"].label = _("演练情况")
    return form


class TrainingStatsForm(ScopedModelFormMixin, forms.Form):
    """The unit (any in scope; its subtree counts) and period of the training statistics."""

    unit = OrgUnitChoiceField(
        OrgUnit.objects.order_by("path"),
        label=_("统计单位"),
        required=False,
        empty_label=_("本人管辖范围"),
    )
    period_start = forms.DateField(label=_("起始日期"), required=False, widget=DATE_INPUT)
    period_end = forms.DateField(label=_("截止日期"), required=False, widget=DATE_INPUT)

    def clean(self):
        cleaned = super().clean()
        end = cleaned.get("period_end") or timezone.localdate()
        cleaned["period_end"] = end
        cleaned["period_start"] = cleaned.get("period_start") or end.replace(month=1, day=1)
        if cleaned["period_start"] > end:
            raise forms.ValidationError(_("起始日期不能晚于截止日期。"))
        return cleaned


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
