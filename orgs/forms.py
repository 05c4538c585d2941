"""HTML forms of the governance hierarchy. Forms validate input; orgs.services writes."""

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm
from django.utils.translation import gettext_lazy as _

from core.forms import ScopedModelFormMixin
from orgs import services
from orgs.constants import Action, Kind, Role
from orgs.models import Enterprise, OrgUnit
from orgs.validators import normalise_credit_code, validate_phone

TEL_INPUT = forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"})


class OrgUnitChoiceField(forms.ModelChoiceField):
    """An org unit labelled with the city, county and township it lies in.

    Township and department names repeat across counties (every county has its 城关镇 and
    its 民政局), so the bare name would be ambiguous in a list of choices.
    """

    def __init__(self, queryset, **kwargs):
        super().__init__(queryset.select_related("city", "county", "township"), **kwargs)
        # A province's units run to thousands: static/js/select_filter.js adds a filter box.
        self.widget.attrs.setdefault("data-filter", "")

    def label_from_instance(self, unit):
        return " / ".join([*places_above(unit), unit.name])


def places_above(unit) -> list[str]:
    """Names of the city, county and township a node lies in (select_related them)."""
    return [
        above.name
        for above in (unit.city, unit.county, unit.township)
        if above is not None and above.pk != unit.pk
    ]


class EnterpriseForm(ScopedModelFormMixin, forms.ModelForm):
    """Create or edit a 生产经营单位; the place must be a region node in the user's scope."""

    org_unit = OrgUnitChoiceField(
        OrgUnit.objects.filter(kind=Kind.REGION),
        label=_("属地"),
        empty_label=_("请选择"),
        help_text=_("单位所在的乡镇（街道）或县区。"),
    )
    # The version the editor loaded, checked by the service (optimistic concurrency).
    version = forms.IntegerField(label=_("版本"), widget=forms.HiddenInput, required=False)

    class Meta:
        model = Enterprise
        fields = [
            "name",
            "credit_code",
            "kind",
            "industry",
            "org_unit",
            "high_risk",
            "address",
            "principal_name",
            "principal_phone",
            "controller_name",
            "controller_phone",
        ]
        widgets = {
            "credit_code": forms.TextInput(
                attrs={"autocapitalize": "characters", "spellcheck": "false"}
            ),
            "principal_phone": TEL_INPUT,
            "controller_phone": TEL_INPUT,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["industry"].empty_label = _("请选择")
        if self.instance.pk:
            self.fields["version"].required = True
            self.fields["version"].initial = self.instance.version
        else:
            self.fields["high_risk"].help_text = _(
                "不勾选时按行业领域自动判定（高危行业的单位自动标记为高危）。"
            )

    def clean_credit_code(self):
        return normalise_credit_code(self.cleaned_data["credit_code"])

    def service_data(self) -> dict:
        """The fields for orgs.services.save_enterprise."""
        data = {name: self.cleaned_data[name] for name in self._meta.fields}
        if self.instance.pk is None and not data["high_risk"]:
            # Left unticked on a new unit: the service takes the industry's own rating.
            del data["high_risk"]
        return data


class EnterpriseImportForm(forms.Form):
    file = forms.FileField(
        label=_("导入文件"),
        help_text=_(
            "支持.xlsx或.csv文件，请按导入模板的列填写；已有的单位按统一社会信用代码更新。"
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )


class MembershipForm(ScopedModelFormMixin, forms.Form):
    """A role at an org unit the admin manages; an enterprise user is bound by credit code.

    The enterprise is typed (by its 统一社会信用代码) rather than chosen from a list: a
    province's register has tens of thousands of units.
    """

    org_unit = OrgUnitChoiceField(
        OrgUnit.objects.all(),
        label=_("机构"),
        required=False,
        empty_label=_("请选择"),
        help_text=_("企业用户无需选择，自动取所绑定企业的属地。"),
    )
    # No preselected role: the first one would be 管理员, too much to grant by inattention.
    role = forms.ChoiceField(label=_("角色"), choices=[("", _("请选择")), *Role.choices])
    enterprise_code = forms.CharField(
        label=_("企业统一社会信用代码"),
        required=False,
        max_length=18,
        help_text=_("仅“企业用户”角色填写。"),
    )
    scope_actions = {"org_unit": Action.MANAGE_USERS}

    def clean(self):
        cleaned = super().clean()
        role = cleaned.get("role")
        code = normalise_credit_code(cleaned.get("enterprise_code", ""))
        cleaned["enterprise"] = None
        if role == Role.ENTERPRISE:
            if not code:
                self.add_error(
                    "enterprise_code", _("企业用户必须填写所绑定企业的统一社会信用代码。")
                )
                return cleaned
            enterprise = (
                Enterprise.objects.filter(
                    credit_code=code,
                    org_unit__in=OrgUnit.objects.restrict(self.user, Action.MANAGE_USERS),
                )
                .select_related("org_unit")
                .first()
            )
            if enterprise is None:
                self.add_error(
                    "enterprise_code",
                    _("未找到该统一社会信用代码的单位，或该单位不在您的管理范围内。"),
                )
                return cleaned
            cleaned["enterprise"] = enterprise
            cleaned["org_unit"] = enterprise.org_unit
        else:
            if code:
                self.add_error("enterprise_code", _("只有“企业用户”角色才绑定企业，请清空此项。"))
            if role and not cleaned.get("org_unit") and "org_unit" not in self.errors:
                self.add_error("org_unit", _("请选择授予角色的机构。"))
        return cleaned

    def add_to(self, user, *, granted_by, request):
        data = self.cleaned_data
        return services.add_membership(
            user=user,
            org_unit=data["org_unit"],
            role=data["role"],
            enterprise=data["enterprise"],
            granted_by=granted_by,
            request=request,
        )


class UserCreateForm(MembershipForm, UserCreationForm):
    """A new account with its first role: a user without a role could do nothing."""

    full_name = forms.CharField(label=_("姓名"), max_length=50)
    phone = forms.CharField(label=_("手机号码"), max_length=20, required=False, widget=TEL_INPUT)

    # Shown first, as "账号信息"; the role fields follow.
    account_fields = ["username", "full_name", "phone", "password1", "password2"]
    field_order = account_fields

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ["username", "full_name", "phone"]

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        validate_phone(phone)
        return phone

    def save(self, *, granted_by, request):
        data = self.cleaned_data
        return services.create_user(
            username=data["username"],
            password=data["password1"],
            full_name=data["full_name"],
            phone=data["phone"],
            org_unit=data["org_unit"],
            role=data["role"],
            enterprise=data["enterprise"],
            created_by=granted_by,
            request=request,
        )


ANY_YES_NO = [("unknown", _("全部")), ("true", _("是")), ("false", _("否"))]


def label_blank_filter_choices(form):
    """A filter form's "no filter" choices read "全部", not django-filter's "---------"/"未知"."""
    for field in form.fields.values():
        if isinstance(field.widget, forms.NullBooleanSelect):
            field.widget.choices = ANY_YES_NO
        elif hasattr(field, "empty_label"):
            field.empty_label = _("全部")
            if not hasattr(field, "queryset"):
                # A plain choice widget keeps the choices it was built with: build them again.
                field.choices = list(field.choices)[1:]
    return form


class AuditHistoryFilterForm(forms.Form):
    """Filters of the data change history page; all optional."""

    SOURCES = [
        ("", _("全部")),
        ("enterprise", _("生产经营单位")),
        ("orgunit", _("组织机构")),
        ("membership", _("角色授权")),
    ]

    source = forms.ChoiceField(label=_("数据类别"), choices=SOURCES, required=False)
    username = forms.CharField(label=_("操作人用户名"), max_length=150, required=False)
    request_id = forms.CharField(label=_("请求编号"), max_length=36, required=False)
