"""HTML pages of training, licences, drills and awareness events.

Every page over a training model (and the enterprises it lists) is a
core.views.ScopedViewMixin, so out of scope is 404. Views are thin: rules, hours, coverage and
compliance are training.services' and training.stats'; a refusal shows the service's Chinese
message on the page.
"""

import calendar
from datetime import date, timedelta
from operator import itemgetter

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import FileResponse, HttpResponseRedirect
from django.urls import reverse
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

from core.exporting import ExportColumn, XlsxBuilder
from core.uploads import content_type_for
from core.views import ScopedViewMixin, ServiceFormMixin, UserFormMixin, refusal
from orgs.constants import Action
from orgs.models import Enterprise, OrgUnit
from orgs.views import ScopeRequiredMixin, scope_allows, xlsx_response
from training import services
from training.forms import (
    AwarenessEventForm,
    CertificateForm,
    CoverageForm,
    DrillForm,
    PersonForm,
    RenewCertificateForm,
    RosterImportForm,
    SessionForm,
    TrainingStatsForm,
    certificate_search_form,
    drill_search_form,
    person_search_form,
    session_search_form,
)
from training.importers import ROSTER_COLUMNS
from training.models import AwarenessEvent, Certificate, Drill, DrillPhoto, Person, TrainingSession
from training.stats import (
    by_urgency,
    coverage,
    drill_compliance,
    drill_due_on,
    flagged_enterprises,
    on_site_drill_due_on,
    training_stats,
    with_certificate_status,
    with_training_status,
)


class TrainingFormMixin(UserFormMixin, ServiceFormMixin):
    """A training form page: its choices narrowed to the user's scope, and the page of the
    object written, training:<success_name> (the training models have no get_absolute_url)."""

    success_name = ""

    def get_success_url(self):
        return reverse(f"training:{self.success_name}", args=[self.object.pk])


class SearchListMixin:
    """A list narrowed by a SearchForm (`search_form`) built from the query string."""

    search_form = None

    def get_queryset(self):
        queryset = super().get_queryset()
        self.form = self.search_form(self.request.GET)
        if not self.form.is_valid():
            return queryset.none()
        return self.search(queryset, self.form.cleaned_data)

    def get_context_data(self, **kwargs):
        return super().get_context_data(form=self.form, **kwargs)


# --- Training sessions ---------------------------------------------------------------------


class SessionListView(SearchListMixin, ScopedViewMixin, ListView):
    """培训班: the classes held in scope, newest first."""

    model = TrainingSession
    template_name = "training/session_list.html"
    paginate_by = 20
    search_form = staticmethod(session_search_form)

    def search(self, sessions, data):
        if data["q"]:
            sessions = sessions.filter(
                Q(title__icontains=data["q"]) | Q(place__icontains=data["q"])
            )
        if data["status"]:
            sessions = sessions.filter(audience=data["status"])
        return sessions.select_related("org_unit", "enterprise")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            can_add=scope_allows(self.request.user, TrainingSession, Action.ADD), **kwargs
        )


class SessionCreateView(ScopeRequiredMixin, TrainingFormMixin, ScopedViewMixin, CreateView):
    model = TrainingSession
    scope_action = Action.ADD
    form_class = SessionForm
    template_name = "training/session_form.html"
    success_message = _lazy("已录入培训班，可在本页导入参训名单。")
    success_name = "session_detail"

    def run(self, form):
        return services.record_session(form.service_data(), user=self.request.user)


class ServiceUpdateView(TrainingFormMixin, ScopedViewMixin, UpdateView):
    """An edit through `update_service`; a stale version is a conflict, never an overwrite."""

    scope_action = Action.CHANGE
    success_message = _lazy("已保存修改。")
    update_service = None

    def run(self, form):
        return type(self).update_service(
            self.object,
            form.service_data(),
            user=self.request.user,
            expected_version=form.cleaned_data["expected_version"],
        )


class SessionUpdateView(ServiceUpdateView):
    """Correct a session."""

    model = TrainingSession
    form_class = SessionForm
    template_name = "training/session_form.html"
    success_name = "session_detail"
    update_service = services.update_session


class SessionDetailView(ScopedViewMixin, DetailView):
    """One class: what was taught, its roster (ID numbers masked), and the roster import."""

    model = TrainingSession
    template_name = "training/session_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("org_unit", "enterprise", "created_by")

    def get_context_data(self, **kwargs):
        session = self.object
        can_change = (
            TrainingSession.objects.restrict(self.request.user, Action.CHANGE)
            .filter(pk=session.pk)
            .exists()
        )
        return super().get_context_data(
            industries=session.industries.all(),
            attendances=session.attendances.select_related("person__enterprise").order_by(
                "person__name", "pk"
            ),
            can_change=can_change,
            import_form=kwargs.pop("import_form", None)
            or (RosterImportForm() if can_change else None),
            roster_columns=ROSTER_COLUMNS,
            **kwargs,
        )


class RosterImportView(SessionDetailView):
    """POST a roster: every row checked, all written or none; on errors the session's page
    lists them by row and column."""

    scope_action = Action.CHANGE
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = RosterImportForm(request.POST, request.FILES)
        result = None
        if form.is_valid():
            try:
                result = services.import_roster(
                    self.object, form.cleaned_data["file"], user=request.user
                )
            except PermissionDenied as error:
                form.add_error(None, refusal(error))
            else:
                if result.ok:
                    messages.success(
                        request, _("已导入参训名单，共%(n)d人。") % {"n": result.created}
                    )
                    return HttpResponseRedirect(
                        reverse("training:session_detail", args=[self.object.pk])
                    )
        return self.render_to_response(self.get_context_data(import_form=form, result=result))


# --- People ----------------------------------------------------------------------------------


class PersonListView(SearchListMixin, ScopedViewMixin, ListView):
    """培训人员: each person's hours status today; ID numbers masked."""

    model = Person
    template_name = "training/person_list.html"
    paginate_by = 30
    search_form = staticmethod(person_search_form)

    def search(self, people, data):
        people = with_training_status(people, timezone.localdate())
        query = data["q"].strip()
        if query:
            people = people.filter(Q(name__icontains=query) | Q(id_number_last4=query.upper()))
        if data["status"]:
            people = people.filter(training_status=data["status"])
        return people.select_related("enterprise", "org_unit")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            can_add=scope_allows(self.request.user, Person, Action.ADD), **kwargs
        )


class PersonCreateView(ScopeRequiredMixin, TrainingFormMixin, ScopedViewMixin, CreateView):
    model = Person
    scope_action = Action.ADD
    form_class = PersonForm
    template_name = "training/person_form.html"
    success_message = _lazy("已登记人员。")
    success_name = "person_detail"

    def run(self, form):
        return services.register_person(form.service_data(), user=self.request.user)


class PersonUpdateView(ServiceUpdateView):
    """Correct or move a person. The ID number is never shown: an empty box keeps it, a new
    one replaces it after the GB 11643 check."""

    model = Person
    form_class = PersonForm
    template_name = "training/person_form.html"
    success_name = "person_detail"
    update_service = services.update_person


class PersonDetailView(ScopedViewMixin, DetailView):
    """One person's training record: sessions, hours, status and licences."""

    model = Person
    template_name = "training/person_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("enterprise", "org_unit", "industry")

    def get_context_data(self, **kwargs):
        person = self.object
        today = timezone.localdate()
        may_reveal = services.can_reveal_id_number(self.request.user)
        return super().get_context_data(
            status=services.person_training_status(person, today),
            attendances=person.attendances.select_related("session").order_by(
                "-completed_on", "-pk"
            ),
            certificates=with_certificate_status(person.certificates.all(), today),
            can_reveal=bool(person.id_number_last4) and may_reveal,
            # Certificates numbered by an ID number show its mask, revealed as the person's.
            can_reveal_certificates=may_reveal,
            can_change=Person.objects.restrict(self.request.user, Action.CHANGE)
            .filter(pk=person.pk)
            .exists(),
            can_add_certificate=scope_allows(self.request.user, Certificate, Action.ADD),
            can_renew=scope_allows(self.request.user, Certificate, Action.CHANGE),
            **kwargs,
        )


class PersonRevealView(PersonDetailView):
    """POST 查看完整身份证号: the number is shown on this response only, never stored in the
    session or a URL; every reveal is in the audit log (training.services)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        try:
            number = services.reveal_id_number(self.object, user=request.user, request=request)
        except PermissionDenied as error:
            raise PermissionDenied(refusal(error)[0]) from error
        except ValidationError as error:
            messages.error(request, refusal(error)[0])
            return HttpResponseRedirect(reverse("training:person_detail", args=[self.object.pk]))
        response = self.render_to_response(self.get_context_data(revealed_id_number=number))
        response["Cache-Control"] = "no-store"
        return response


# --- Certificates ----------------------------------------------------------------------------


class CertificateRevealView(ScopedViewMixin, SingleObjectMixin, View):
    """POST 查看完整证书编号: the holder's page with this certificate's number in full, on this
    response only, never stored in the session or a URL; every reveal is in the audit log
    (training.services). Same permission as the ID number's."""

    model = Certificate
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        certificate = self.object
        page = PersonDetailView(request=request, args=(), kwargs={"pk": certificate.holder_id})
        # The holder's page is looked up first: a holder out of scope is 404, and nothing is
        # revealed or logged for a page that cannot be shown.
        page.object = page.get_object()
        try:
            number = services.reveal_certificate_number(
                certificate, user=request.user, request=request
            )
        except PermissionDenied as error:
            raise PermissionDenied(refusal(error)[0]) from error
        response = page.render_to_response(
            page.get_context_data(
                revealed_certificate=certificate.pk, revealed_certificate_number=number
            )
        )
        response["Cache-Control"] = "no-store"
        return response


# Enterprises flagged for expired certificates above the certificate list.
FLAGGED_SHOWN = 10


class CertificateListView(SearchListMixin, ScopedViewMixin, ListView):
    """持证上岗: licences in scope by expiry, coloured valid / review due / expired."""

    model = Certificate
    template_name = "training/certificate_list.html"
    paginate_by = 30
    search_form = staticmethod(certificate_search_form)

    def search(self, certificates, data):
        certificates = with_certificate_status(
            certificates.filter(is_void=False), timezone.localdate()
        )
        query = data["q"].strip()
        if query:
            certificates = certificates.filter(
                Q(holder__name__icontains=query)
                | services.certificate_number_q(query)
                | Q(operation__icontains=query)
                | Q(enterprise__name__icontains=query)
            )
        if data["status"]:
            certificates = certificates.filter(certificate_status=data["status"])
        return certificates.select_related("holder", "enterprise", "org_unit")

    def get_context_data(self, **kwargs):
        scoped = Certificate.objects.restrict(self.request.user, Action.VIEW)
        flagged = flagged_enterprises(scoped, timezone.localdate())
        shown = list(flagged[: FLAGGED_SHOWN + 1])
        return super().get_context_data(
            can_add=scope_allows(self.request.user, Certificate, Action.ADD),
            can_renew=scope_allows(self.request.user, Certificate, Action.CHANGE),
            flagged=shown[:FLAGGED_SHOWN],
            more_flagged=len(shown) > FLAGGED_SHOWN,
            **kwargs,
        )


class CertificateCreateView(ScopeRequiredMixin, TrainingFormMixin, ScopedViewMixin, CreateView):
    model = Certificate
    scope_action = Action.ADD
    form_class = CertificateForm
    template_name = "training/certificate_form.html"
    success_message = _lazy("已登记证书。")

    def get_initial(self):
        # From a person's page: that person is the holder.
        return {"holder": self.request.GET.get("holder")}

    def run(self, form):
        return services.record_certificate(form.service_data(), user=self.request.user)

    def get_success_url(self):
        return reverse("training:person_detail", args=[self.object.holder_id])


class CertificateRenewView(ServiceFormMixin, ScopedViewMixin, SingleObjectMixin, FormView):
    """复审 or 换证 of one certificate: new review and expiry dates; the page lists the
    certificate's earlier dates from its history, which keeps them."""

    model = Certificate
    scope_action = Action.CHANGE
    form_class = RenewCertificateForm
    template_name = "training/certificate_renew.html"
    success_message = _lazy("已办理复审/换证，提醒按新的日期发送。")

    def get_queryset(self):
        return super().get_queryset().select_related("holder", "enterprise")

    def get_form_kwargs(self):
        # The form needs the certificate, not the user: the service checks the scope.
        return {**super().get_form_kwargs(), "certificate": self.object}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            certificate=with_certificate_status(
                Certificate.objects.filter(pk=self.object.pk), timezone.localdate()
            ).get(),
            history=self.object.history.select_related("history_user").order_by(
                "-history_date", "-history_id"
            ),
            **kwargs,
        )

    def run(self, form):
        return services.renew_certificate(
            self.object,
            form.service_data(),
            user=self.request.user,
            expected_version=form.cleaned_data["expected_version"],
        )

    def get_success_url(self):
        return reverse("training:person_detail", args=[self.object.holder_id])


# --- Drills ----------------------------------------------------------------------------------


class DrillComplianceView(SearchListMixin, ScopedViewMixin, ListView):
    """演练达标: each unit in scope with its last drill and when the next falls due; overdue
    units first."""

    model = Enterprise
    template_name = "training/drill_compliance.html"
    paginate_by = 30
    search_form = staticmethod(drill_search_form)

    def search(self, enterprises, data):
        units = drill_compliance(enterprises, timezone.localdate())
        if data["q"]:
            units = units.filter(name__icontains=data["q"])
        if data["status"]:
            units = units.filter(drill_status=data["status"])
        return by_urgency(units.select_related("org_unit", "industry"))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for unit in context["object_list"]:
            unit.drill_due_on = drill_due_on(unit)
            unit.on_site_drill_due_on = on_site_drill_due_on(unit)
        context["can_add"] = scope_allows(self.request.user, Drill, Action.ADD)
        return context


class DrillCalendarView(ScopedViewMixin, TemplateView):
    """演练日历: the drills of one month, day by day (`?month=YYYY-MM`)."""

    model = Drill
    template_name = "training/drill_calendar.html"

    def get_context_data(self, **kwargs):
        month = self.month()
        weeks = calendar.Calendar().monthdatescalendar(month.year, month.month)
        drills = (
            self.get_queryset()
            .filter(held_on__gte=weeks[0][0], held_on__lte=weeks[-1][-1])
            .select_related("enterprise", "org_unit")
            .order_by("held_on", "pk")
        )
        by_day: dict[date, list] = {}
        for drill in drills:
            by_day.setdefault(drill.held_on, []).append(drill)
        return super().get_context_data(
            month=month,
            previous_month=(month - timedelta(days=1)).replace(day=1),
            next_month=(month.replace(day=28) + timedelta(days=4)).replace(day=1),
            weeks=[[(day, by_day.get(day, [])) for day in week] for week in weeks],
            month_drills=[d for d in drills if d.held_on.month == month.month],
            today=timezone.localdate(),
            **kwargs,
        )

    def month(self) -> date:
        try:
            year, month = (int(part) for part in self.request.GET.get("month", "").split("-"))
            return date(year, month, 1)
        except ValueError:
            return timezone.localdate().replace(day=1)


class DrillCreateView(ScopeRequiredMixin, TrainingFormMixin, ScopedViewMixin, CreateView):
    """The phone form: the drill and its photos from the camera (multipart)."""

    model = Drill
    scope_action = Action.ADD
    form_class = DrillForm
    template_name = "training/drill_form.html"
    success_message = _lazy("已登记演练。")
    success_name = "drill_detail"

    def run(self, form):
        return services.record_drill(
            form.service_data(), user=self.request.user, files=form.cleaned_data["photos"]
        )


class DrillDetailView(ScopedViewMixin, DetailView):
    model = Drill
    template_name = "training/drill_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("enterprise", "org_unit", "created_by")


class DrillPhotoView(ScopedViewMixin, SingleObjectMixin, View):
    """A drill's photo, streamed only to those who see the drill (never from MEDIA_URL)."""

    model = DrillPhoto

    def get(self, request, *args, **kwargs):
        photo = self.object
        response = FileResponse(
            photo.file.open("rb"),
            content_type=content_type_for(photo.file.name),
            filename=photo.original_name,
        )
        response["Cache-Control"] = "private, max-age=3600"
        return response


# --- Awareness events ------------------------------------------------------------------------


class AwarenessEventListView(ScopedViewMixin, ListView):
    """安全生产月、消防宣传月、安全宣传咨询日 and other awareness events."""

    model = AwarenessEvent
    template_name = "training/awareness_list.html"
    paginate_by = 30

    def get_queryset(self):
        return super().get_queryset().select_related("org_unit", "enterprise")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            can_add=scope_allows(self.request.user, AwarenessEvent, Action.ADD), **kwargs
        )


class AwarenessEventCreateView(ScopeRequiredMixin, TrainingFormMixin, ScopedViewMixin, CreateView):
    model = AwarenessEvent
    scope_action = Action.ADD
    form_class = AwarenessEventForm
    template_name = "training/awareness_form.html"
    success_message = _lazy("已登记宣传活动。")

    def run(self, form):
        return services.record_awareness_event(form.service_data(), user=self.request.user)

    def get_success_url(self):
        return reverse("training:awareness_list")


# --- Coverage --------------------------------------------------------------------------------

# People not yet covered shown on the page; the export has them all.
NOT_COVERED_SHOWN = 100
NOT_COVERED_COLUMNS = [
    ExportColumn("姓名", "name"),
    ExportColumn("身份证号", "masked_id_number", width=24),
    ExportColumn("人员类别", lambda p: p.get_category_display()),
    ExportColumn("职务/岗位", "position"),
    ExportColumn("所在企业", "enterprise.name", width=30),
    ExportColumn("属地", "org_unit.name"),
    ExportColumn("行业领域", "industry.name"),
]


class CoverageMixin(ScopedViewMixin):
    model = Person

    def coverage(self):
        """(form, Coverage or None) for the query string."""
        # Always bound: every field is optional, and no parameters mean the defaults.
        form = CoverageForm(self.request.GET, user=self.request.user)
        if not form.is_valid():
            return form, None
        people = form.filter(self.get_queryset())
        data = form.cleaned_data
        result = coverage(people, window_start=data["window_start"], window_end=data["window_end"])
        result.not_covered = result.not_covered.select_related(
            "enterprise", "org_unit", "industry"
        ).order_by("org_path", "name", "pk")
        return form, result


class CoverageView(CoverageMixin, TemplateView):
    """重点人员培训覆盖率 over a window, with those not yet covered; export to .xlsx."""

    template_name = "training/coverage.html"

    def get_context_data(self, **kwargs):
        form, result = self.coverage()
        shown = list(result.not_covered[: NOT_COVERED_SHOWN + 1]) if result else []
        return super().get_context_data(
            form=form,
            result=result,
            not_covered=shown[:NOT_COVERED_SHOWN],
            truncated=len(shown) > NOT_COVERED_SHOWN,
            **kwargs,
        )


class CoverageExportView(CoverageMixin, View):
    """The report as .xlsx: the figures, and every person not yet covered (ID masked)."""

    def get(self, request):
        form, result = self.coverage()
        if result is None:
            # The page shows what is wrong with the filter.
            return HttpResponseRedirect(f"{reverse('training:coverage')}?{request.GET.urlencode()}")
        data = form.cleaned_data
        builder = XlsxBuilder()
        builder.add_sheet(
            "覆盖率",
            [
                ExportColumn("项目", lambda row: row[0], 24),
                ExportColumn("数值", lambda row: row[1], 24),
            ],
            [
                ("地区或部门", data["unit"].name if data["unit"] else "全部"),
                ("人员类别", dict(form.fields["category"].choices)[data["category"]]),
                ("起始日期", data["window_start"]),
                ("截止日期", data["window_end"]),
                ("应培训人数", result.total),
                ("已培训人数", result.covered),
                ("覆盖率(%)", result.share),
            ],
        )
        builder.add_sheet(
            "未覆盖人员", NOT_COVERED_COLUMNS, result.not_covered.iterator(chunk_size=1000)
        )
        return xlsx_response(builder.to_bytes(), _("培训覆盖率.xlsx"))


# --- Statistics ------------------------------------------------------------------------------


class TrainingStatsMixin(ScopedViewMixin):
    """The figures of training.stats.training_stats for the unit and period asked, counting
    only what the user sees. The unit defaults to the highest one in the user's scope."""

    model = OrgUnit

    def figures(self):
        """(form, figures or None) for the query string."""
        form = TrainingStatsForm(self.request.GET, user=self.request.user)
        if not form.is_valid():
            return form, None
        data = form.cleaned_data
        units = self.get_queryset()
        unit = data["unit"] or units.exclude(parent__in=units).order_by("depth", "path").first()
        if unit is None:
            return form, None
        figures = training_stats(
            unit, data["period_start"], data["period_end"], user=self.request.user
        )
        return form, figures


class TrainingStatsView(TrainingStatsMixin, TemplateView):
    """培训演练统计: sessions, attendance and hours by audience, coverage of the key groups,
    certificates, drills and units overdue, awareness events; export to .xlsx."""

    template_name = "training/stats.html"

    def get_context_data(self, **kwargs):
        form, figures = self.figures()
        return super().get_context_data(form=form, figures=figures, **kwargs)


def stats_rows(figures) -> list[tuple[str, object]]:
    """The statistics page's figures as (item, value) rows, in the page's order."""
    coverage_figures = figures["key_group_coverage"]
    certificates, drills = figures["certificates"], figures["drills"]
    return [
        ("统计单位", figures["unit"].name),
        ("起始日期", figures["period_start"]),
        ("截止日期", figures["period_end"]),
        ("培训班（期）", figures["sessions"]),
        ("参训（人次）", figures["attendance"]),
        ("培训量（人·学时）", figures["person_hours"]),
        ("重点人员应培训（人）", coverage_figures["total"]),
        ("重点人员已培训（人）", coverage_figures["covered"]),
        ("重点人员覆盖率（%）", coverage_figures["share"]),
        ("证书有效（本）", certificates["valid"]),
        ("证书待复审（本）", certificates["review_due"]),
        ("证书已过期（本）", certificates["expired"]),
        ("开展演练（次）", drills["held"]),
        ("其中无脚本演练（次）", drills["unscripted"]),
        ("其中现场处置方案演练（次）", drills["on_site"]),
        ("纳入演练考核单位（家）", drills["units"]),
        ("期末逾期未演练单位（家）", drills["overdue"]),
        ("其中现场处置方案演练逾期（家）", drills["on_site_overdue"]),
        ("期末即将到期单位（家）", drills["due_soon"]),
        ("宣传活动（场）", figures["awareness"]["events"]),
        ("宣传覆盖（人次）", figures["awareness"]["reach"]),
    ]


AUDIENCE_COLUMNS = [
    ExportColumn("培训对象", itemgetter("label"), 16),
    ExportColumn("培训班（期）", itemgetter("sessions"), 14),
    ExportColumn("参训（人次）", itemgetter("attendance"), 14),
    ExportColumn("培训量（人·学时）", itemgetter("person_hours"), 18),
]


class TrainingStatsExportView(TrainingStatsMixin, View):
    """The statistics as .xlsx: the figures, and sessions / attendance / hours by audience."""

    def get(self, request):
        figures = self.figures()[1]
        if figures is None:
            # The page shows what is wrong with the filter.
            return HttpResponseRedirect(f"{reverse('training:stats')}?{request.GET.urlencode()}")
        builder = XlsxBuilder()
        builder.add_sheet(
            "概况",
            [
                ExportColumn("项目", itemgetter(0), 30),
                ExportColumn("数值", itemgetter(1), 20),
            ],
            stats_rows(figures),
        )
        builder.add_sheet("分培训对象", AUDIENCE_COLUMNS, figures["by_audience"])
        return xlsx_response(builder.to_bytes(), _("培训演练统计.xlsx"))
