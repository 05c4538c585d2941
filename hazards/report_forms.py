"""Forms of citizens' reports: the public form (no login, phone first), the receipt lookup,
and the triage steps. Forms validate input; hazards.report_services decides and writes.

Field names are the services' keyword arguments and error keys, so a service's
ValidationError lands under the field it concerns.
"""

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hazards import report_services as services
from hazards.forms import (
    DATE_INPUT,
    TEXTAREA,
    CriterionChoiceField,
    EnterpriseChoiceField,
)
from hazards.models import Hazard
from orgs.constants import Level, Role
from orgs.forms import OrgUnitChoiceField
from orgs.models import Enterprise, OrgUnit

PHOTO_ACCEPT = "image/jpeg,image/png,image/gif,image/webp,image/heic"


class CountyChoiceField(forms.ModelChoiceField):
    """Counties labelled with their province and city: names such as 西湖区 repeat."""

    def label_from_instance(self, unit):
        above = [u.name for u in (unit.province, unit.city) if u is not None and u.pk != unit.pk]
        return " ".join([*above, unit.name])


def counties():
    return (
        services.reporting_regions()
        .filter(level=Level.COUNTY)
        .select_related("province", "city")
        .order_by("path")
    )


def townships(county_id):
    if not county_id:
        return OrgUnit.objects.none()
    return services.reporting_regions().filter(level=Level.TOWNSHIP, parent_id=county_id)


class PublicReportForm(forms.Form):
    """随手拍: what, where, an optional photo, an optional way to be contacted."""

    county = CountyChoiceField(counties(), label=_("所在县（市、区）"), empty_label=_("请选择"))
    township = forms.ModelChoiceField(
        OrgUnit.objects.none(),
        label=_("乡镇（街道）"),
        required=False,
        empty_label=_("不清楚 / 请选择"),
    )
    location_text = forms.CharField(
        label=_("具体地点"),
        max_length=200,
        help_text=_("如：某某路12号某某加油站东侧"),
    )
    description = forms.CharField(
        label=_("隐患情况"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("发现了什么问题、涉及哪个单位、持续多久等。"),
    )
    photo = forms.FileField(
        label=_("现场照片（可选）"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": PHOTO_ACCEPT, "capture": "environment"}),
    )
    reporter_name = forms.CharField(label=_("您的姓名（可选）"), max_length=50, required=False)
    reporter_contact = forms.CharField(
        label=_("联系电话（可选）"),
        max_length=100,
        required=False,
        help_text=_("留下联系方式便于核查和发放举报奖励；举报人信息严格保密。"),
    )
    # Honeypot: hidden from people (CSS and aria), filled in by form-filling robots.
    website = forms.CharField(
        label=_("网址"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["photo"].help_text = _("JPG、PNG、WebP或HEIC照片，不超过%(mb)d MB。") % {
            "mb": settings.EVIDENCE_MAX_BYTES // 1024 // 1024
        }
        county_id = self.data.get("county") if self.is_bound else None
        self.fields["township"].queryset = townships(
            county_id if str(county_id or "").isdigit() else None
        )

    def service_data(self) -> dict:
        data = self.cleaned_data
        return {
            "org_unit": data["township"] or data["county"],
            "location_text": data["location_text"],
            "description": data["description"],
            "reporter_name": data["reporter_name"],
            "reporter_contact": data["reporter_contact"],
        }


class ReceiptForm(forms.Form):
    receipt = forms.CharField(
        label=_("回执码"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
        help_text=_("提交举报后显示的12位回执码，如 ABCD-EFGH-JKMN。"),
    )

    def clean_receipt(self):
        report = services.find_by_receipt(self.cleaned_data["receipt"])
        if report is None:
            raise forms.ValidationError(_("未找到该回执码，请核对后重新输入。"))
        self.report = report
        return report.receipt_code


class ReportStepForm(forms.Form):
    """A step on the report as the user saw it: a stale page is refused with a conflict."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, report, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.report, self.user = report, user
        self.fields["expected_version"].initial = report.version

    def service_kwargs(self) -> dict:
        return dict(self.cleaned_data)


def _county_path(report) -> str:
    """Where a report's handlers look for units and enterprises: its county's subtree (its
    own unit's, for a report above county level)."""
    return (report.county or report.org_unit).path


class HandlerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return str(user)


class AssignForm(ReportStepForm):
    unit = OrgUnitChoiceField(OrgUnit.objects.none(), label=_("承办单位"))
    assignee = HandlerChoiceField(
        get_user_model().objects.none(),
        label=_("承办人（可选）"),
        required=False,
        help_text=_("不选则通知承办单位全部工作人员。"),
    )
    deadline = forms.DateField(label=_("办理时限"), widget=DATE_INPUT)
    note = forms.CharField(label=_("交办意见"), required=False, widget=TEXTAREA)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        units = OrgUnit.objects.filter(path__startswith=_county_path(self.report)).restrict(
            self.user, "view"
        )
        self.fields["unit"].queryset = units.select_related("city", "county", "township")
        self.fields["unit"].initial = self.report.org_unit_id
        self.fields["assignee"].queryset = (
            get_user_model()
            .objects.filter(
                memberships__org_unit__in=units,
                memberships__role__in=(Role.STAFF, Role.ADMIN),
                is_active=True,
            )
            .distinct()
            .order_by("username")
        )
        self.fields["deadline"].initial = self.report.deadline or timezone.localdate()


class NoteForm(ReportStepForm):
    note = forms.CharField(label=_("说明"), required=False, widget=TEXTAREA)


class VerifyForm(ReportStepForm):
    """查实: the ledger entry the report becomes, and the conclusion."""

    enterprise = EnterpriseChoiceField(Enterprise.objects.none(), label=_("隐患所在单位"))
    grade = forms.ChoiceField(label=_("隐患等级"), choices=Hazard.Grade.choices)
    criterion = CriterionChoiceField()
    description = forms.CharField(label=_("隐患描述"), widget=TEXTAREA)
    place = forms.CharField(label=_("隐患部位"), max_length=200, required=False)
    found_date = forms.DateField(label=_("核实日期"), widget=DATE_INPUT)
    conclusion = forms.CharField(label=_("核查结论"), widget=TEXTAREA)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        enterprises = (
            Enterprise.objects.restrict(self.user, "view")
            .filter(is_active=True, org_path__startswith=_county_path(self.report))
            .select_related("org_unit")
            .order_by("name")
        )
        self.fields["enterprise"].queryset = enterprises
        self.fields["description"].initial = self.report.description
        self.fields["place"].initial = self.report.location_text[:200]
        self.fields["found_date"].initial = timezone.localdate()
        chosen = self.data.get("enterprise") if self.is_bound else None
        if str(chosen or "").isdigit():
            industry = enterprises.filter(pk=chosen).values_list("industry_id", flat=True).first()
            self.fields["criterion"].set_industry(industry)

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        return {"expected_version": data.pop("expected_version"), "data": data}


class UnfoundedForm(ReportStepForm):
    reason = forms.CharField(label=_("不实原因"), widget=TEXTAREA)


class RewardForm(ReportStepForm):
    amount = forms.DecimalField(label=_("奖励金额(元)"), max_digits=10, decimal_places=2)
    decision = forms.CharField(label=_("奖励决定"), widget=TEXTAREA)
    decided_on = forms.DateField(label=_("决定日期"), widget=DATE_INPUT)
    paid_on = forms.DateField(label=_("发放日期"), required=False, widget=DATE_INPUT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        report = self.report
        self.fields["amount"].initial = report.reward_amount
        self.fields["decision"].initial = report.reward_decision
        self.fields["decided_on"].initial = report.reward_decided_on or timezone.localdate()
        self.fields["paid_on"].initial = report.reward_paid_on


class ReportStatsForm(forms.Form):
    unit = forms.ModelChoiceField(OrgUnit.objects.all(), required=False, widget=forms.HiddenInput)
    period_start = forms.DateField(label=_("起始日期"), required=False, widget=DATE_INPUT)
    period_end = forms.DateField(label=_("截止日期"), required=False, widget=DATE_INPUT)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = OrgUnit.objects.restrict(user, "view")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and start > end:
            raise forms.ValidationError(_("起始日期不能晚于截止日期。"))
        return cleaned
