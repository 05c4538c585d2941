"""Pages of enforcement actions (with their 督办函 / 警示函), special campaigns, 双随机 draws and
the statistics (执法统计, with its .xlsx export).

Every page over a scoped model is a core.views.ScopedViewMixin, so out of scope is 404. Views
are thin: the rules and their Chinese messages are inspections.enforcement's and
inspections.draws'; a refused step shows the service's message on the page.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views import View
from django.views.generic import CreateView, DetailView, FormView, ListView, TemplateView
from django.views.generic.detail import SingleObjectMixin

from core.exporting import ExportColumn, XlsxBuilder
from core.views import ScopedViewMixin, ServiceFormMixin, UserFormMixin, refusal
from hazards.stats import default_stats_unit
from inspections import draws, enforcement
from inspections.enforcement_forms import (
    DocumentForm,
    DrawForm,
    EnforcementActionForm,
    EnforcementFilterForm,
    LiftForm,
    PublishForm,
    RedrawForm,
    SpecialCampaignForm,
    StatsForm,
)
from inspections.models import EnforcementAction, Inspection, RandomDraw, SpecialCampaign
from inspections.stats import inspection_stats
from orgs.constants import Action
from orgs.models import OrgUnit
from orgs.views import ScopeRequiredMixin, scope_allows, xlsx_response


def allows(user, obj, action) -> bool:
    """Whether the user may `action` this object (a button shown or not)."""
    return type(obj).objects.restrict(user, action).filter(pk=obj.pk).exists()


class ObjectStepView(ScopedViewMixin, SingleObjectMixin, FormView):
    """A POST-only step on one object (lift, generate a letter, publish, redraw): its errors
    are shown as messages on the object's page."""

    http_method_names = ["post"]
    success_message = ""

    def get_form_kwargs(self):
        return {"data": self.request.POST}

    def form_invalid(self, form):
        for errors in form.errors.values():
            for message in errors:
                messages.error(self.request, message)
        return HttpResponseRedirect(self.object_url(self.object))

    def form_valid(self, form):
        try:
            result = self.run(form)
        except (ValidationError, PermissionDenied) as error:
            for message in refusal(error):
                messages.error(self.request, message)
            return HttpResponseRedirect(self.object_url(self.object))
        messages.success(self.request, self.success_message)
        return HttpResponseRedirect(self.object_url(result))


# --- Enforcement actions ----------------------------------------------------------------------


def action_url(action) -> str:
    return reverse("inspections:enforcement_detail", args=[action.pk])


class EnforcementListView(ScopedViewMixin, ListView):
    """执法措施: the actions in scope, newest first, by kind and date."""

    model = EnforcementAction
    template_name = "inspections/enforcement_list.html"
    paginate_by = 30

    def get_queryset(self):
        queryset = (
            super()
            .get_queryset()
            .select_related("enterprise", "org_unit", "issuing_unit", "inspection")
        )
        self.form = EnforcementFilterForm(self.request.GET)
        if not self.form.is_valid():
            return queryset.none()
        data = self.form.cleaned_data
        if data.get("kind"):
            queryset = queryset.filter(kind=data["kind"])
        if data.get("decided_after"):
            queryset = queryset.filter(decided_on__gte=data["decided_after"])
        if data.get("decided_before"):
            queryset = queryset.filter(decided_on__lte=data["decided_before"])
        return queryset

    def get_context_data(self, **kwargs):
        return super().get_context_data(filter_form=self.form, **kwargs)


class EnforcementCreateView(
    UserFormMixin, ServiceFormMixin, ScopedViewMixin, SingleObjectMixin, FormView
):
    """录入执法措施 at an inspection: the enterprise is one of its targets."""

    model = Inspection
    form_class = EnforcementActionForm
    template_name = "inspections/enforcement_form.html"
    success_message = _lazy("已录入执法措施。")

    def get(self, request, *args, **kwargs):
        self._require_add()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self._require_add()
        return super().post(request, *args, **kwargs)

    def _require_add(self):
        if not scope_allows(self.request.user, EnforcementAction, Action.ADD):
            raise PermissionDenied

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "inspection": self.object}

    def get_context_data(self, **kwargs):
        return super().get_context_data(inspection=self.object, **kwargs)

    def run(self, form):
        return enforcement.record_action(form.service_data(), user=self.request.user)

    def get_success_url(self):
        return action_url(self.object)


class EnforcementDetailView(ScopedViewMixin, DetailView):
    """One action, its letter (generate / download) and, for a suspension, its lifting."""

    model = EnforcementAction
    template_name = "inspections/enforcement_detail.html"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related(
                "enterprise",
                "org_unit",
                "issuing_unit",
                "inspection__inspecting_unit",
                "special_campaign",
                "created_by",
            )
        )

    def get_context_data(self, **kwargs):
        can_change = allows(self.request.user, self.object, Action.CHANGE)
        return super().get_context_data(
            can_change=can_change,
            document_form=DocumentForm(),
            lift_form=LiftForm(initial={"lifted_on": timezone.localdate()}),
            **kwargs,
        )


class EnforcementDocumentCreateView(ObjectStepView):
    """生成督办函 / 警示函."""

    model = EnforcementAction
    form_class = DocumentForm
    success_message = _lazy("文书已生成，可下载。")
    object_url = staticmethod(action_url)

    def run(self, form):
        return enforcement.generate_document(
            self.object, form.cleaned_data["document_kind"], user=self.request.user
        )


class EnforcementLiftView(ObjectStepView):
    """解除停产停业."""

    model = EnforcementAction
    form_class = LiftForm
    success_message = _lazy("已解除停产停业。")
    object_url = staticmethod(action_url)

    def run(self, form):
        return enforcement.lift_suspension(
            self.object, form.cleaned_data["lifted_on"], user=self.request.user
        )


class EnforcementDocumentView(ScopedViewMixin, SingleObjectMixin, View):
    """The letter's PDF, streamed only to those who see the action."""

    model = EnforcementAction

    def get(self, request, *args, **kwargs):
        action = self.object
        if not action.document_file:
            raise Http404
        response = FileResponse(
            action.document_file.open("rb"),
            content_type="application/pdf",
            as_attachment=True,
            filename=enforcement.document_filename(action),
        )
        response["Cache-Control"] = "private, no-store"
        return response


# --- Special campaigns ---------------------------------------------------------------------


class AddableListView(ScopedViewMixin, ListView):
    """A list in scope, with what each row shows read in the same query, and whether the user
    may add to it."""

    paginate_by = 30
    related: tuple[str, ...] = ()

    def get_queryset(self):
        return super().get_queryset().select_related(*self.related)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            can_add=scope_allows(self.request.user, self.model, Action.ADD), **kwargs
        )


class CampaignListView(AddableListView):
    model = SpecialCampaign
    template_name = "inspections/campaign_list.html"
    related = ("org_unit",)


class CampaignCreateView(
    ScopeRequiredMixin, UserFormMixin, ServiceFormMixin, ScopedViewMixin, CreateView
):
    model = SpecialCampaign
    scope_action = Action.ADD
    form_class = SpecialCampaignForm
    template_name = "inspections/campaign_form.html"
    success_message = _lazy("已创建专项行动。")

    def run(self, form):
        return enforcement.create_campaign(form.service_data(), user=self.request.user)

    def get_success_url(self):
        return reverse("inspections:campaign_detail", args=[self.object.pk])


class CampaignUpdateView(
    UserFormMixin, ServiceFormMixin, ScopedViewMixin, SingleObjectMixin, FormView
):
    model = SpecialCampaign
    scope_action = Action.CHANGE
    form_class = SpecialCampaignForm
    template_name = "inspections/campaign_form.html"
    success_message = _lazy("已保存专项行动。")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        campaign = self.object
        kwargs["initial"] = {
            **{name: getattr(campaign, name) for name in enforcement.CAMPAIGN_FIELDS},
            "org_unit": campaign.org_unit_id,
            "participating_units": list(campaign.participating_units.all()),
        }
        return kwargs

    def run(self, form):
        data = form.service_data()
        data.pop("org_unit", None)
        return enforcement.update_campaign(
            self.object, data, user=self.request.user, expected_version=self.object.version
        )

    def get_success_url(self):
        return reverse("inspections:campaign_detail", args=[self.object.pk])


class CampaignDetailView(ScopedViewMixin, DetailView):
    """A special campaign and its figures, as the bulletin reports them (seed 004)."""

    model = SpecialCampaign
    template_name = "inspections/campaign_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("org_unit")

    def get_context_data(self, **kwargs):
        campaign = self.object
        return super().get_context_data(
            stats=inspection_stats(self.request.user, campaign=campaign),
            participating_units=list(campaign.participating_units.order_by("path")),
            can_change=allows(self.request.user, campaign, Action.CHANGE),
            **kwargs,
        )


# --- 双随机 draws ------------------------------------------------------------------------


def draw_url(draw) -> str:
    return reverse("inspections:draw_detail", args=[draw.pk])


class DrawListView(AddableListView):
    model = RandomDraw
    template_name = "inspections/draw_list.html"
    related = ("org_unit", "created_by")


class DrawCreateView(
    ScopeRequiredMixin, UserFormMixin, ServiceFormMixin, ScopedViewMixin, FormView
):
    model = RandomDraw
    scope_action = Action.ADD
    form_class = DrawForm
    template_name = "inspections/draw_form.html"
    success_message = _lazy("已完成抽取并记录，请核对后公示。")

    def run(self, form):
        return draws.make_draw(form.cleaned_data, user=self.request.user)

    def get_success_url(self):
        return draw_url(self.object)


class DrawDetailView(ScopedViewMixin, DetailView):
    """The draw and its result (公示 once published), its check, and its redraws."""

    model = RandomDraw
    template_name = "inspections/draw_detail.html"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("org_unit", "created_by", "previous_draw", "special_campaign")
            .prefetch_related("redraws")
        )

    def get_context_data(self, **kwargs):
        draw = self.object
        user = self.request.user
        return super().get_context_data(
            rows=draws.result_rows(draw),
            verification=draws.verify(draw),
            redraws=list(draw.redraws.all()),
            can_publish=allows(user, draw, Action.CHANGE),
            can_redraw=allows(user, draw, Action.ADD),
            redraw_form=RedrawForm(),
            **kwargs,
        )


class DrawPublishView(ObjectStepView):
    model = RandomDraw
    form_class = PublishForm
    success_message = _lazy("抽取结果已公示，已通知本单位和抽中的检查人员。")
    object_url = staticmethod(draw_url)

    def run(self, form):
        return draws.publish(self.object, user=self.request.user)


class DrawRedrawView(ObjectStepView):
    model = RandomDraw
    form_class = RedrawForm
    success_message = _lazy("已重新抽取并记录原因。")
    object_url = staticmethod(draw_url)

    def run(self, form):
        return draws.redraw(self.object, form.cleaned_data["reason"], user=self.request.user)


# --- Statistics ----------------------------------------------------------------------------

STATS_COLUMNS = [
    ExportColumn("地区", "name", width=24),
    ExportColumn("派出工作组(个)", "work_groups"),
    ExportColumn("派出人员(人)", "members"),
    ExportColumn("检查(次)", "inspections"),
    ExportColumn("检查企业(家)", "enterprises_checked"),
    ExportColumn("发现隐患(项)", "hazards_found"),
    ExportColumn("整改完成(项)", "hazards_rectified"),
    ExportColumn("执法措施(次)", "actions"),
    *[
        ExportColumn(f"{label}(次)", lambda row, kind=kind: row.by_kind[kind])
        for kind, label in EnforcementAction.Kind.choices
    ],
    ExportColumn("罚款(元)", "fines", width=16),
    ExportColumn("责令停产停业(家)", "enterprises_stopped"),
    ExportColumn("零处罚", lambda row: "是" if row.zero_penalty else ""),
]
UNIT_COLUMNS = [
    ExportColumn("检查单位", "name", width=30),
    ExportColumn("检查(次)", "inspections"),
    ExportColumn("执法措施(次)", "actions"),
    ExportColumn("零处罚", lambda row: "是" if row.zero_penalty else ""),
]
SUMMARY_COLUMNS = [
    ExportColumn("项目", lambda row: row[0], width=24),
    ExportColumn("数量", lambda row: row[1]),
    ExportColumn("单位", lambda row: row[2]),
]


class StatsMixin(ScopedViewMixin):
    model = EnforcementAction

    def statistics(self):
        """(form, Statistics or None) for the query string."""
        user = self.request.user
        form = StatsForm(self.request.GET or None, user=user)
        if form.is_bound and not form.is_valid():
            return form, None
        data = form.cleaned_data if form.is_bound else {}
        campaign = data.get("special_campaign")
        end = data.get("period_end") or (None if campaign else timezone.localdate())
        stats = inspection_stats(
            user,
            unit=data.get("unit") or default_stats_unit(user),
            period_start=data.get("period_start"),
            period_end=end,
            campaign=campaign,
        )
        return form, stats


class StatsView(StatsMixin, TemplateView):
    """执法统计: figures by region, the bulletin's table and sentence, and the 零处罚 units."""

    template_name = "inspections/stats_page.html"

    def get_context_data(self, **kwargs):
        form, stats = self.statistics()
        ancestors = []
        if stats is not None and stats.unit is not None:
            ancestors = OrgUnit.objects.ancestors_of(stats.unit).restrict(
                self.request.user, Action.VIEW
            )
        return super().get_context_data(
            form=form,
            stats=stats,
            ancestors=ancestors,
            query=self.request.GET.urlencode(),
            **kwargs,
        )


class StatsExportView(StatsMixin, View):
    """The statistics as a workbook: by region, by inspecting unit, and the bulletin's table."""

    def get(self, request, *args, **kwargs):
        form, stats = self.statistics()
        if stats is None:
            for errors in form.errors.values():
                for message in errors:
                    messages.error(request, message)
            return HttpResponseRedirect(reverse("inspections:stats"))
        builder = XlsxBuilder()
        builder.add_sheet(_("分地区"), STATS_COLUMNS, [*stats.by_region, stats.totals])
        builder.add_sheet(_("检查单位"), UNIT_COLUMNS, stats.units)
        builder.add_sheet(_("简报口径"), SUMMARY_COLUMNS, stats.summary_rows())
        name = stats.campaign.name if stats.campaign else stats.totals.name
        return xlsx_response(builder.to_bytes(), _("执法统计-%(name)s.xlsx") % {"name": name})
