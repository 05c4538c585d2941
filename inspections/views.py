"""HTML pages of supervision: the groups' roster with their counties' coverage, the schedules'
coverage, inspections (the field form on a phone, the list, the detail with findings).

Every page over an inspections model is a core.views.ScopedViewMixin, so out of scope is 404.
Views are thin: the rules are inspections.services'; a refusal shows the service's Chinese
message on the page.
"""

from collections import defaultdict

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views import View
from django.views.generic import DetailView, FormView, ListView, TemplateView
from django.views.generic.detail import SingleObjectMixin

from core.forms import add_validation_error
from core.views import ScopedViewMixin, ServiceFormMixin, UserFormMixin, refusal
from hazards.views import HazardFileView
from inspections import services
from inspections.filters import InspectionFilter
from inspections.forms import GroupForm, InspectionForm, ScheduleForm, StartForm
from inspections.models import (
    ChecklistPhoto,
    ChecklistResult,
    Frequency,
    Inspection,
    SupervisionAssignment,
    SupervisionGroup,
    SupervisionGroupMember,
    SupervisionSchedule,
)
from orgs.constants import Action
from orgs.views import ScopeRequiredMixin, scope_allows

# --- Groups and coverage -------------------------------------------------------------------


def assignment_coverage(user, groups, today):
    """Per active assignment of `groups`: the group's submitted inspections in the unit this
    quarter, and the unit's schedules covered in their current period.

    A fixed number of queries whatever the number of groups: inspections are counted per
    (group, location path) and the coverage rows read once, then both bucketed by path.
    """
    start, end = services.period_bounds(Frequency.QUARTERLY, today)
    visits = (
        Inspection.objects.restrict(user)
        .filter(
            group__in=[g.pk for g in groups],
            status=Inspection.Status.SUBMITTED,
            inspection_date__range=(start, end),
        )
        .values("group", "org_path")
        .annotate(n=Count("id"))
    )
    visits_by_group = defaultdict(list)
    for row in visits:
        visits_by_group[row["group"]].append((row["org_path"], row["n"]))
    schedule_rows = services.coverage(SupervisionSchedule.objects.restrict(user), today)
    for group in groups:
        for assignment in group.active_assignments:
            path = assignment.org_unit.path
            assignment.quarter_visits = sum(
                n for org_path, n in visits_by_group[group.pk] if org_path.startswith(path)
            )
            rows = [r for r in schedule_rows if r.schedule.org_path.startswith(path)]
            assignment.schedules_total = len(rows)
            assignment.schedules_covered = sum(1 for r in rows if r.covered)
    return start, end


class GroupQuerysetMixin(ScopedViewMixin):
    model = SupervisionGroup

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("org_unit")
            .prefetch_related(
                Prefetch(
                    "memberships",
                    queryset=SupervisionGroupMember.objects.select_related("user"),
                ),
                Prefetch(
                    "assignments",
                    queryset=SupervisionAssignment.objects.filter(revoked_at__isnull=True)
                    .select_related("org_unit")
                    .order_by("kind", "org_unit__path"),
                    to_attr="active_assignments",
                ),
            )
        )


class GroupListView(GroupQuerysetMixin, ListView):
    """督导组花名册: each group, its members, its counties and lead departments with coverage."""

    template_name = "inspections/group_list.html"
    paginate_by = 20

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.request.GET.get("ended") != "1":
            queryset = queryset.filter(ended_at__isnull=True)
        return queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        groups = list(context["object_list"])
        start, end = assignment_coverage(self.request.user, groups, timezone.localdate())
        return {
            **context,
            "groups": groups,
            "quarter_start": start,
            "quarter_end": end,
            "may_add": scope_allows(self.request.user, SupervisionGroup, Action.ADD),
        }


class GroupDetailView(GroupQuerysetMixin, DetailView):
    """One group: members, assignments with coverage, its latest inspections; ends its term."""

    template_name = "inspections/group_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        group = self.object
        start, end = assignment_coverage(self.request.user, [group], timezone.localdate())
        inspections = (
            Inspection.objects.restrict(self.request.user)
            .filter(group=group)
            .select_related("org_unit")
            .annotate(findings=Count("results", filter=Q(results__hazard__isnull=False)))
            .order_by("-inspection_date", "-id")[:20]
        )
        may_change = (
            SupervisionGroup.objects.restrict(self.request.user, Action.CHANGE)
            .filter(pk=group.pk)
            .exists()
        )
        return {
            **context,
            "quarter_start": start,
            "quarter_end": end,
            "inspections": inspections,
            "may_change": may_change,
        }


class GroupCreateView(
    ScopeRequiredMixin, UserFormMixin, ServiceFormMixin, ScopedViewMixin, FormView
):
    """组建督导组: assigning its counties grants its members 督导 scope over them."""

    model = SupervisionGroup
    scope_action = Action.ADD
    form_class = GroupForm
    template_name = "inspections/group_form.html"
    success_message = _lazy("督导组已组建，成员已获得挂点单位的督导权限。")

    def run(self, form):
        return services.create_group(form.service_data(), user=self.request.user)


class GroupEndTermView(GroupQuerysetMixin, SingleObjectMixin, View):
    """POST: 任期结束 — the group's assignments, and its members' scope, are revoked."""

    scope_action = Action.CHANGE

    def post(self, request, *args, **kwargs):
        try:
            services.end_term(self.object, user=request.user)
        except (ValidationError, PermissionDenied) as error:
            for message in refusal(error):
                messages.error(request, message)
        else:
            messages.success(request, _("督导组任期已结束，挂点授权已撤销。"))
        return HttpResponseRedirect(self.object.get_absolute_url())


class ScheduleCreateView(
    ScopeRequiredMixin, UserFormMixin, ServiceFormMixin, ScopedViewMixin, FormView
):
    """设定督导频次: a target to be visited at a frequency; coverage then counts its visits."""

    model = SupervisionSchedule
    scope_action = Action.ADD
    form_class = ScheduleForm
    template_name = "inspections/schedule_form.html"
    success_message = _lazy("督导频次已设定。")

    def run(self, form):
        return services.create_schedule(form.cleaned_data, user=self.request.user)

    def get_success_url(self):
        return reverse("inspections:coverage")


class CoverageView(ScopedViewMixin, TemplateView):
    """督导覆盖: each schedule's current period, and which targets had no visit in it."""

    model = SupervisionSchedule
    template_name = "inspections/coverage.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        rows = services.coverage(self.get_queryset(), today)
        gaps_only = self.request.GET.get("gaps") == "1"
        shown = [r for r in rows if not (gaps_only and r.covered)]
        return super().get_context_data(
            rows=shown,
            total=len(rows),
            covered=sum(1 for r in rows if r.covered),
            gaps_only=gaps_only,
            today=today,
            **kwargs,
        )


# --- Inspections ---------------------------------------------------------------------------


class InspectionListView(ScopedViewMixin, ListView):
    """检查记录, newest first, filtered by kind, method, place, enterprise or group."""

    model = Inspection
    template_name = "inspections/inspection_list.html"
    paginate_by = 30

    def get_queryset(self):
        queryset = (
            super()
            .get_queryset()
            .select_related("org_unit", "inspecting_unit", "group")
            .prefetch_related("targets__enterprise", "targets__org_unit")
            .annotate(findings=Count("results", filter=Q(results__hazard__isnull=False)))
            # A grouped query drops the model's default ordering.
            .order_by("-inspection_date", "-id")
        )
        self.filterset = InspectionFilter(self.request.GET, queryset, request=self.request)
        if not self.filterset.is_valid():
            return queryset.none()
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            filter=self.filterset,
            may_add=scope_allows(self.request.user, Inspection, Action.ADD),
            **kwargs,
        )


class InspectionCreateView(ScopeRequiredMixin, ScopedViewMixin, View):
    """The field form on a phone: choose enterprise and checklist, then item by item.

    GET without a valid choice shows the choice; with one, the checklist. POST records and
    submits it (services.record_inspection): idempotent on the page's submission key.
    """

    model = Inspection
    scope_action = Action.ADD
    start_template = "inspections/inspection_start.html"
    template_name = "inspections/inspection_form.html"

    def _start(self, request):
        return StartForm(request.GET or None, user=request.user)

    def get(self, request):
        start = self._start(request)
        if not start.is_valid():
            return render(request, self.start_template, {"form": start})
        form = InspectionForm(user=request.user, **start.cleaned_data)
        return self._render(request, form)

    def _render(self, request, form, status=200):
        return render(
            request,
            self.template_name,
            {
                "form": form,
                "enterprise": form.enterprise,
                "unit": form.unit,
                "template": form.template,
                # The photos' own field is the tool of each item block, not a form row.
                "header_fields": form.header_fields(),
            },
            status=status,
        )

    def post(self, request):
        start = self._start(request)
        if not start.is_valid():
            return render(request, self.start_template, {"form": start}, status=400)
        form = InspectionForm(request.POST, request.FILES, user=request.user, **start.cleaned_data)
        if not form.is_valid():
            return self._render(request, form, status=400)
        try:
            inspection = services.record_inspection(form.service_data(), user=request.user)
        except ValidationError as error:
            add_validation_error(form, error)
            return self._render(request, form, status=400)
        except PermissionDenied as error:
            form.add_error(None, refusal(error))
            return self._render(request, form, status=403)
        found = inspection.results.filter(hazard__isnull=False).count()
        messages.success(
            request,
            _("检查已提交，%(n)d个不合格项已登记为隐患。") % {"n": found}
            if found
            else _("检查已提交，未发现隐患。"),
        )
        return HttpResponseRedirect(inspection.get_absolute_url())


class InspectionDetailView(ScopedViewMixin, DetailView):
    """One inspection: its targets, team and checklist; each finding links to its hazard."""

    model = Inspection
    template_name = "inspections/inspection_detail.html"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("org_unit", "inspecting_unit", "group", "template", "special_campaign")
            .prefetch_related(
                "team",
                "targets__enterprise",
                "targets__org_unit",
                Prefetch(
                    "results",
                    queryset=ChecklistResult.objects.select_related(
                        "item__criterion", "hazard", "target__enterprise", "target__org_unit"
                    ).prefetch_related("photos"),
                ),
            )
        )

    def get_context_data(self, **kwargs):
        results = list(self.object.results.all())
        return super().get_context_data(
            results=results,
            findings=[r for r in results if r.hazard_id],
            failed=sum(1 for r in results if r.result == ChecklistResult.Result.FAIL),
            **kwargs,
        )


class ChecklistPhotoView(HazardFileView):
    """A checklist photo, streamed only to those who see the inspection (never from MEDIA_URL)."""

    model = ChecklistPhoto
