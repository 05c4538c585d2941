"""Pages of citizens' reports.

Public (no login, /public/report/…): the report form, the receipt shown after filing, the
status by receipt code (stage and dates only) and the township options of the form.

Staff (/hazards/reports/…): the triage queue, a report with its steps (交办, 核查, 查实,
不实, 奖励), its photo, the audited reveal of the reporter, and the statistics. Every staff
page is a core.views.ScopedViewMixin over PublicReport, so out of scope is 404. No staff page
shows the reporter's name or contact except the reveal's own response, and only to holders
of the grant (hazards.report_services.can_see_reporter).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, OuterRef, Q
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _lazy
from django.views import View
from django.views.generic import DetailView, FormView, ListView, TemplateView
from django.views.generic.detail import SingleObjectMixin

from core import history
from core.forms import add_validation_error
from core.security import client_ip
from core.uploads import content_type_for
from core.views import ScopedViewMixin, ServiceFormMixin, UserFormMixin, refusal
from hazards import report_services as services
from hazards.constants import ReportAction
from hazards.models import PublicReport, ReporterIdentity
from hazards.report_filters import PublicReportFilter
from hazards.report_forms import (
    AssignForm,
    NoteForm,
    PublicReportForm,
    ReceiptForm,
    ReportStatsForm,
    RewardForm,
    UnfoundedForm,
    VerifyForm,
    townships,
)
from hazards.report_stats import report_stats
from hazards.stats import default_stats_unit
from orgs.models import OrgUnit

Status = PublicReport.Status
RECEIPT_SESSION_KEY = "public_report_receipt"

# --- Public pages ---------------------------------------------------------------------------


class PublicReportCreateView(FormView):
    """随手拍 / 群众举报: the citizen's form. A refusal (rate limit, honeypot, photo) is
    shown on the form and nothing is stored."""

    form_class = PublicReportForm
    template_name = "hazards/public_report_form.html"

    def form_valid(self, form):
        try:
            report = services.submit_report(
                form.service_data(),
                ip=client_ip(self.request),
                photo=form.cleaned_data["photo"],
                honeypot=form.cleaned_data["website"],
            )
        except ValidationError as error:
            add_validation_error(form, error)
            return self.form_invalid(form)
        # Shown on the next page (POST, redirect, GET): a reload does not file it twice.
        self.request.session[RECEIPT_SESSION_KEY] = report.receipt_code
        return redirect("public:report_receipt")


class PublicReportReceiptView(TemplateView):
    """The receipt code of the report just filed, to note down."""

    template_name = "hazards/public_report_receipt.html"

    def get(self, request, *args, **kwargs):
        code = request.session.get(RECEIPT_SESSION_KEY)
        if not code:
            return redirect("public:report_create")
        return self.render_to_response(
            {"receipt": services.format_receipt(code), "receipt_code": code}
        )


class PublicReportStatusView(FormView):
    """进度查询: the stage of a report and its dates, by receipt code; nothing internal."""

    form_class = ReceiptForm
    template_name = "hazards/public_report_status.html"
    http_method_names = ["get"]

    def get_form_kwargs(self):
        # A lookup is a GET (the link on the receipt page carries the code).
        kwargs = {"initial": self.get_initial(), "prefix": self.get_prefix()}
        if "receipt" in self.request.GET:
            kwargs["data"] = self.request.GET
        return kwargs

    def get(self, request, *args, **kwargs):
        form = self.get_form()
        context = {"form": form}
        if form.is_bound and form.is_valid():
            status = services.public_status(form.report)
            context["status"] = status
            context["receipt"] = services.format_receipt(status["receipt_code"])
        return self.render_to_response(self.get_context_data(**context))


class PublicRegionOptionsView(TemplateView):
    """htmx: the townships of the county picked on the public form."""

    template_name = "hazards/public_report_options.html"

    def get_context_data(self, **kwargs):
        county = self.request.GET.get("county", "")
        return {"townships": townships(county if county.isdigit() else None).order_by("path")}


# --- Staff pages ----------------------------------------------------------------------------


class ReportMixin(ScopedViewMixin):
    model = PublicReport
    related = ("org_unit", "assigned_unit", "assigned_to", "hazard", "enterprise")

    def get_queryset(self):
        return super().get_queryset().select_related(*self.related)


QUEUE_TABS = (
    ("open", _lazy("待办理"), services.OPEN_STATUSES),
    ("verified", _lazy("查实"), (Status.VERIFIED,)),
    ("unfounded", _lazy("不实"), (Status.UNFOUNDED,)),
    ("", _lazy("全部"), None),
)


class ReportListView(ReportMixin, ListView):
    """举报受理: the reports in scope, oldest deadline first among the open ones."""

    template_name = "hazards/report_list.html"
    paginate_by = 20

    def get_queryset(self):
        self.scoped = super().get_queryset()
        self.tab = self.request.GET.get("tab", "open")
        self.filterset = PublicReportFilter(
            self.request.GET, queryset=self.scoped, request=self.request
        )
        if not self.filterset.is_valid():
            return self.scoped.none()
        reports = self.filterset.qs
        statuses = {value: group for value, _label, group in QUEUE_TABS}.get(self.tab)
        if statuses:
            reports = reports.filter(status__in=statuses)
        late = Q(status__in=services.OPEN_STATUSES, deadline__lt=timezone.localdate())
        reports = reports.annotate(is_late=ExpressionWrapper(late, output_field=BooleanField()))
        if self.tab == "open":
            return reports.order_by("deadline", "created_at", "pk")
        return reports

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        counts = dict(
            self.filterset.qs.order_by().values_list("status").annotate(n=Count("pk"))
            if self.filterset.is_valid()
            else []
        )
        context.update(
            filter_form=self.filterset.form,
            tab=self.tab,
            tabs=[
                (value, label, sum(counts.get(s, 0) for s in (statuses or Status.values)))
                for value, label, statuses in QUEUE_TABS
            ],
        )
        return context


# Bookkeeping columns, not steps anyone took.
NOT_SHOWN = ("version", "updated_at", "org_path", "province", "city", "county", "township")


def report_timeline(report, *, limit=100):
    """The report's changes, oldest first, from its history (which holds no identity)."""
    records = history.with_previous(
        report.history.select_related("history_user").order_by("-history_id")
    )[:limit]
    entries = history.describe(records, excluded_fields=NOT_SHOWN)
    return list(reversed(entries))


class ReportDetailView(ReportMixin, DetailView):
    """One report: what the citizen wrote, its handling, the steps the user may take."""

    template_name = "hazards/report_detail.html"

    def get_queryset(self):
        # Whether the reporter left a name or contact (实名 / 匿名), not what they are.
        identity = ReporterIdentity.objects.filter(report=OuterRef("pk"))
        return super().get_queryset().annotate(has_identity=Exists(identity))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report, user = self.object, self.request.user
        steps = services.available_steps(report, user)
        context.update(
            allowed={name for name, reason in steps.items() if reason is None},
            can_reveal=services.can_see_reporter(user),
            timeline=report_timeline(report),
            overdue=services.is_overdue_on(report, timezone.localdate()),
            receipt=services.format_receipt(report.receipt_code),
        )
        return context


class ReportRevealView(ReportDetailView):
    """POST: show the reporter's name and contact on the report's page, to holders of the
    grant only; never stored in a session or a URL; every reveal is in the audit log."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        try:
            identity = services.reveal_reporter(self.object, user=request.user, request=request)
        except PermissionDenied as error:
            messages.error(request, refusal(error)[0])
            return HttpResponseRedirect(services.report_link(self.object.pk))
        context = self.get_context_data(object=self.object, revealed=True, identity=identity)
        response = self.render_to_response(context)
        response["Cache-Control"] = "no-store"
        return response


class ReportPhotoView(ScopedViewMixin, SingleObjectMixin, View):
    """The citizen's photo, streamed only to those who see the report."""

    model = PublicReport

    def get(self, request, *args, **kwargs):
        report = self.object
        if not report.photo:
            raise Http404
        response = FileResponse(
            report.photo.open("rb"), content_type=content_type_for(report.photo.name)
        )
        response["Cache-Control"] = "private, max-age=3600"
        return response


class ReportStepView(UserFormMixin, ServiceFormMixin, ReportMixin, SingleObjectMixin, FormView):
    """One step on one report: GET shows its form (or why not now), POST calls the service;
    what the service refuses is shown on the form in its words; a stale page answers 409."""

    template_name = "hazards/report_step.html"
    step = ""
    service = None
    title = ""
    intro = ""
    submit_label = _lazy("提交")
    submit_css = "primary"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "report": self.object}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["receipt"] = services.format_receipt(self.object.receipt_code)
        if self.request.method == "GET":
            context["unavailable"] = services.available_steps(self.object, self.request.user)[
                self.step
            ]
        return context

    def run(self, form):
        self.service(self.object, user=self.request.user, **form.service_kwargs())
        return self.object

    def get_success_url(self):
        # PublicReport has no get_absolute_url: its page's link is the service's.
        return services.report_link(self.object.pk)


class AssignView(ReportStepView):
    step = "assign"
    service = staticmethod(services.assign)
    form_class = AssignForm
    title = _lazy("交办")
    intro = _lazy("交由承办单位核查办理，并明确办理时限。")
    submit_label = _lazy("交办")
    success_message = _lazy("已交办。")


class InvestigateView(ReportStepView):
    step = "investigate"
    service = staticmethod(services.start_investigation)
    form_class = NoteForm
    title = _lazy("开始核查")
    intro = _lazy("到现场或通过其他方式核实举报情况。")
    submit_label = _lazy("开始核查")
    success_message = _lazy("已开始核查。")


class VerifyView(ReportStepView):
    step = "verify"
    service = staticmethod(services.verify)
    form_class = VerifyForm
    title = _lazy("认定查实")
    intro = _lazy("举报情况属实：登记为隐患台账中的一条隐患（发现渠道“群众举报查实”）。")
    submit_label = _lazy("查实并登记隐患")
    submit_css = "success"
    success_message = _lazy("已认定查实，并登记隐患。")


class UnfoundedView(ReportStepView):
    step = "unfounded"
    service = staticmethod(services.mark_unfounded)
    form_class = UnfoundedForm
    title = _lazy("认定不实")
    intro = _lazy("经核查举报情况不属实，须写明原因。")
    submit_label = _lazy("认定不实")
    submit_css = "warning"
    success_message = _lazy("已认定不实。")


class RewardView(ReportStepView):
    step = "reward"
    service = staticmethod(services.decide_reward)
    form_class = RewardForm
    title = _lazy("举报奖励")
    intro = _lazy("查实的举报按举报奖励办法给予奖励；发放后填写发放日期。")
    submit_label = _lazy("保存奖励")
    success_message = _lazy("已保存举报奖励。")


class ReportStatsView(ScopedViewMixin, TemplateView):
    """举报统计: received, verified, rewarded and the reward total per child region."""

    model = PublicReport
    template_name = "hazards/report_stats.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        form = ReportStatsForm(self.request.GET or None, user=user)
        context["form"] = form
        if form.is_bound and not form.is_valid():
            return context
        data = form.cleaned_data if form.is_bound else {}
        unit = data.get("unit") or default_stats_unit(user)
        context["stats"] = report_stats(
            self.get_queryset(),
            unit=unit,
            period_start=data.get("period_start"),
            period_end=data.get("period_end"),
        )
        context["unit"] = unit
        context["ancestors"] = (
            OrgUnit.objects.ancestors_of(unit).restrict(user, ReportAction.VIEW) if unit else []
        )
        return context
