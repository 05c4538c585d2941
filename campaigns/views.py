"""HTML pages of the campaign plans: plan tree, tasks and their assignments, 我的任务, progress
reports and their review, completion by subordinate, plan import, checklists.

Every page is a core.views.ScopedViewMixin over the model it shows, so an object out of scope
is 404. Views only read; every write goes through campaigns.services, whose ValidationErrors
(Chinese) are shown on the form.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
)
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView, ListView, TemplateView
from django.views.generic.detail import SingleObjectMixin

from campaigns import services, stats
from campaigns.forms import (
    AssignForm,
    ChecklistTickForm,
    DerivePlanForm,
    ImportPreview,
    PlanEditForm,
    PlanForm,
    PlanImportForm,
    ProgressReportForm,
    ReviewForm,
    TaskForm,
    own_units,
    units_below,
)
from campaigns.models import (
    Assignment,
    Checklist,
    ChecklistItem,
    Plan,
    ProgressAttachment,
    ProgressReport,
    Slot,
    Task,
)
from core.exceptions import StaleVersionError
from core.forms import add_validation_error
from core.uploads import content_type_for
from core.views import ScopedViewMixin, UserFormMixin
from orgs.constants import Action as ScopeAction
from orgs.models import OrgUnit
from orgs.scoping import scope_for
from orgs.views import ScopeRequiredMixin, scope_allows

# Slots still waiting for a report (a returned report is reported again).
OPEN_SLOT_STATUSES = (Slot.Status.OPEN, Slot.Status.RETURNED)


def late_assignment(today):
    """An assignment (the outer query's row) has a slot past due and not accepted: the rule of
    campaigns.stats, so that the plan tree and the completion figures agree."""
    return Exists(stats.late_slots(Slot.objects.filter(assignment=OuterRef("pk")), today))


def with_progress(assignments, today):
    """Annotate assignments with their next slot to report on (`next_slot_id`, `next_due`)
    and `state` — done / late / in_progress / pending, the colours of the pages — in SQL."""
    next_slot = Slot.objects.filter(
        assignment=OuterRef("pk"), status__in=OPEN_SLOT_STATUSES
    ).order_by("due_date", "pk")
    late = late_assignment(today)
    return assignments.annotate(
        next_slot_id=Subquery(next_slot.values("pk")[:1]),
        next_due=Subquery(next_slot.values("due_date")[:1]),
        is_late=Case(
            When(~Q(status=Assignment.Status.DONE) & late, then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
        state=Case(
            When(status=Assignment.Status.DONE, then=Value("done")),
            When(late, then=Value("late")),
            When(status=Assignment.Status.IN_PROGRESS, then=Value("in_progress")),
            default=Value("pending"),
            output_field=CharField(),
        ),
    )


def can(user, model, action, obj) -> bool:
    """Whether `user` may `action` this one object (a scoped query on its primary key)."""
    return model.objects.restrict(user, action).filter(pk=obj.pk).exists()


def service_call(request, call, success_message) -> None:
    """Run a one-button service call; its ValidationError becomes an error message."""
    try:
        call()
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, success_message)


class ObjectFormView(ScopedViewMixin, SingleObjectMixin, FormView):
    """A form about one scoped object (`self.object`), submitted to a service."""

    def service_failed(self, form, error):
        add_validation_error(form, error)
        if isinstance(error, StaleVersionError):
            return self.render_to_response(self.get_context_data(form=form), status=409)
        return self.form_invalid(form)


# --- Plans -------------------------------------------------------------------------------


class PlanListView(ScopedViewMixin, ListView):
    """The plans of the user's units and their subtrees."""

    model = Plan
    template_name = "campaigns/plan_list.html"
    paginate_by = 30

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("org_unit", "campaign", "parent")
            .annotate(task_count=Count("tasks"))
            .order_by(*Plan._meta.ordering)
        )

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            can_add=scope_allows(user, Plan, ScopeAction.ADD),
            can_review=scope_allows(user, ProgressReport, ScopeAction.APPROVE),
            **kwargs,
        )


class PlanDetailView(ScopedViewMixin, DetailView):
    """The plan tree: sections, phases, actions → tasks → assignments with their state."""

    model = Plan
    template_name = "campaigns/plan_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("org_unit", "campaign", "parent")

    def get_context_data(self, **kwargs):
        user, plan = self.request.user, self.object
        assignments = with_progress(
            Assignment.objects.restrict(user, ScopeAction.VIEW), timezone.localdate()
        ).select_related("org_unit")
        tasks = list(
            Task.objects.restrict(user, ScopeAction.VIEW)
            .filter(plan=plan)
            .select_related("origin", "lead_unit")
            .prefetch_related(Prefetch("assignments", queryset=assignments))
        )
        actions = list(plan.actions.all())
        by_action = {action.pk: [] for action in actions}
        loose = []
        for task in tasks:
            by_action.get(task.action_id, loose).append(task)
        for action in actions:
            action.task_list = by_action[action.pk]
        phases = list(plan.phases.all()) or list(plan.campaign.phases.filter(plan=None))
        can_change = can(user, Plan, ScopeAction.CHANGE, plan)
        return super().get_context_data(
            sections=plan.sections.all(),
            phases=phases,
            actions=actions,
            loose_tasks=loose,
            task_count=len(tasks),
            can_change=can_change,
            can_issue=can_change and plan.status == Plan.Status.DRAFT,
            can_file=may_file(user, plan),
            **kwargs,
        )


class PlanCreateView(ScopeRequiredMixin, UserFormMixin, ScopedViewMixin, FormView):
    model = Plan
    scope_action = ScopeAction.ADD
    form_class = PlanForm
    template_name = "campaigns/plan_form.html"

    def form_valid(self, form):
        try:
            plan = services.create_plan(user=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            add_validation_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("已创建方案“%(title)s”。") % {"title": plan.title})
        return HttpResponseRedirect(plan.get_absolute_url())


class PlanUpdateView(ObjectFormView):
    model = Plan
    scope_action = ScopeAction.CHANGE
    form_class = PlanEditForm
    template_name = "campaigns/plan_edit.html"

    def get_initial(self):
        plan = self.object
        return {
            "title": plan.title,
            "document_number": plan.document_number,
            "issue_date": plan.issue_date,
            "version": plan.version,
        }

    def form_valid(self, form):
        try:
            services.update_plan(
                self.object,
                form.service_data(),
                user=self.request.user,
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            return self.service_failed(form, error)
        messages.success(self.request, _("已保存方案信息。"))
        return HttpResponseRedirect(self.object.get_absolute_url())


def assigned_to_own_units(user):
    """Assignments of superiors' tasks to one of the user's own units where they may make a
    plan: what "派生" starts from."""
    return (
        Assignment.objects.restrict(user, ScopeAction.VIEW)
        .filter(org_unit__in=own_units(user, Plan, ScopeAction.ADD))
        .exclude(task__org_unit=F("org_unit"))
    )


def superior_plans(user):
    """The superiors' plans that assign tasks to the user's own units."""
    return Plan.objects.restrict(user, ScopeAction.VIEW).filter(
        pk__in=assigned_to_own_units(user).values("task__plan_id")
    )


class PlanDeriveView(ScopeRequiredMixin, UserFormMixin, ScopedViewMixin, FormView):
    """按照上级方案要求，结合实际: start the unit's plan from the superior's tasks assigned
    to it; one button per superior plan."""

    model = Plan
    scope_action = ScopeAction.ADD
    form_class = DerivePlanForm
    template_name = "campaigns/plan_derive.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "parents": superior_plans(self.request.user)}

    def get_context_data(self, **kwargs):
        candidates = (
            assigned_to_own_units(self.request.user)
            .values(
                "task__plan_id",
                "task__plan__title",
                "task__plan__document_number",
                "task__plan__org_unit__name",
                "org_unit_id",
                "org_unit__name",
            )
            .annotate(
                task_count=Count("id"),
                derived_plan_id=Subquery(
                    Plan.objects.filter(
                        parent=OuterRef("task__plan_id"), org_unit=OuterRef("org_unit_id")
                    ).values("pk")[:1],
                    output_field=IntegerField(),
                ),
            )
            .order_by("task__plan__org_unit__name", "task__plan_id", "org_unit__name")
        )
        return super().get_context_data(candidates=candidates, **kwargs)

    def form_invalid(self, form):
        for error in form.errors.values():
            for message in error:
                messages.error(self.request, message)
        return redirect("campaigns:plan_derive")

    def form_valid(self, form):
        try:
            plan = services.derive_plan(
                user=self.request.user,
                parent_plan=form.cleaned_data["parent"],
                org_unit=form.cleaned_data["org_unit"],
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(self.request, message)
            return redirect("campaigns:plan_derive")
        messages.success(
            self.request,
            _("已根据上级方案生成本级方案“%(title)s”，请结合实际修改任务、补充本级任务并分派。")
            % {"title": plan.title},
        )
        return HttpResponseRedirect(plan.get_absolute_url())


class PlanIssueView(ScopedViewMixin, SingleObjectMixin, View):
    """POST: 印发 a draft plan."""

    model = Plan
    scope_action = ScopeAction.CHANGE

    def post(self, request, *args, **kwargs):
        service_call(
            request,
            lambda: services.issue_plan(self.object, user=request.user),
            _("方案已印发。"),
        )
        return HttpResponseRedirect(self.object.get_absolute_url())


def may_file(user, plan) -> bool:
    """备案 is the superior's: a leader or admin of a unit above the plan's owner
    (campaigns.services.file_plan decides; this only chooses whether to show the button)."""
    return plan.status == Plan.Status.ISSUED and (
        user.is_superuser
        or any(
            grant.role in services.FILING_ROLES
            and grant.subtree_path
            and plan.org_path.startswith(grant.subtree_path)
            and plan.org_path != grant.subtree_path
            for grant in scope_for(user).grants
        )
    )


class PlanFileView(ScopedViewMixin, SingleObjectMixin, View):
    """POST: 备案 — the superior records a subordinate's issued plan as filed."""

    model = Plan

    def post(self, request, *args, **kwargs):
        service_call(
            request,
            lambda: services.file_plan(self.object, user=request.user),
            _("方案已备案。"),
        )
        return HttpResponseRedirect(self.object.get_absolute_url())


# --- Tasks -------------------------------------------------------------------------------


class TaskDetailView(ScopedViewMixin, DetailView):
    """One task: its origin (and the superior's changes), its assignments, the slots the
    user's units report on and the latest reports."""

    model = Task
    template_name = "campaigns/task_detail.html"
    slot_limit = 12
    report_limit = 20

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("plan", "org_unit", "action", "origin", "lead_unit")
        )

    def get_context_data(self, **kwargs):
        user, task = self.request.user, self.object
        today = timezone.localdate()
        own_slots = (
            Slot.objects.restrict(user, ScopeAction.ADD)
            .filter(assignment__task=task, org_unit__in=own_units(user))
            .exclude(status=Slot.Status.ACCEPTED)
            .select_related("assignment__org_unit")[: self.slot_limit]
        )
        return super().get_context_data(
            plan_visible=can(user, Plan, ScopeAction.VIEW, task.plan),
            can_change=can(user, Task, ScopeAction.CHANGE, task),
            assignments=with_progress(
                Assignment.objects.restrict(user, ScopeAction.VIEW).filter(task=task), today
            ).select_related("org_unit", "derived_task"),
            own_slots=own_slots,
            reports=ProgressReport.objects.restrict(user, ScopeAction.VIEW)
            .filter(slot__assignment__task=task)
            .select_related("org_unit", "slot", "submitted_by")[: self.report_limit],
            today=today,
            **kwargs,
        )


class TaskCreateView(UserFormMixin, ObjectFormView):
    """Add a task to a plan the user may change."""

    model = Plan
    scope_action = ScopeAction.CHANGE
    form_class = TaskForm
    template_name = "campaigns/task_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "plan": self.object}

    def form_valid(self, form):
        try:
            task = services.add_task(self.object, form.service_data(), user=self.request.user)
        except ValidationError as error:
            return self.service_failed(form, error)
        messages.success(self.request, _("已添加任务。"))
        return HttpResponseRedirect(task.get_absolute_url())


class TaskUpdateView(UserFormMixin, ObjectFormView):
    model = Task
    scope_action = ScopeAction.CHANGE
    form_class = TaskForm
    template_name = "campaigns/task_form.html"

    def get_queryset(self):
        return super().get_queryset().select_related("plan__org_unit")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "plan": self.object.plan}

    def get_initial(self):
        task = self.object
        return {
            "action": task.action_id,
            "number": task.number,
            "title": task.title,
            "text": task.text,
            "lead_unit": task.lead_unit_id,
            "deadline": task.deadline,
            "deadline_phrase": task.deadline_phrase,
            "recurrence": task.recurrence,
            "times_per_period": task.times_per_period,
            "target": task.target,
            "version": task.version,
        }

    def form_valid(self, form):
        try:
            services.update_task(
                self.object,
                form.service_data(),
                user=self.request.user,
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            return self.service_failed(form, error)
        messages.success(self.request, _("已保存任务。"))
        return HttpResponseRedirect(self.object.get_absolute_url())


class TaskAssignView(UserFormMixin, ObjectFormView):
    """分派: the units right below the plan's owner that are responsible for the task."""

    model = Task
    scope_action = ScopeAction.CHANGE
    form_class = AssignForm
    template_name = "campaigns/task_assign.html"

    def get_queryset(self):
        return super().get_queryset().select_related("plan__org_unit")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "task": self.object}

    def get_initial(self):
        current = self.object.assignments.all()
        return {
            "org_units": [a.org_unit_id for a in current],
            "lead_unit": next((a.org_unit_id for a in current if a.is_lead), None),
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            has_units=units_below(self.object.plan.org_unit).exists(), **kwargs
        )

    def form_valid(self, form):
        try:
            services.assign_task(
                self.object,
                form.cleaned_data["org_units"],
                user=self.request.user,
                lead_unit=form.cleaned_data["lead_unit"],
            )
        except ValidationError as error:
            return self.service_failed(form, error)
        messages.success(self.request, _("已分派任务。"))
        return HttpResponseRedirect(self.object.get_absolute_url())


class TaskAcknowledgeView(ScopedViewMixin, SingleObjectMixin, View):
    """POST: the superior changed the task this one derives from; take over its text
    (`apply_text`) or keep the unit's own wording. Either way the notice goes."""

    model = Task
    scope_action = ScopeAction.CHANGE

    def post(self, request, *args, **kwargs):
        apply_text = request.POST.get("apply_text") == "1"
        service_call(
            request,
            lambda: services.acknowledge_origin_change(
                self.object, user=request.user, apply_text=apply_text
            ),
            _("已采用上级任务的新内容。") if apply_text else _("已确认，保留本级任务内容。"),
        )
        return HttpResponseRedirect(self.object.get_absolute_url())


# --- 我的任务, reports and review ----------------------------------------------------------


class MyTasksView(ScopedViewMixin, ListView):
    """我的任务: the tasks assigned to the user's own units, late first, then by next due date."""

    model = Assignment
    template_name = "campaigns/my_tasks.html"
    paginate_by = 30

    def get_queryset(self):
        self.today = timezone.localdate()
        units = own_units(self.request.user)
        return (
            with_progress(super().get_queryset().filter(org_unit__in=units), self.today)
            .select_related("org_unit", "task__plan", "derived_task")
            .order_by("-is_late", F("next_due").asc(nulls_last=True), "task__plan_id", "pk")
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(today=self.today, **kwargs)


class ReportCreateView(ObjectFormView):
    """进展汇报 for one slot, with photos (straight from the phone's camera) or PDFs."""

    model = Slot
    scope_action = ScopeAction.ADD
    form_class = ProgressReportForm
    template_name = "campaigns/report_form.html"

    def get_queryset(self):
        return super().get_queryset().select_related("assignment__task", "assignment__org_unit")

    def get_context_data(self, **kwargs):
        slot = self.object
        return super().get_context_data(
            task=slot.assignment.task,
            today=timezone.localdate(),
            can_report=slot.status in OPEN_SLOT_STATUSES,
            previous=ProgressReport.objects.restrict(self.request.user, ScopeAction.VIEW)
            .filter(slot=slot)
            .select_related("submitted_by", "reviewed_by"),
            **kwargs,
        )

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            report = services.submit_progress_report(
                self.object,
                user=self.request.user,
                text=data["text"],
                percent_done=data["percent_done"],
                files=data["files"],
            )
        except ValidationError as error:
            return self.service_failed(form, error)
        messages.success(self.request, _("进展已报送，等待上级审核。"))
        return HttpResponseRedirect(reverse("campaigns:report_detail", args=[report.pk]))


def reports_to_review(user):
    """Submitted reports in the user's approve scope, except their own units' (a unit never
    reviews itself; campaigns.services has the final word)."""
    return (
        ProgressReport.objects.restrict(user, ScopeAction.APPROVE)
        .filter(status=ProgressReport.Status.SUBMITTED)
        .exclude(org_unit__in=own_units(user))
        .exclude(submitted_by=user)
    )


class ReviewQueueView(ScopeRequiredMixin, ScopedViewMixin, ListView):
    """待审核: reports waiting for the user's review, oldest first."""

    model = ProgressReport
    scope_action = ScopeAction.APPROVE
    template_name = "campaigns/review_queue.html"
    paginate_by = 30

    def get_queryset(self):
        return (
            reports_to_review(self.request.user)
            .select_related("org_unit", "slot__assignment__task", "submitted_by")
            .annotate(attachment_count=Count("attachments"))
            .order_by("submitted_at", "pk")
        )


class ReportDetailView(ObjectFormView):
    """A progress report with its attachments; the reviewer accepts or returns it here."""

    model = ProgressReport
    form_class = ReviewForm
    template_name = "campaigns/report_detail.html"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("org_unit", "slot__assignment__task", "submitted_by", "reviewed_by")
        )

    @cached_property
    def can_review(self):
        """A submitted report, in the user's approve scope, not from one of their own units."""
        user, report = self.request.user, self.object
        return (
            report.status == ProgressReport.Status.SUBMITTED
            and report.submitted_by_id != user.pk
            and not own_units(user).filter(pk=report.org_unit_id).exists()
            and can(user, ProgressReport, ScopeAction.APPROVE, report)
        )

    def get_initial(self):
        return {"version": self.object.version}

    def get_context_data(self, **kwargs):
        slot = self.object.slot
        return super().get_context_data(
            can_review=self.can_review,
            can_report_again=slot.status == Slot.Status.RETURNED
            and can(self.request.user, Slot, ScopeAction.ADD, slot),
            attachments=self.object.attachments.all(),
            task=slot.assignment.task,
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        # Whether this reviewer may decide now (not reviewed meanwhile, not their own unit's)
        # is the service's to say, on the form.
        if not can(request.user, ProgressReport, ScopeAction.APPROVE, self.object):
            raise PermissionDenied
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        accept = data["decision"] == ReviewForm.ACCEPT
        try:
            services.review_progress_report(
                self.object,
                user=self.request.user,
                accept=accept,
                comment=data["comment"],
                expected_version=data["version"],
            )
        except ValidationError as error:
            return self.service_failed(form, error)
        messages.success(
            self.request, _("已通过该进展汇报。") if accept else _("已退回该进展汇报。")
        )
        return redirect("campaigns:review_queue")


class FileDownloadMixin(ScopedViewMixin, SingleObjectMixin, View):
    """Streams an uploaded file of a row the user may see; MEDIA_ROOT is never served."""

    def file_of(self, obj):
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        field, filename = self.file_of(self.object)
        return FileResponse(
            field.open("rb"),
            content_type=content_type_for(field.name),
            filename=filename,
        )


class AttachmentDownloadView(FileDownloadMixin):
    model = ProgressAttachment

    def get_queryset(self):
        return ProgressAttachment.objects.filter(
            report__in=ProgressReport.objects.restrict(self.request.user, ScopeAction.VIEW)
        )

    def file_of(self, attachment):
        return attachment.file, attachment.original_name


# --- Completion --------------------------------------------------------------------------


class CompletionView(ScopedViewMixin, DetailView):
    """完成情况: per child unit of `?unit=` (default: the plan's owner), the plan's (or one
    task's, `?task=`) assignments done / in progress / late across the child's subtree."""

    model = Plan
    template_name = "campaigns/completion.html"

    def get_queryset(self):
        return super().get_queryset().select_related("org_unit")

    def get_context_data(self, **kwargs):
        user, plan = self.request.user, self.object
        unit = self._scoped_param(OrgUnit.objects.restrict(user, ScopeAction.VIEW), "unit")
        unit = unit or plan.org_unit
        task = self._scoped_param(
            Task.objects.restrict(user, ScopeAction.VIEW).filter(plan=plan), "task"
        )
        rows = stats.completion_by_child(task or plan, unit, timezone.localdate(), user=user)
        trail = OrgUnit.objects.ancestors_of(unit, include_self=True).filter(
            path__startswith=plan.org_unit.path
        )
        return super().get_context_data(
            unit=unit,
            task=task,
            rows=rows,
            trail=trail.restrict(user, ScopeAction.VIEW),
            tasks=Task.objects.restrict(user, ScopeAction.VIEW)
            .filter(plan=plan)
            .only("pk", "number", "title", "text"),
            **kwargs,
        )

    def _scoped_param(self, queryset, name):
        value = self.request.GET.get(name, "")
        if not value:
            return None
        if not value.isdigit():
            raise Http404
        try:
            return queryset.get(pk=int(value))
        except queryset.model.DoesNotExist as missing:
            raise Http404 from missing


# --- Import from a plan's text -----------------------------------------------------------


class PlanImportView(ScopeRequiredMixin, ScopedViewMixin, TemplateView):
    """导入方案: paste or upload the text → an editable preview of the structure the parser
    read → confirm. Nothing is written before the confirmation, which saves through
    campaigns.services.import_parsed_plan."""

    model = Plan
    scope_action = ScopeAction.ADD
    template_name = "campaigns/plan_import.html"
    preview_template_name = "campaigns/plan_import_preview.html"

    def get(self, request, *args, **kwargs):
        return self.render_to_response(
            self.get_context_data(form=PlanImportForm(user=request.user))
        )

    def post(self, request, *args, **kwargs):
        if request.POST.get("step") == "confirm":
            return self.confirm()
        form = PlanImportForm(request.POST, request.FILES, user=request.user)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        parsed = form.cleaned_data["parsed"]
        preview = ImportPreview(
            user=request.user,
            parents=superior_plans(request.user),
            parsed=parsed,
            target={
                "org_unit": form.cleaned_data["org_unit"].pk,
                "campaign": form.cleaned_data["campaign"].pk,
            },
        )
        return self.render_preview(preview, warnings=parsed.warnings)

    def confirm(self):
        request = self.request
        preview = ImportPreview(
            request.POST, user=request.user, parents=superior_plans(request.user)
        )
        if not preview.is_valid():
            return self.render_preview(preview)
        data = preview.plan.cleaned_data
        try:
            plan = services.import_parsed_plan(
                preview.parsed_plan(),
                user=request.user,
                org_unit=data["org_unit"],
                campaign=data["campaign"],
                parent=data["parent"],
                title=data["title"],
                document_number=data["document_number"],
                issue_date=data["issue_date"],
            )
        except ValidationError as error:
            add_validation_error(preview.plan, error)
            return self.render_preview(preview)
        messages.success(
            request, _("已导入方案“%(title)s”，请检查并分派任务。") % {"title": plan.title}
        )
        return HttpResponseRedirect(plan.get_absolute_url())

    def render_preview(self, preview, warnings=()):
        action_groups, loose_tasks = preview.groups()
        return self.response_class(
            request=self.request,
            template=[self.preview_template_name],
            context=self.get_context_data(
                preview=preview,
                action_groups=action_groups,
                loose_tasks=loose_tasks,
                warnings=warnings,
            ),
            using=self.template_engine,
        )


# --- Checklists --------------------------------------------------------------------------


class ChecklistListView(ScopedViewMixin, ListView):
    model = Checklist
    template_name = "campaigns/checklist_list.html"
    paginate_by = 30

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("org_unit", "plan")
            .annotate(
                item_count=Count("items"), done_count=Count("items", filter=Q(items__done=True))
            )
            .order_by(*Checklist._meta.ordering)
        )


class ChecklistDetailView(ScopedViewMixin, DetailView):
    model = Checklist
    template_name = "campaigns/checklist_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("org_unit", "plan")

    def get_context_data(self, **kwargs):
        items = list(self.object.items.select_related("done_by"))
        return super().get_context_data(
            items=items,
            done_count=sum(item.done for item in items),
            can_tick=can(self.request.user, Checklist, ScopeAction.CHANGE, self.object),
            **kwargs,
        )


class ChecklistItemMixin:
    model = ChecklistItem

    def get_queryset(self):
        return ChecklistItem.objects.filter(
            checklist__in=Checklist.objects.restrict(self.request.user, self.scope_action)
        ).select_related("checklist")


class ChecklistItemTickView(ChecklistItemMixin, ObjectFormView):
    """Tick one item off (or untick it) with a note and evidence."""

    scope_action = ScopeAction.CHANGE
    form_class = ChecklistTickForm
    template_name = "campaigns/checklist_item_form.html"

    def get_initial(self):
        return {"done": True, "note": self.object.evidence_note}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            services.tick_checklist_item(
                self.object,
                user=self.request.user,
                done=data["done"],
                note=data["note"],
                evidence=data["evidence"],
            )
        except ValidationError as error:
            return self.service_failed(form, error)
        messages.success(self.request, _("已保存清单事项。"))
        return redirect("campaigns:checklist_detail", self.object.checklist_id)


class ChecklistEvidenceView(ChecklistItemMixin, FileDownloadMixin):
    def get(self, request, *args, **kwargs):
        if not self.object.evidence:
            messages.info(request, _("该事项尚未上传佐证材料。"))
            return redirect("campaigns:checklist_detail", self.object.checklist_id)
        return super().get(request, *args, **kwargs)

    def file_of(self, item):
        return item.evidence, item.evidence.name.rsplit("/", 1)[-1]
