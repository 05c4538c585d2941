"""HTML forms of the bulletins. Forms validate input; reports.bulletins writes and decides.

Field names are the services' (and their error keys), so a ValidationError raised by a
service lands under the field it concerns.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import ScopedModelFormMixin
from orgs.constants import Kind
from orgs.forms import OrgUnitChoiceField
from reports import bulletins
from reports.models import Bulletin, BulletinArticle, BulletinSeries, DataBlock, PeriodKind
from reports.rollups import metric_choices

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SeriesForm(ScopedModelFormMixin, forms.ModelForm):
    class Meta:
        model = BulletinSeries
        fields = list(bulletins.SERIES_FIELDS)
        field_classes = {"org_unit": OrgUnitChoiceField}


class DistributionField(forms.ModelMultipleChoiceField):
    widget = forms.SelectMultiple(attrs={"size": 6, "data-filter": ""})

    def label_from_instance(self, unit):
        return unit.name


class BulletinForm(ScopedModelFormMixin, forms.ModelForm):
    """A draft's metadata: series, title, figures' period and scope, distribution lists."""

    scope_actions = {"series": "change"}
    period_end = forms.DateField(
        label=_("统计截至"),
        widget=DATE_INPUT,
        help_text=_("所选日期所在的月、季度或年度；年初至今为当年1月至所选月份。"),
    )

    class Meta:
        model = Bulletin
        fields = [
            "series",
            "title",
            "is_special",
            "date",
            "scope_unit",
            "period_kind",
            "period_end",
            "copy_to",
            "copy_to_text",
            "distribute_to",
            "distribute_to_text",
        ]
        field_classes = {
            "scope_unit": OrgUnitChoiceField,
            "copy_to": DistributionField,
            "distribute_to": DistributionField,
        }
        widgets = {
            "date": DATE_INPUT,
            "copy_to_text": forms.Textarea(attrs={"rows": 2}),
            "distribute_to_text": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {"date": _("印发日期（不填则为签发当天）")}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["scope_unit"].queryset = self.fields["scope_unit"].queryset.filter(
            kind=Kind.REGION
        )
        # 抄报 goes up and 分送 to peers: not only the author's own scope (see the service).
        units = bulletins.distribution_units(user)
        self.fields["copy_to"].queryset = units
        self.fields["distribute_to"].queryset = units
        self.fields["period_kind"].choices = PeriodKind.choices

    def service_data(self) -> dict:
        fields = bulletins.BULLETIN_FIELDS
        return {name: value for name, value in self.cleaned_data.items() if name in fields}


class ArticleForm(forms.ModelForm):
    """An article; without an order it goes after the others."""

    class Meta:
        model = BulletinArticle
        fields = ["heading", "order", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 12})}
        help_texts = {
            "body": _("每段一行。用 {{标记}} 插入数据块：同比语句嵌在句中，表格和图表单独成段。")
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["order"].required = False


class DataBlockForm(forms.Form):
    """A data block: what it shows; `params` is assembled from the optional wording fields."""

    key = forms.SlugField(label=_("标记"), max_length=30, help_text=_("正文中写作 {{标记}}。"))
    kind = forms.ChoiceField(label=_("类型"), choices=DataBlock.Kind.choices)
    metrics = forms.MultipleChoiceField(
        label=_("指标"),
        choices=metric_choices,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("同比语句和图表选一个指标；表格可选多个。"),
    )
    label = forms.CharField(
        label=_("语句中的说法"),
        required=False,
        max_length=30,
        help_text=_("如“发生事故”“死亡”；不填按指标名称。"),
    )
    title = forms.CharField(label=_("表格或图表标题"), required=False, max_length=100)

    def params(self) -> dict:
        data = self.cleaned_data
        return {name: data[name] for name in ("label", "title") if data.get(name)}
