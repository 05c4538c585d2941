"""Pages of the reports app: the officials' dashboard (工作台), 赛马 rankings and their
晾晒通报 exports, and the on-demand rollup rebuild with its progress bar."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.generic import DetailView, FormView, ListView, TemplateView
from django.views.generic.detail import SingleObjectMixin

from campaigns.models import Slot
from core.forms import add_validation_error
from core.models import Notification
from core.views import ScopedViewMixin, ServiceFormMixin, UserFormMixin
from hazards.models import Hazard
from hazards.stats import default_stats_unit
from orgs.constants import Action, Kind, Level, Role
from orgs.models import Enterprise, OrgUnit
from orgs.scoping import scope_for
from reports import exports, rankings, services
from reports.forms import RankingPeriodForm, RankingSchemeForm
from reports.models import Job, PeriodKind, RankingScheme
from reports.rollups import METRIC_BY_CODE, current_generation, period_for
from training.models import Certificate

# The dashboard's key figures, year to date against the same months last year.
KEY_METRICS = [
    "accidents",
    "accident_deaths",
    "hazards_found",
    "hazards_closed",
    "hazards_open",
    "hazards_overdue",
    "training_attendance",
    "drills",
]
REGION_CHART_METRICS = ["hazards_found", "hazards_closed", "hazards_open", "accidents"]
INDUSTRY_CHART_METRICS = ["hazards_found", "hazards_open", "accidents"]
ACTION_LIST_SIZE = 5
CERTIFICATE_WARNING_DAYS = 30


def dashboard_unit(request) -> OrgUnit | None:
    """`?unit=` if in scope, else the user's highest unit (a superuser: the first province)."""
    units = OrgUnit.objects.restrict(request.user, Action.VIEW)
    chosen = request.GET.get("unit", "")
    if chosen.isdigit():
        unit = units.filter(pk=chosen).first()
        if unit is None:
            raise Http404(_("该单位不存在或不在您的管辖范围内。"))
        return unit
    unit = default_stats_unit(request.user)
    if unit is None and request.user.is_superuser:
        unit = units.filter(depth=1, kind=Kind.REGION).first()
    return unit


class DashboardView(LoginRequiredMixin, TemplateView):
    """工作台: the jurisdiction's key figures with 同比, charts by child region and industry,
    and what needs action now. Figures come from the rollups; the action lists are small
    restricted queries. A fixed number of queries whatever the size of the jurisdiction."""

    template_name = "reports/dashboard.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        context = super().get_context_data(**kwargs)
        context["unread"] = Notification.objects.filter(recipient=user, read_at__isnull=True)[:5]
        if scope_for(user).roles() == {Role.ENTERPRISE}:
            context["own_enterprises"] = Enterprise.objects.restrict(
                user, Action.VIEW
            ).select_related("org_unit", "industry")
            return context
        unit = dashboard_unit(self.request)
        generation = current_generation()
        context.update(unit=unit, generation=generation)
        if unit is not None and generation is not None:
            context.update(self.figures(user, unit, generation.as_of))
        context.update(self.action_lists(user))
        context.update(self.register_figures(user))
        return context

    @staticmethod
    def register_figures(user) -> dict:
        """The registers' sizes in the scope (regions by level, enterprises by industry):
        two grouped queries, as the orgs dashboard had them."""
        unit_rows = (
            OrgUnit.objects.restrict(user, Action.VIEW)
            .values("kind", "level")
            .annotate(n=Count("id"))
            .order_by()
        )
        regions = {row["level"]: row["n"] for row in unit_rows if row["kind"] == Kind.REGION}
        industry_rows = list(
            Enterprise.objects.restrict(user, Action.VIEW)
            .filter(is_active=True)
            .values("industry_id", "industry__name")
            .annotate(n=Count("id"), high_risk=Count("id", filter=Q(high_risk=True)))
            .order_by("industry__sort_order", "industry_id")
        )
        return {
            "regions_by_level": [(level.label, regions.get(level, 0)) for level in Level],
            "department_count": sum(r["n"] for r in unit_rows if r["kind"] == Kind.DEPARTMENT),
            "enterprises_by_industry": industry_rows,
            "enterprise_total": sum(r["n"] for r in industry_rows),
            "high_risk_total": sum(r["high_risk"] for r in industry_rows),
        }

    @staticmethod
    def figures(user, unit, as_of) -> dict:
        period = period_for(PeriodKind.YTD, as_of)
        key = services.key_figures(user, unit, period, KEY_METRICS)
        regions = services.by_child_region(user, unit, period, REGION_CHART_METRICS)
        industries = services.by_industry(user, unit, period, INDUSTRY_CHART_METRICS)

        def series(rows, metrics):
            return [
                {"name": str(METRIC_BY_CODE[m].label), "data": [float(r[m]) for r in rows]}
                for m in metrics
            ]

        return {
            "period": period,
            "key_figures": [
                {
                    "metric": METRIC_BY_CODE[code],
                    "phrase": key[code]["yoy"].phrase(METRIC_BY_CODE[code].unit),
                    **key[code],
                }
                for code in KEY_METRICS
            ],
            "region_rows": regions,
            "industry_rows": industries,
            "chart_data": {
                "regions": [row["unit"].name for row in regions],
                "region_series": series(regions, REGION_CHART_METRICS),
                "industries": [row["industry"] for row in industries],
                "industry_series": series(industries, INDUSTRY_CHART_METRICS),
            },
        }

    @staticmethod
    def action_lists(user) -> dict:
        today = timezone.localdate()
        hazards = Hazard.objects.restrict(user, Action.VIEW).filter(is_void=False)
        return {
            "overdue_hazards": list(
                hazards.filter(is_overdue=True)
                .select_related("enterprise")
                .order_by("deadline", "id")[:ACTION_LIST_SIZE]
            ),
            "listed_hazards": list(
                hazards.filter(listed_supervision=True)
                .exclude(status=Hazard.Status.CLOSED)
                .select_related("enterprise")
                # By deadline, as the overdue list: the ledger's deadline index serves both.
                .order_by("deadline", "id")[:ACTION_LIST_SIZE]
            ),
            "overdue_slots": list(
                Slot.objects.restrict(user, Action.VIEW)
                .filter(
                    Q(status=Slot.Status.OPEN) | Q(status=Slot.Status.RETURNED),
                    due_date__lt=today,
                )
                .select_related("assignment__task", "assignment__org_unit")
                .order_by("due_date", "id")[:ACTION_LIST_SIZE]
            ),
            "expiring_certificates": list(
                Certificate.objects.restrict(user, Action.VIEW)
                .filter(
                    is_void=False,
                    expires_on__gte=today,
                    expires_on__lte=today + timedelta(days=CERTIFICATE_WARNING_DAYS),
                )
                .select_related("holder")
                .order_by("expires_on", "id")[:ACTION_LIST_SIZE]
            ),
            "certificate_days": CERTIFICATE_WARNING_DAYS,
        }


class RankingSchemeListView(ScopedViewMixin, ListView):
    """赛马方案 in the user's scope."""

    model = RankingScheme
    template_name = "reports/ranking_list.html"
    context_object_name = "schemes"

    def get_queryset(self):
        return super().get_queryset().select_related("org_unit").order_by("org_path", "name")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_add"] = RankingSchemeForm.unit_choices(self.request.user).exists()
        return context


class RankingView(ScopedViewMixin, DetailView):
    """晾晒通报: a scheme's ranking for a quarter, formula shown, exports."""

    model = RankingScheme
    template_name = "reports/ranking.html"
    context_object_name = "scheme"

    def get(self, request, *args, **kwargs):
        form = RankingPeriodForm(request.GET or None)
        period = None
        if form.is_valid():
            try:
                period = rankings.period_from_query(form.cleaned_data)
            except ValidationError as error:
                add_validation_error(form, error)
        elif not request.GET:
            period = rankings.period_from_query({})
        export = request.GET.get("export")
        if period is not None and export in ("xlsx", "pdf"):
            ranking = rankings.compute(self.object, period)
            if export == "xlsx":
                return exports.ranking_xlsx_response(ranking)
            return exports.ranking_pdf_response(ranking)
        context = self.get_context_data(object=self.object, form=form)
        if period is not None:
            ranking = rankings.compute(self.object, period)
            context.update(
                ranking=ranking,
                metrics=[METRIC_BY_CODE[i["metric"]] for i in self.object.weights],
                table=exports.ranked_table(ranking),
                query=f"year={period.start.year}&quarter={(period.start.month + 2) // 3}",
            )
        context["can_change"] = (
            RankingScheme.objects.restrict(request.user, Action.CHANGE)
            .filter(pk=self.object.pk)
            .exists()
        )
        return self.render_to_response(context)


class SchemeFormMixin(UserFormMixin, ServiceFormMixin):
    """The scheme form saved through reports.services.save_scheme (its unit must be in the
    user's editorial scope)."""

    template_name = "reports/ranking_form.html"
    form_class = RankingSchemeForm
    success_message = _lazy("赛马方案已保存。")
    scheme = None

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.scheme}

    def run(self, form):
        return services.save_scheme(self.request.user, form.service_data(), self.scheme)

    def get_context_data(self, **kwargs):
        return super().get_context_data(scheme=self.scheme, **kwargs)


class RankingSchemeCreateView(ScopedViewMixin, SchemeFormMixin, FormView):
    """A new 赛马 scheme."""

    model = RankingScheme
    scope_action = Action.CHANGE


class RankingSchemeUpdateView(ScopedViewMixin, SingleObjectMixin, SchemeFormMixin, FormView):
    """Change a scheme: only where the user may change it (404 elsewhere)."""

    model = RankingScheme
    scope_action = Action.CHANGE

    def get_form_kwargs(self):
        self.scheme = self.object
        return super().get_form_kwargs()


class RollupRebuildView(LoginRequiredMixin, TemplateView):
    """The current generation, and (admins) a button to rebuild every figure now."""

    template_name = "reports/rollup_rebuild.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["generation"] = current_generation()
        context["can_rebuild"] = services.can_rebuild(self.request.user)
        return context

    def post(self, request):
        try:
            job = services.start_rebuild(request.user)
        except PermissionDenied as error:
            raise PermissionDenied(str(error)) from error
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return HttpResponseRedirect(reverse("reports:rollup_rebuild"))
        return HttpResponseRedirect(job.get_absolute_url())


class JobDetailView(ScopedViewMixin, DetailView):
    """A job's progress bar (polls /api/v1/jobs/{id}/); its owner's only."""

    model = Job
    template_name = "reports/job_detail.html"
    context_object_name = "job"

    def get_queryset(self):
        return Job.objects.filter(owner_id=self.request.user.pk)
