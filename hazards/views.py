"""HTML pages of the hazard ledger: the list, the entry form, the detail page with its
workflow, the verifier's queue, escalations, statistics, Excel in and out.

Every page over Hazard, HazardFile, Escalation (and the enterprises it offers) is a
core.views.ScopedViewMixin, so out of scope is 404. Views are thin: the workflow, who may
take each step and the messages are hazards.services'; a refused step shows the service's
Chinese message on the page.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, OuterRef, Q
from django.http import FileResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views import View
from django.views.generic import (
    CreateView,
    DetailView,
    FormView,
    ListView,
    TemplateView,
    UpdateView,
)
from django.views.generic.detail import SingleObjectMixin

from core import history
from core.models import Notification
from core.uploads import content_type_for
from core.views import ScopedViewMixin, ServiceFormMixin, UserFormMixin, refusal
from hazards import services
from hazards.constants import HazardAction
from hazards.filters import HazardFilter
from hazards.forms import (
    STATS_METRICS,
    AddFilesForm,
    CloseForm,
    ConfirmForm,
    CriterionChoiceField,
    DelistForm,
    HazardImportForm,
    HazardReportForm,
    HazardUpdateForm,
    ListingForm,
    RectificationPlanForm,
    RequestCloseOutForm,
    ReturnForm,
    StatsForm,
    VersionedForm,
    VoidForm,
    enterprise_options,
)
from hazards.importers import HazardLedgerImporter, export_hazards
from hazards.models import Escalation, Hazard, HazardFile
from hazards.stats import hazard_stats
from orgs.constants import Kind
from orgs.forms import label_blank_filter_choices
from orgs.models import Enterprise, OrgUnit
from orgs.views import ScopeRequiredMixin, scope_allows, xlsx_response

Status = Hazard.Status


class HazardMixin(ScopedViewMixin):
    model = Hazard
    # What the pages show of each hazard, read in the same query.
    related = ("enterprise", "org_unit", "industry")

    def get_queryset(self):
        return super().get_queryset().select_related(*self.related)


class HazardPageMixin(HazardMixin):
    """The pages of one hazard: all its fields, and what its workflow checks read."""

    related = (*HazardMixin.related, "criterion", "listed_unit", "reported_by")


# --- The ledger ----------------------------------------------------------------------------


class HazardFilterMixin(HazardMixin):
    """The ledger in scope, narrowed by hazards.filters.HazardFilter."""

    def get_queryset(self):
        self.scoped = super().get_queryset()
        # Always bound, even to no parameters: the filter leaves voided rows out of the ledger.
        self.filterset = HazardFilter(self.request.GET, queryset=self.scoped, request=self.request)
        if not self.filterset.is_valid():
            # Show the form's errors over an empty list rather than ignore a bad filter.
            return self.scoped.none()
        return self.filterset.qs


# Filters folded away on phones unless one of them is in use.
MORE_FILTERS = (
    "grade",
    "source",
    "industry",
    "within",
    "overdue",
    "listed",
    "stock",
    "returned",
    "is_void",
    "found_after",
    "found_before",
    "deadline_after",
    "deadline_before",
)
DATE_FILTERS = ("found_after", "found_before", "deadline_after", "deadline_before")


def ledger_filter_form(filterset):
    """The filter form as the page shows it: "全部" for no choice, date pickers."""
    form = label_blank_filter_choices(filterset.form)
    for name in DATE_FILTERS:
        form.fields[name].widget.input_type = "date"
    source = form.fields["source"]
    source.widget = forms.CheckboxSelectMultiple(choices=source.choices)
    return form


class HazardListView(HazardFilterMixin, ListView):
    """隐患台账: the filtered ledger with its counts by status; export and import."""

    template_name = "hazards/hazard_list.html"
    paginate_by = 20

    def get_template_names(self):
        # htmx re-renders only the results while the user changes the filters.
        if self.request.headers.get("HX-Target") == "hazard-results":
            return ["hazards/_hazard_results.html"]
        return super().get_template_names()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        form = ledger_filter_form(self.filterset)
        statuses = self.request.GET.getlist("status")
        valid = not form.errors
        context.update(
            filter_form=form,
            more_filters_open=not valid
            or any(form.data.get(name) not in (None, "") for name in MORE_FILTERS),
            status_tabs=self.status_tabs() if valid else [],
            current_status=statuses[0] if len(statuses) == 1 else "",
            enterprise_filter=form.cleaned_data.get("enterprise") if valid else None,
            can_add=scope_allows(user, Hazard, HazardAction.ADD),
        )
        return context

    def status_tabs(self):
        """(value, label, count) for all and each status: the ledger as filtered, but for the
        status, counted in one grouped query."""
        data = self.request.GET.copy()
        data.pop("status", None)
        others = HazardFilter(data, queryset=self.scoped, request=self.request).qs
        counts = dict(others.order_by().values_list("status").annotate(n=Count("pk")))
        return [
            ("", _("全部"), sum(counts.values())),
            *((value, label, counts.get(value, 0)) for value, label in Status.choices),
        ]


class HazardExportView(HazardFilterMixin, View):
    """The filtered ledger as .xlsx, in the official column layout."""

    def get(self, request):
        return xlsx_response(export_hazards(self.get_queryset()), _("隐患台账.xlsx"))


class HazardImportView(ScopeRequiredMixin, HazardMixin, FormView):
    """Upload a ledger: every row checked, all written or none, errors listed by row and
    column."""

    scope_action = HazardAction.ADD
    form_class = HazardImportForm
    template_name = "hazards/hazard_import.html"

    def form_valid(self, form):
        result = HazardLedgerImporter(user=self.request.user).run(form.cleaned_data["file"])
        if not result.ok:
            return self.render_to_response(self.get_context_data(form=form, result=result))
        messages.success(
            self.request,
            _("导入完成：新增%(created)d条，更新%(updated)d条，未变化%(unchanged)d条。")
            % {"created": result.created, "updated": result.updated, "unchanged": result.unchanged},
        )
        return redirect("hazards:hazard_list")


class HazardImportTemplateView(ScopeRequiredMixin, HazardMixin, View):
    """The empty ledger workbook, for those who may import."""

    scope_action = HazardAction.ADD

    def get(self, request):
        return xlsx_response(HazardLedgerImporter.template_workbook(), _("隐患台账导入模板.xlsx"))


# --- Entering a hazard ---------------------------------------------------------------------


class HazardCreateView(
    ScopeRequiredMixin, UserFormMixin, ServiceFormMixin, HazardMixin, CreateView
):
    """The phone entry form; photos come with it (multipart)."""

    scope_action = HazardAction.ADD
    form_class = HazardReportForm
    template_name = "hazards/hazard_form.html"

    def run(self, form):
        return services.report_hazard(
            form.service_data(), user=self.request.user, files=form.cleaned_data["files"]
        )

    def get_success_message(self):
        return _("已登记隐患，台账编号%(number)s。") % {"number": self.object.ledger_number}


class EnterpriseOptionsView(ScopedViewMixin, TemplateView):
    """htmx: the entry form's enterprise options matching what the user typed."""

    model = Enterprise
    template_name = "hazards/_options.html"

    def get_context_data(self, **kwargs):
        enterprises = self.get_queryset().filter(is_active=True).select_related("org_unit")
        query = self.request.GET.get("q", "").strip()
        return {
            "optgroups": option_groups(
                enterprise_options(enterprises.order_by("name"), query=query)
            )
        }


class CriterionOptionsView(ScopedViewMixin, TemplateView):
    """htmx: the 判定依据 options of the chosen enterprise's industry."""

    model = Enterprise
    template_name = "hazards/_options.html"

    def get_context_data(self, **kwargs):
        chosen = self.request.GET.get("enterprise", "")
        industry_id = (
            self.get_queryset().filter(pk=chosen).values_list("industry_id", flat=True).first()
            if chosen.isdigit()
            else None
        )
        return {"optgroups": option_groups(CriterionChoiceField(industry_id).widget.choices)}


def option_groups(choices):
    return forms.Select(choices=choices).optgroups("", [""])


# --- One hazard ----------------------------------------------------------------------------


@dataclass
class TimelineEntry:
    at: datetime
    title: str
    actor: object = None
    note: str = ""
    changes: list = field(default_factory=list)
    css: str = "secondary"


# Columns written by the workflow (shown as its steps) or copied from elsewhere.
NOT_EDITS = (
    "org_path",
    "province",
    "city",
    "county",
    "township",
    "org_unit",
    "industry",
    "ledger_number",
    "is_stock",
    "version",
    "created_at",
    "updated_at",
    "status",
    "return_reason",
    "is_overdue",
    "reported_by",
    "close_out_requested_at",
    "verified_by",
    "verification_note",
    "closed_at",
    "is_void",
    "void_reason",
    "listed_supervision",
    "listed_level",
    "listed_unit",
    "listed_date",
    "external_source",
    "external_id",
)
# A history row and the step recorded right after it in the same transaction: one event.
SAME_SAVE = timedelta(seconds=1)
STEP_COLOURS = {
    "close": "success",
    "return": "warning",
    "void": "danger",
    "list": "danger",
    "confirm": "primary",
    "request_close_out": "info",
}


def timeline(hazard, *, limit=100) -> list[TimelineEntry]:
    """The hazard's life, oldest first: its workflow steps, the notices to the enterprise's
    principal, and the edits (field by field) from its history. A fixed number of queries.

    A step and the history row its save wrote are one event: the row's changes (the 五落实
    of a plan, the grade of a confirmation) are shown under the step.
    """
    steps = [
        (
            step,
            TimelineEntry(
                at=step.at,
                title=step.get_action_display(),
                actor=step.actor,
                note=step.note,
                css=STEP_COLOURS.get(step.action, "secondary"),
            ),
        )
        for step in hazard.transitions.select_related("actor")[:limit]
    ]
    entries = [entry for _step, entry in steps]
    records = history.with_previous(
        hazard.history.select_related("history_user").order_by("-history_id")
    )[:limit]
    for described in history.describe(records, excluded_fields=NOT_EDITS):
        record = described.record
        if not described.changes:
            continue
        step = _step_saved_by(record, steps)
        if step is not None:
            step.changes = described.changes
            continue
        entries.append(
            TimelineEntry(
                at=record.history_date,
                title=_("修改"),
                actor=record.history_user,
                changes=described.changes,
            )
        )
    notices = Notification.objects.filter(
        pk__in=hazard.notices.values("notification_id")
    ).select_related("sender")
    entries.extend(
        TimelineEntry(
            at=notice.created_at,
            title=_("告知%(name)s（%(channel)s）")
            % {"name": notice.recipient_name, "channel": notice.get_channel_display()},
            actor=notice.sender,
            note=notice.recipient_phone,
            css="info",
        )
        for notice in notices
    )
    return sorted(entries, key=lambda entry: entry.at)


def _step_saved_by(record, steps) -> TimelineEntry | None:
    """The step a history row was written for: the services save the hazard and record the
    step in the same transaction, the same person's, right after."""
    following = [
        (step.at - record.history_date, entry)
        for step, entry in steps
        if step.actor_id == record.history_user_id
        and timedelta(0) <= step.at - record.history_date < SAME_SAVE
        and not entry.changes
    ]
    return min(following, key=lambda pair: pair[0])[1] if following else None


class HazardDetailView(HazardPageMixin, DetailView):
    """Everything about one hazard, its timeline, and the steps the user may take now."""

    template_name = "hazards/hazard_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        hazard, user = self.object, self.request.user
        allowed = {
            name for name, reason in services.available_actions(hazard, user).items() if not reason
        }
        if services.is_enterprise_user(user) and hazard.status != Status.REPORTED:
            # After confirmation an enterprise only fills in the 五落实 (its own form).
            allowed.discard("change")
        files = list(hazard.files.all())
        context.update(
            allowed=allowed,
            found_files=[f for f in files if f.kind == HazardFile.Kind.FOUND],
            after_files=[f for f in files if f.kind != HazardFile.Kind.FOUND],
            missing_plan=services.missing_plan_parts(hazard),
            timeline=timeline(hazard),
            version_form=VersionedForm(hazard=hazard),
            upload_form=AddFilesForm() if "upload" in allowed else None,
        )
        return context


class HazardUpdateView(UserFormMixin, ServiceFormMixin, HazardPageMixin, UpdateView):
    """Correct what was recorded; a stale version is a conflict, never an overwrite."""

    scope_action = HazardAction.CHANGE
    form_class = HazardUpdateForm
    template_name = "hazards/hazard_form.html"
    success_message = _lazy("已保存修改。")

    def run(self, form):
        return services.update_hazard(
            self.object,
            form.service_data(),
            user=self.request.user,
            expected_version=form.cleaned_data["expected_version"],
        )


class HazardFileView(ScopedViewMixin, SingleObjectMixin, View):
    """A photo or document, streamed only to those who see its hazard (never from MEDIA_URL:
    uploads are not served by the web server)."""

    model = HazardFile

    def get(self, request, *args, **kwargs):
        record = self.object
        response = FileResponse(
            record.file.open("rb"),
            content_type=content_type_for(record.file.name),
            filename=record.original_name,
        )
        response["Cache-Control"] = "private, max-age=3600"
        return response


class HazardAddFilesView(HazardPageMixin, SingleObjectMixin, FormView):
    """补充照片或材料 to an open hazard (not a workflow step)."""

    form_class = AddFilesForm
    http_method_names = ["post"]

    def form_valid(self, form):
        try:
            stored = services.add_files(
                self.object, user=self.request.user, **form.service_kwargs()
            )
        except (ValidationError, PermissionDenied) as error:
            for message in refusal(error):
                messages.error(self.request, message)
        else:
            messages.success(self.request, _("已上传%(n)d个文件。") % {"n": len(stored)})
        return HttpResponseRedirect(self.object.get_absolute_url())

    def form_invalid(self, form):
        for errors in form.errors.values():
            for message in errors:
                messages.error(self.request, message)
        return HttpResponseRedirect(self.object.get_absolute_url())


# --- Workflow steps ------------------------------------------------------------------------


class HazardStepView(ServiceFormMixin, HazardPageMixin, SingleObjectMixin, FormView):
    """One workflow step on one hazard: GET shows its form (or why it cannot be taken now),
    POST calls the service. A refusal — wrong status, no right, stale page — is shown on the
    form in the service's words; a conflict answers 409."""

    template_name = "hazards/hazard_step.html"
    form_class = VersionedForm
    # The name in services.available_actions, the service, and what the page says.
    step = ""
    service = None
    title = ""
    intro = ""
    submit_label = _lazy("提交")
    submit_css = "primary"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "hazard": self.object}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.request.method == "GET":
            context["unavailable"] = services.available_actions(self.object, self.request.user)[
                self.step
            ]
        return context

    def run(self, form):
        self.service(self.object, user=self.request.user, **form.service_kwargs())
        return self.object


class ConfirmView(HazardStepView):
    step = "confirm"
    service = staticmethod(services.confirm)
    form_class = ConfirmForm
    title = _lazy("确认隐患")
    intro = _lazy("核实隐患情况，确定隐患等级；重大事故隐患须注明判定依据。")
    submit_label = _lazy("确认")
    success_message = _lazy("已确认隐患。")


class PlanView(HazardStepView):
    step = "plan"
    service = staticmethod(services.set_rectification_plan)
    form_class = RectificationPlanForm
    title = _lazy("整改方案（五落实）")
    intro = _lazy("落实整改责任、措施、资金、时限和预案，五项齐全后方可开始整改。")
    submit_label = _lazy("保存整改方案")
    success_message = _lazy("已保存整改方案。")


class StartRectificationView(HazardStepView):
    step = "start_rectification"
    service = staticmethod(services.start_rectification)
    title = _lazy("开始整改")
    intro = _lazy("五落实已齐全，隐患转入整改中。")
    submit_label = _lazy("开始整改")
    success_message = _lazy("隐患已转入整改。")


class RequestCloseOutView(HazardStepView):
    step = "request_close_out"
    service = staticmethod(services.request_close_out)
    form_class = RequestCloseOutForm
    title = _lazy("申请销号")
    intro = _lazy("整改完成后上传整改后照片或佐证材料，提交上级单位审核销号。")
    submit_label = _lazy("提交销号申请")
    success_message = _lazy("已提交销号申请，等待审核。")


class CloseView(HazardStepView):
    step = "close"
    service = staticmethod(services.close)
    form_class = CloseForm
    title = _lazy("审核销号")
    intro = _lazy("核实整改到位后销号；审核意见记入台账。")
    submit_label = _lazy("审核通过，销号")
    submit_css = "success"
    success_message = _lazy("隐患已销号。")


class ReturnView(HazardStepView):
    step = "return"
    service = staticmethod(services.return_hazard)
    form_class = ReturnForm
    title = _lazy("退回")
    intro = _lazy("上报内容有误的退回上报人修改；整改不到位的退回继续整改。")
    submit_label = _lazy("退回")
    submit_css = "warning"
    success_message = _lazy("已退回。")


class ListForSupervisionView(UserFormMixin, HazardStepView):
    step = "list"
    service = staticmethod(services.list_for_supervision)
    form_class = ListingForm
    title = _lazy("挂牌督办")
    intro = _lazy("由隐患所在地的上级单位对重大事故隐患挂牌督办。")
    submit_label = _lazy("挂牌督办")
    submit_css = "danger"
    success_message = _lazy("已挂牌督办。")


class DelistView(HazardStepView):
    step = "delist"
    service = staticmethod(services.delist)
    form_class = DelistForm
    title = _lazy("摘牌")
    intro = _lazy("结束挂牌督办。")
    submit_label = _lazy("摘牌")
    success_message = _lazy("已摘牌。")


class VoidView(HazardStepView):
    step = "void"
    service = staticmethod(services.void_hazard)
    form_class = VoidForm
    title = _lazy("作废")
    intro = _lazy("台账记录不删除：作废后不计入台账和统计，保留全部记录，可以恢复。")
    submit_label = _lazy("作废")
    submit_css = "danger"
    success_message = _lazy("已作废。")


class RestoreView(HazardStepView):
    step = "restore"
    service = staticmethod(services.restore_hazard)
    title = _lazy("恢复")
    intro = _lazy("恢复后隐患回到台账，保持作废前的状态。")
    submit_label = _lazy("恢复")
    success_message = _lazy("已恢复。")


# --- Queues --------------------------------------------------------------------------------


class VerifyQueueView(HazardMixin, ListView):
    """待审核销号: close-out requests the user may verify (never their own reports), oldest
    request first; the same queue as the API's `?queue=verify`."""

    template_name = "hazards/verify_queue.html"
    paginate_by = 20

    def get_queryset(self):
        queue = HazardFilter(
            {"queue": "verify"}, queryset=super().get_queryset(), request=self.request
        ).qs
        after = ~Q(files__kind=HazardFile.Kind.FOUND)
        return queue.annotate(after_count=Count("files", filter=after)).order_by(
            "close_out_requested_at", "pk"
        )


class EscalationListView(ScopedViewMixin, ListView):
    """督办措施: 函告/通报/约谈/曝光 proposed by the daily overdue job, to issue or dismiss."""

    model = Escalation
    template_name = "hazards/escalation_list.html"
    paginate_by = 20

    def get_queryset(self):
        self.status = self.request.GET.get("status", Escalation.Status.PROPOSED)
        escalations = super().get_queryset()
        if self.status in Escalation.Status.values:
            escalations = escalations.filter(status=self.status)
        issuable = Escalation.objects.restrict(self.request.user, HazardAction.ISSUE)
        return escalations.select_related(
            "hazard__enterprise", "org_unit", "issuing_unit", "issued_by"
        ).annotate(can_issue=Exists(issuable.filter(pk=OuterRef("pk"))))

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            status=self.status,
            statuses=[("", _("全部")), *Escalation.Status.choices],
            **kwargs,
        )


class EscalationDecisionView(ScopedViewMixin, SingleObjectMixin, View):
    """POST: issue (发出) or dismiss (不予采取) a proposed escalation."""

    model = Escalation
    service = None
    success_message = ""

    def post(self, request, *args, **kwargs):
        try:
            self.service(self.object, user=request.user, note=request.POST.get("note", ""))
        except (ValidationError, PermissionDenied) as error:
            for message in refusal(error):
                messages.error(request, message)
        else:
            messages.success(
                request, self.success_message % {"step": self.object.get_step_display()}
            )
        return redirect("hazards:escalation_list")


class EscalationIssueView(EscalationDecisionView):
    service = staticmethod(services.issue_escalation)
    success_message = _lazy("已发出%(step)s。")


class EscalationDismissView(EscalationDecisionView):
    service = staticmethod(services.dismiss_escalation)
    success_message = _lazy("已决定不予采取%(step)s。")


# --- Statistics ----------------------------------------------------------------------------


def default_stats_unit(user):
    """The highest unit of the user's scope (None for a superuser: everything, by province)."""
    if user.is_superuser:
        return None
    units = OrgUnit.objects.restrict(user, HazardAction.VIEW)
    return units.exclude(parent__in=units).order_by("depth", "path").first()


def status_counts(queryset, unit, start, end) -> dict[str, int]:
    """Hazards found in the period in the unit's area (a department: its industries in its
    jurisdiction), by their current status: one grouped query."""
    ledger = queryset.filter(is_void=False, found_date__lte=end)
    if start is not None:
        ledger = ledger.filter(found_date__gte=start)
    if unit is not None:
        territory = unit if unit.kind == Kind.REGION else unit.jurisdiction or unit
        ledger = ledger.filter(org_path__startswith=territory.path)
        if unit.kind == Kind.DEPARTMENT:
            ledger = ledger.filter(industry__in=unit.industries.all())
    return dict(ledger.order_by().values_list("status").annotate(n=Count("pk")))


class HazardStatsView(ScopedViewMixin, TemplateView):
    """分区域、分行业统计 for a unit in scope and a period: the figures, the region × industry
    table (the accessible and printable form of the charts), and ECharts charts."""

    model = Hazard
    template_name = "hazards/hazard_stats.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        form = StatsForm(self.request.GET or None, user=user)
        context["form"] = form
        if form.is_bound and not form.is_valid():
            return context
        data = form.cleaned_data if form.is_bound else {}
        unit = data.get("unit") or default_stats_unit(user)
        metric = data.get("metric") or STATS_METRICS[0][0]
        start, end = data.get("period_start"), data.get("period_end") or timezone.localdate()
        stats = hazard_stats(self.get_queryset(), unit=unit, period_start=start, period_end=end)
        statuses = status_counts(self.get_queryset(), unit, start, end)
        context.update(
            unit=unit,
            ancestors=OrgUnit.objects.ancestors_of(unit).restrict(user, HazardAction.VIEW)
            if unit
            else [],
            stats=stats,
            metric=metric,
            metric_label=dict(STATS_METRICS)[metric],
            table=region_industry_table(stats, metric),
            chart_data={
                "regions": [row["name"] for row in stats["by_region"]],
                "series": [
                    {"name": str(label), "data": [row[key] for row in stats["by_region"]]}
                    for key, label in (
                        ("found", _("发现")),
                        ("closed", _("销号")),
                        ("open", _("未销号")),
                    )
                ],
                "statuses": [
                    {"name": str(label), "value": statuses.get(value, 0)}
                    for value, label in Status.choices
                ],
            },
        )
        return context


def region_industry_table(stats, metric):
    """Rows of child regions × columns of the industries that have any hazard, each cell
    the chosen figure; with the region's and industry's totals."""
    cells = {(cell["region_id"], cell["industry_id"]): cell[metric] for cell in stats["cells"]}
    used = {industry_id for _region, industry_id in cells}
    industries = [row for row in stats["by_industry"] if row["id"] in used]
    return {
        "industries": industries,
        "rows": [
            {
                "region": region,
                "cells": [cells.get((region["id"], row["id"]), 0) for row in industries],
                "total": region[metric],
            }
            for region in stats["by_region"]
        ],
        "totals": [row[metric] for row in industries],
        "total": stats["totals"][metric],
    }
