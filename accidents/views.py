"""Pages of the accident register: the filtered list with its figures and .xlsx export, the
record and edit forms (a stale version is a conflict, never an overwrite), and the detail
page with the reporting chain and the history of changes.
"""

from django import forms
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views import View
from django.views.generic import CreateView, DetailView, ListView, UpdateView

from accidents import services
from accidents.constants import AccidentAction, Grade
from accidents.filters import AccidentFilter
from accidents.forms import AccidentForm
from accidents.models import Accident
from core import history
from core.exporting import ExportColumn, export_xlsx
from core.views import ScopedViewMixin, ServiceFormMixin, UserFormMixin
from orgs.forms import label_blank_filter_choices
from orgs.views import ScopeRequiredMixin, scope_allows, xlsx_response

# Location copies and bookkeeping, not edits a person made.
NOT_EDITS = ("org_path", "province", "city", "county", "township", "version", "updated_at")
EXPORT_COLUMNS = [
    ExportColumn(_lazy("事故名称"), "title", 40),
    ExportColumn(_lazy("发生时间"), lambda a: timezone.localtime(a.occurred_at), 18),
    ExportColumn(_lazy("事故发生地"), "org_unit.name", 16),
    ExportColumn(_lazy("事故单位"), "enterprise.name", 30),
    ExportColumn(_lazy("行业领域"), "industry.name"),
    ExportColumn(_lazy("事故类型"), lambda a: a.get_category_display()),
    ExportColumn(_lazy("事故类别"), lambda a: a.get_kind_display()),
    ExportColumn(_lazy("事故等级"), lambda a: a.get_grade_display()),
    ExportColumn(_lazy("死亡人数"), "deaths"),
    ExportColumn(_lazy("重伤人数"), "serious_injuries"),
    ExportColumn(_lazy("轻伤人数"), "injuries"),
    ExportColumn(_lazy("直接经济损失(万元)"), "direct_loss", 20),
    ExportColumn(_lazy("调查状态"), lambda a: a.get_investigation_status_display()),
    ExportColumn(_lazy("挂牌督办"), lambda a: _("是") if a.listed_supervision else ""),
    ExportColumn(_lazy("提级调查"), lambda a: _("是") if a.elevated_investigation else ""),
    ExportColumn(_lazy("迟报"), lambda a: _("是") if a.is_late else ""),
]


class AccidentFilterMixin(ScopedViewMixin):
    """The register in scope, with the late flag, narrowed by AccidentFilter."""

    model = Accident

    def get_queryset(self):
        scoped = services.with_late(
            super().get_queryset().select_related("org_unit", "enterprise", "industry")
        )
        self.filterset = AccidentFilter(self.request.GET, queryset=scoped, request=self.request)
        if not self.filterset.is_valid():
            # Show the form's errors over an empty list rather than ignore a bad filter.
            return scoped.none()
        return self.filterset.qs


class AccidentListView(AccidentFilterMixin, ListView):
    """事故登记: the filtered register and its figures (by grade, casualties, loss)."""

    template_name = "accidents/accident_list.html"
    paginate_by = 20

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        figures = self.object_list.order_by().aggregate(
            count=Count("pk"),
            deaths=Sum("deaths"),
            serious_injuries=Sum("serious_injuries"),
            injuries=Sum("injuries"),
            direct_loss=Sum("direct_loss"),
            late=Count("pk", filter=Q(is_late=True)),
            **{grade.value: Count("pk", filter=Q(grade=grade)) for grade in Grade},
        )
        form = label_blank_filter_choices(self.filterset.form)
        # Ticked on a phone rather than picked from a multiple-select box.
        form.fields["grade"].choices = Grade.choices
        form.fields["grade"].widget = forms.CheckboxSelectMultiple(choices=Grade.choices)
        context.update(
            filter_form=form,
            figures=figures,
            by_grade=[(grade, figures[grade.value]) for grade in Grade],
            can_add=scope_allows(self.request.user, Accident, AccidentAction.ADD),
            query=self.request.GET.urlencode(),
        )
        return context


class AccidentExportView(AccidentFilterMixin, View):
    """The filtered register as .xlsx."""

    def get(self, request):
        content = export_xlsx(
            self.get_queryset().iterator(chunk_size=2000), EXPORT_COLUMNS, sheet_title=_("事故登记")
        )
        return xlsx_response(content, _("生产安全事故登记.xlsx"))


class AccidentFormMixin(UserFormMixin, ServiceFormMixin):
    """The record and edit forms; the message after saving states the grade."""

    form_class = AccidentForm
    template_name = "accidents/accident_form.html"

    def get_success_message(self):
        return _("已保存，事故等级：%(grade)s。") % {"grade": self.object.get_grade_display()}


class AccidentCreateView(ScopeRequiredMixin, AccidentFormMixin, ScopedViewMixin, CreateView):
    model = Accident
    scope_action = AccidentAction.ADD

    def run(self, form):
        return services.record_accident(form.service_data(), user=self.request.user)


class AccidentUpdateView(AccidentFormMixin, ScopedViewMixin, UpdateView):
    model = Accident
    scope_action = AccidentAction.CHANGE

    def run(self, form):
        return services.update_accident(
            self.object,
            form.service_data(),
            user=self.request.user,
            expected_version=form.cleaned_data["expected_version"],
        )


class AccidentDetailView(ScopedViewMixin, DetailView):
    """One accident: figures and grade, the reporting chain, and every change made to it."""

    model = Accident
    template_name = "accidents/accident_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("org_unit", "enterprise", "industry")

    def get_context_data(self, **kwargs):
        accident = self.object
        records = history.with_previous(
            accident.history.select_related("history_user").order_by("-history_id")
        )[:100]
        statutory = services.statutory_grade(accident)
        return super().get_context_data(
            steps=services.reporting_steps(accident),
            regrade_until=services.regrade_deadline(accident.occurred_at, accident.category),
            statutory_grade=Grade(statutory).label if statutory != accident.grade else "",
            entries=history.describe(records, excluded_fields=NOT_EDITS),
            can_change=Accident.objects.restrict(self.request.user, AccidentAction.CHANGE)
            .filter(pk=accident.pk)
            .exists(),
            **kwargs,
        )
