"""HTML forms of the hazard ledger. Forms validate input; hazards.services writes and decides.

The names of the fields are the services' keyword arguments (and their error keys), so a
ValidationError raised by a service lands under the field it concerns.
"""

from itertools import groupby

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import MultipleFileField, ScopedModelFormMixin
from hazards import services
from hazards.constants import MAX_FILES_PER_UPLOAD
from hazards.models import Hazard, HazardCriterion, HazardFile
from orgs.constants import Kind, Level
from orgs.forms import OrgUnitChoiceField
from orgs.models import OrgUnit

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXTAREA = forms.Textarea(attrs={"rows": 3})
# The entry form's select lists this many enterprises; with more in scope the user searches.
ENTERPRISE_CHOICES_SHOWN = 100


def photo_field(label, *, accept="image/*", help_text=""):
    """Photos from the phone's camera (it opens straight away), several at once."""
    return MultipleFileField(
        label=label,
        required=False,
        attrs={"accept": accept, "capture": "environment"},
        help_text=help_text
        or _("可直接拍照，可选多张，一次最多%(n)d个。") % {"n": MAX_FILES_PER_UPLOAD},
    )


def enterprise_label(enterprise) -> str:
    """An enterprise with its township (select_related it): names repeat across a county."""
    return f"{enterprise.name}（{enterprise.org_unit.name}）"


class EnterpriseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, enterprise):
        return enterprise_label(enterprise)


def enterprise_options(enterprises, *, query="", chosen=None):
    """The options of the enterprise select: the first matches of a search and the enterprise
    already chosen (a form sent back with errors keeps it)."""
    matches = enterprises
    if query:
        matches = enterprises.filter(name__icontains=query) | enterprises.filter(
            credit_code__startswith=query.upper()
        )
    shown = list(matches[:ENTERPRISE_CHOICES_SHOWN])
    if str(chosen or "").isdigit() and all(e.pk != int(chosen) for e in shown):
        shown[:0] = enterprises.filter(pk=chosen)
    return [("", _("请选择")), *((e.pk, enterprise_label(e)) for e in shown)]


class CriterionChoiceField(forms.ModelChoiceField):
    """A 判定依据 clause of one industry's standards, the options grouped by standard."""

    def __init__(self, industry_id=None, **kwargs):
        kwargs.setdefault("label", _("判定依据"))
        kwargs.setdefault("required", False)
        kwargs.setdefault("empty_label", _("请选择"))
        kwargs.setdefault("help_text", _("重大事故隐患须选择所依据的判定标准条款。"))
        super().__init__(HazardCriterion.objects.none(), **kwargs)
        self.set_industry(industry_id)

    def set_industry(self, industry_id):
        """Offer the active clauses of this industry; none until the industry is known."""
        self.queryset = (
            HazardCriterion.objects.filter(industry_id=industry_id, is_active=True)
            if industry_id
            else HazardCriterion.objects.none()
        )
        self.widget.choices = criterion_choices(self.queryset, self.empty_label)

    def label_from_instance(self, criterion):
        return criterion_label(criterion)


def criterion_label(criterion) -> str:
    """The clause and what it covers; the standard names the option's group."""
    return f"{criterion.clause} {criterion.title}".strip()


def criterion_choices(criteria, empty_label):
    """[("", empty label), (standard, [(id, clause and title), …]), …]."""
    groups = [
        (standard, [(c.pk, criterion_label(c)) for c in clauses])
        for standard, clauses in groupby(criteria, key=lambda c: c.standard)
    ]
    return [("", empty_label), *groups]


class HazardReportForm(ScopedModelFormMixin, forms.ModelForm):
    """The phone entry form: an enterprise in scope, what was found, photos from the camera.

    An enterprise user reports for its own unit through its own self-inspection: both are
    fixed. The criteria offered are those of the chosen enterprise's industry; htmx reloads
    them when the enterprise changes.
    """

    criterion = CriterionChoiceField()
    files = photo_field(_("隐患照片"))

    class Meta:
        model = Hazard
        fields = [
            "enterprise",
            "grade",
            "source",
            "criterion",
            "description",
            "place",
            "found_date",
            "finder_name",
        ]
        field_classes = {"enterprise": EnterpriseChoiceField}
        widgets = {"description": TEXTAREA, "found_date": DATE_INPUT}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        enterprise = self.fields["enterprise"]
        enterprise.queryset = (
            enterprise.queryset.filter(is_active=True).select_related("org_unit").order_by("name")
        )
        enterprise.empty_label = _("请选择")
        # Pushes from other government systems come through the API, not this form.
        self.fields["source"].choices = [
            choice
            for choice in self.fields["source"].choices
            if choice[0] != Hazard.Source.OTHER_SYSTEM
        ]
        today = timezone.localdate()
        self.fields["found_date"].initial = today
        self.fields["found_date"].widget.attrs["max"] = today.isoformat()
        self.fields["finder_name"].initial = self.user.full_name

        self.own_enterprise = None
        self.enterprise_search = False
        if services.is_enterprise_user(self.user):
            self.own_enterprise = enterprise.queryset.first()
            for name, value in (
                ("enterprise", getattr(self.own_enterprise, "pk", None)),
                ("source", Hazard.Source.SELF_INSPECTION),
            ):
                self.fields[name].initial = value
                self.fields[name].disabled = True
            industry_id = getattr(self.own_enterprise, "industry_id", None)
        else:
            chosen = self["enterprise"].value()
            industry_id = (
                enterprise.queryset.filter(pk=chosen).values_list("industry_id", flat=True).first()
                if str(chosen or "").isdigit()
                else None
            )
            self.enterprise_search = enterprise.queryset.count() > ENTERPRISE_CHOICES_SHOWN
            if self.enterprise_search:
                enterprise.widget.choices = enterprise_options(enterprise.queryset, chosen=chosen)
        self.fields["criterion"].set_industry(industry_id)

    def service_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self._meta.fields}


class VersionedForm(forms.Form):
    """A transition on the hazard as the user saw it: a step taken on a stale page (someone
    acted meanwhile) is refused by the service with a conflict message."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, hazard, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expected_version"].initial = hazard.version

    def service_kwargs(self) -> dict:
        return dict(self.cleaned_data)


class HazardUpdateForm(ScopedModelFormMixin, forms.ModelForm):
    """Correcting the description of an open hazard; the 五落实 has its own form and the
    workflow fields change only through transitions.

    Officials edit the description until close-out is requested; an enterprise user corrects
    its own report until it is confirmed, without touching the grade.
    """

    criterion = CriterionChoiceField()
    expected_version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Hazard
        fields = list(services.DESCRIPTION_FIELDS)
        widgets = {"description": TEXTAREA, "found_date": DATE_INPUT}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expected_version"].initial = self.instance.version
        self.fields["criterion"].set_industry(self.instance.industry_id)
        self.fields["found_date"].widget.attrs["max"] = timezone.localdate().isoformat()
        if services.is_enterprise_user(self.user):
            for name in set(services.DESCRIPTION_FIELDS) - set(
                services.ENTERPRISE_DESCRIPTION_FIELDS
            ):
                del self.fields[name]

    def service_data(self) -> dict:
        return {
            name: value for name, value in self.cleaned_data.items() if name in self._meta.fields
        }


class ConfirmForm(VersionedForm):
    """确认: the grade and criterion as the confirming official judges them."""

    grade = forms.ChoiceField(label=_("隐患等级"), choices=Hazard.Grade.choices)
    criterion = CriterionChoiceField(help_text=_("一般事故隐患不填；重大事故隐患必填。"))

    def __init__(self, *args, hazard, **kwargs):
        super().__init__(*args, hazard=hazard, **kwargs)
        self.fields["grade"].initial = hazard.grade
        self.fields["criterion"].initial = hazard.criterion_id
        self.fields["criterion"].set_industry(hazard.industry_id)


class RectificationPlanForm(VersionedForm):
    """五落实: 责任、措施、资金、时限、预案. A plan may be saved in parts; rectification starts
    only once all five are there (the service says what is missing)."""

    responsible_person = forms.CharField(label=_("整改责任人"), max_length=50, required=False)
    responsible_phone = forms.CharField(
        label=_("责任人电话"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}),
    )
    measures = forms.CharField(label=_("整改措施"), required=False, widget=TEXTAREA)
    funds = forms.DecimalField(
        label=_("整改资金(万元)"),
        max_digits=12,
        decimal_places=2,
        min_value=0,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01", "min": "0"}),
    )
    deadline = forms.DateField(label=_("整改时限"), required=False, widget=DATE_INPUT)
    contingency_plan = forms.CharField(
        label=_("应急预案"),
        required=False,
        widget=TEXTAREA,
        help_text=_("整改期间的安全防范和应急措施。"),
    )

    def __init__(self, *args, hazard, **kwargs):
        super().__init__(*args, hazard=hazard, **kwargs)
        for name in services.PLAN_FIELDS:
            self.fields[name].initial = getattr(hazard, name)

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        return {"expected_version": data.pop("expected_version"), "data": data}


class RequestCloseOutForm(VersionedForm):
    """申请销号: after-photos or scanned evidence (PDF), and what was done."""

    files = photo_field(
        _("整改后照片或佐证材料"),
        accept="image/*,application/pdf",
        help_text=_("可直接拍照，也可选择PDF佐证材料；已上传过的可不再上传。"),
    )
    note = forms.CharField(label=_("整改情况说明"), required=False, widget=TEXTAREA)


class CloseForm(VersionedForm):
    note = forms.CharField(
        label=_("审核意见"),
        widget=TEXTAREA,
        help_text=_("现场核查或资料审核的结论，销号后记入台账。"),
    )


class ReturnForm(VersionedForm):
    reason = forms.CharField(label=_("退回原因"), widget=TEXTAREA)


class VoidForm(VersionedForm):
    reason = forms.CharField(
        label=_("作废原因"),
        widget=TEXTAREA,
        help_text=_("如重复录入、录入错误。作废的隐患不计入台账和统计，可以恢复。"),
    )


class DelistForm(VersionedForm):
    note = forms.CharField(label=_("摘牌说明"), required=False, widget=TEXTAREA)


class ListingForm(ScopedModelFormMixin, VersionedForm):
    """挂牌督办 by a province, city or county above the hazard's location."""

    level = forms.ChoiceField(label=_("督办级别"), choices=Hazard.ListedLevel.choices)
    unit = OrgUnitChoiceField(
        OrgUnit.objects.filter(
            kind=Kind.REGION, level__in=[Level.PROVINCE, Level.CITY, Level.COUNTY]
        ),
        label=_("督办单位"),
        empty_label=_("请选择"),
    )
    listed_date = forms.DateField(label=_("挂牌日期"), widget=DATE_INPUT)

    def __init__(self, *args, hazard, **kwargs):
        super().__init__(*args, hazard=hazard, **kwargs)
        # The regions above the hazard's location, among those the user sees.
        unit = self.fields["unit"]
        unit.queryset = unit.queryset.filter(
            pk__in=[hazard.province_id, hazard.city_id, hazard.county_id]
        )
        today = timezone.localdate()
        self.fields["listed_date"].initial = today
        self.fields["listed_date"].widget.attrs["max"] = today.isoformat()


class AddFilesForm(forms.Form):
    """Photos or documents added to an open hazard, outside a transition."""

    kind = forms.ChoiceField(label=_("类别"), choices=HazardFile.Kind.choices)
    files = photo_field(_("文件"), accept="image/*,application/pdf")

    def service_kwargs(self) -> dict:
        return dict(self.cleaned_data)


class HazardImportForm(forms.Form):
    file = forms.FileField(
        label=_("导入文件"),
        help_text=_("请使用本页的导入模板（.xlsx）；重复导入同一文件不会产生重复记录。"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )


# The figure of hazards.stats shown in each cell of the region × industry table.
STATS_METRICS = [
    ("found", _("发现")),
    ("rectified", _("已整改")),
    ("closed", _("销号")),
    ("open", _("未销号")),
    ("overdue", _("逾期")),
    ("listed_open", _("挂牌督办")),
]


class StatsForm(ScopedModelFormMixin, forms.Form):
    """The statistics page's unit (any in scope: rows link down to children) and period."""

    unit = forms.ModelChoiceField(OrgUnit.objects.all(), required=False, widget=forms.HiddenInput)
    period_start = forms.DateField(label=_("起始日期"), required=False, widget=DATE_INPUT)
    period_end = forms.DateField(label=_("截止日期"), required=False, widget=DATE_INPUT)
    metric = forms.ChoiceField(label=_("表中数字"), choices=STATS_METRICS, required=False)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and start > end:
            raise forms.ValidationError(_("起始日期不能晚于截止日期。"))
        return cleaned
