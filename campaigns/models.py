"""Campaign plans that cascade down the hierarchy (seeds 000–003).

A `Plan` belongs to one org unit. Its `Task`s are assigned (`Assignment`) to responsible
units; a recurring task gets one `Slot` per period (month, quarter, half-year, year) across
the campaign, and each slot is reported on (`ProgressReport`) and reviewed by the superior.
A subordinate derives its own plan from its superior's: each task assigned to it becomes a
task of its own plan linked to its `origin`.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.uploads import evidence_upload_to
from orgs.constants import VIEWER, Role
from orgs.constants import Action as ScopeAction
from orgs.models import OrgUnit, ScopedModel, history

# Leaders review; staff and admins keep plans; supervisors only read; enterprises see none.
PLAN_ROLE_ACTIONS = {
    Role.ADMIN: frozenset(
        {ScopeAction.VIEW, ScopeAction.ADD, ScopeAction.CHANGE, ScopeAction.DELETE}
    ),
    Role.LEADER: frozenset({ScopeAction.VIEW, ScopeAction.APPROVE}),
    Role.STAFF: frozenset({ScopeAction.VIEW, ScopeAction.ADD, ScopeAction.CHANGE}),
    Role.SUPERVISOR: frozenset({ScopeAction.VIEW}),
    VIEWER: frozenset({ScopeAction.VIEW}),
}


class Recurrence(models.TextChoices):
    MONTHLY = "monthly", _("每月")
    QUARTERLY = "quarterly", _("每季度")
    HALF_YEARLY = "half_yearly", _("每半年")
    YEARLY = "yearly", _("每年")


class Campaign(models.Model):
    """治本攻坚三年行动: the nationwide campaign every plan belongs to (reference data)."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    short_name = models.CharField(_("简称"), max_length=50, blank=True)
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"))
    description = models.TextField(_("说明"), blank=True)

    history = history()

    class Meta:
        verbose_name = _("专项行动")
        verbose_name_plural = _("专项行动")
        ordering = ["-start"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="campaign_dates")
        ]

    def __str__(self):
        return self.name


class Phase(models.Model):
    """动员部署 / 专项治理 / 巩固提升 / 总结评估: a stage with its date range.

    Campaign-wide when `plan` is empty; a plan may set its own (seed 003 does).
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="phases")
    plan = models.ForeignKey(
        "Plan", null=True, blank=True, on_delete=models.CASCADE, related_name="phases"
    )
    name = models.CharField(_("阶段"), max_length=50)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"))

    history = history()

    class Meta:
        verbose_name = _("阶段")
        verbose_name_plural = _("阶段")
        ordering = ["order", "start"]

    def __str__(self):
        return f"{self.name}（{self.start:%Y.%m}—{self.end:%Y.%m}）"


class Plan(ScopedModel):
    """实施方案 / 工作方案 of one org unit, derived from its superior's plan (`parent`)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        ISSUED = "issued", _("已印发")
        FILED = "filed", _("已备案")

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("专项行动"), on_delete=models.PROTECT, related_name="plans"
    )
    title = models.CharField(_("方案名称"), max_length=200)
    document_number = models.CharField(_("文号"), max_length=60, blank=True)
    issue_date = models.DateField(_("印发日期"), null=True, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级方案"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="derived_plans",
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    issued_at = models.DateTimeField(_("印发时间"), null=True, blank=True)
    filed_at = models.DateTimeField(_("备案时间"), null=True, blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("备案审核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)

    history = history()

    scope_industry_field = None
    scope_enterprise_field = None
    scope_role_actions = PLAN_ROLE_ACTIONS

    class Meta(ScopedModel.Meta):
        verbose_name = _("实施方案")
        verbose_name_plural = _("实施方案")
        ordering = ["org_path", "-issue_date", "id"]
        constraints = [
            # derive_plan is idempotent per (superior plan, unit): one derived plan each.
            models.UniqueConstraint(
                fields=["parent", "org_unit"],
                condition=Q(parent__isnull=False),
                name="plan_unique_derived",
                violation_error_message=_("该单位已根据此上级方案制定了方案。"),
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("campaigns:plan_detail", args=[self.pk])

    @classmethod
    def scope_clause(cls, grant, action):
        clause = super().scope_clause(grant, action)
        if grant.subtree_path and action == ScopeAction.VIEW:
            # A unit reads (never edits) the superior's plan that assigns it tasks: the plan it
            # derives its own from.
            assigned = Exists(
                Assignment.objects.filter(
                    task__plan=OuterRef("pk"), org_path__startswith=grant.subtree_path
                )
            )
            clause = assigned if clause is None else clause | Q(assigned)
        return clause


class PlanSection(models.Model):
    """A non-task part of a plan kept as written: 总体要求, 工作目标, 保障措施, …"""

    class Kind(models.TextChoices):
        PREAMBLE = "preamble", _("前言")
        GENERAL_REQUIREMENTS = "general_requirements", _("总体要求")
        OBJECTIVES = "objectives", _("工作目标")
        MAIN_TASKS = "main_tasks", _("主要任务")
        SCHEDULE = "schedule", _("实施步骤")
        SAFEGUARDS = "safeguards", _("保障措施")
        REQUIREMENTS = "requirements", _("工作要求")
        OTHER = "other", _("其他")
        CLOSING = "closing", _("结语")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="sections")
    kind = models.CharField(_("类别"), max_length=24, choices=Kind.choices)
    heading = models.CharField(_("标题"), max_length=200, blank=True)
    text = models.TextField(_("内容"), blank=True)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    history = history()

    class Meta:
        verbose_name = _("方案章节")
        verbose_name_plural = _("方案章节")
        ordering = ["order", "id"]

    def __str__(self):
        return self.heading or self.get_kind_display()


class Action(models.Model):
    """十大行动 / 八大行动: a numbered group of tasks in a plan."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="actions")
    number = models.CharField(_("序号"), max_length=12, blank=True)
    ordinal = models.PositiveSmallIntegerField(_("排序"), default=0)
    title = models.CharField(_("行动名称"), max_length=200)
    text = models.TextField(_("说明"), blank=True)

    history = history()

    class Meta:
        verbose_name = _("行动")
        verbose_name_plural = _("行动")
        ordering = ["ordinal", "id"]

    def __str__(self):
        return f"{self.number}{self.title}"


class Task(ScopedModel):
    """One numbered measure (任务、举措) of a plan, located at the plan's owner.

    A task derived from a superior's task keeps the link in `origin` and the origin's
    `version` it was last reconciled with: a newer origin version is shown as a notice on
    the derived task, never copied over it.
    """

    plan = models.ForeignKey(
        Plan, verbose_name=_("方案"), on_delete=models.CASCADE, related_name="tasks"
    )
    action = models.ForeignKey(
        Action,
        verbose_name=_("行动"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tasks",
    )
    number = models.CharField(_("序号"), max_length=12, blank=True)
    ordinal = models.PositiveIntegerField(_("排序"), default=0)
    title = models.CharField(_("标题"), max_length=200, blank=True)
    text = models.TextField(_("任务内容"))
    lead_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("牵头单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    deadline = models.DateField(_("完成时限"), null=True, blank=True, db_index=True)
    deadline_phrase = models.CharField(_("时限原文"), max_length=100, blank=True)
    recurrence = models.CharField(_("周期"), max_length=12, choices=Recurrence.choices, blank=True)
    times_per_period = models.PositiveSmallIntegerField(
        _("每周期次数"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    target = models.CharField(_("量化目标"), max_length=200, blank=True)
    origin = models.ForeignKey(
        "self",
        verbose_name=_("上级任务"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="derived_tasks",
    )
    origin_version_seen = models.PositiveIntegerField(default=0, editable=False)
    # The ids of the task's origins, the topmost first ("12/345/"; empty for a task of its
    # own). The completion rollup (campaigns.stats) selects every copy made down the levels
    # from a task with one prefix match on this column.
    lineage = models.CharField(max_length=255, blank=True, default="", editable=False)
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = history()

    scope_industry_field = None
    scope_enterprise_field = None
    scope_role_actions = PLAN_ROLE_ACTIONS

    class Meta(ScopedModel.Meta):
        verbose_name = _("任务")
        verbose_name_plural = _("任务")
        ordering = ["plan_id", "ordinal", "id"]
        indexes = [
            *ScopedModel.Meta.indexes,
            models.Index(
                fields=["lineage"],
                name="campaigns_task_lineage",
                opclasses=["varchar_pattern_ops"],
            ),
        ]

    def __str__(self):
        return f"{self.number}. {self.title or self.text[:30]}"

    def get_absolute_url(self):
        return reverse("campaigns:task_detail", args=[self.pk])

    @property
    def descendants_lineage(self) -> str:
        """The `lineage` prefix shared by every copy derived from this task, at any depth."""
        return f"{self.lineage}{self.pk}/"

    @property
    def origin_changed(self) -> bool:
        """The superior changed the task since this unit last reconciled its copy."""
        return self.origin_id is not None and self.origin.version > self.origin_version_seen

    @classmethod
    def scope_clause(cls, grant, action):
        clause = super().scope_clause(grant, action)
        if grant.subtree_path and action == ScopeAction.VIEW:
            # A unit reads, never edits, the superior's tasks assigned to it or below it.
            assigned = Exists(
                Assignment.objects.filter(
                    task=OuterRef("pk"), org_path__startswith=grant.subtree_path
                )
            )
            clause = assigned if clause is None else clause | Q(assigned)
        return clause


class SeenByPlanOwnerMixin:
    """Rows located at a responsible unit that the task's plan owner also reads and reviews,
    even when the responsible unit lies outside the owner's subtree (a department assigning
    to another region's units)."""

    scope_plan_path_field: str

    @classmethod
    def scope_clause(cls, grant, action):
        clause = super().scope_clause(grant, action)
        if grant.subtree_path and action in (ScopeAction.VIEW, ScopeAction.APPROVE):
            owner = Q(**{f"{cls.scope_plan_path_field}__startswith": grant.subtree_path})
            clause = owner if clause is None else clause | owner
        return clause


class Assignment(SeenByPlanOwnerMixin, ScopedModel):
    """A task × a responsible unit (责任单位), located at the responsible unit."""

    scope_plan_path_field = "task__org_path"

    class Status(models.TextChoices):
        PENDING = "pending", _("未开始")
        IN_PROGRESS = "in_progress", _("推进中")
        DONE = "done", _("已完成")

    task = models.ForeignKey(
        Task, verbose_name=_("任务"), on_delete=models.CASCADE, related_name="assignments"
    )
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("责任单位"), on_delete=models.PROTECT, related_name="+"
    )
    is_lead = models.BooleanField(_("牵头"), default=False)
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    # The responsible unit's own copy of the task, once it has derived its plan.
    derived_task = models.OneToOneField(
        Task,
        verbose_name=_("本级任务"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="source_assignment",
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("分派时间"), auto_now_add=True)
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    history = history()

    scope_industry_field = None
    scope_enterprise_field = None
    scope_role_actions = PLAN_ROLE_ACTIONS

    class Meta(ScopedModel.Meta):
        verbose_name = _("任务分派")
        verbose_name_plural = _("任务分派")
        ordering = ["task_id", "org_path"]
        constraints = [
            models.UniqueConstraint(fields=["task", "org_unit"], name="assignment_unique")
        ]

    def __str__(self):
        return f"{self.task} → {self.org_unit}"


class Slot(SeenByPlanOwnerMixin, ScopedModel):
    """One due date of an assignment: the single deadline, or one period of a recurrence.

    Slots are generated set-wise (≈2M in a province), so they carry no history of their own:
    their transitions are the history of the progress reports that drive them.
    """

    scope_plan_path_field = "assignment__task__org_path"

    class Status(models.TextChoices):
        OPEN = "open", _("待报送")
        SUBMITTED = "submitted", _("待审核")
        RETURNED = "returned", _("已退回")
        ACCEPTED = "accepted", _("已通过")

    assignment = models.ForeignKey(
        Assignment, verbose_name=_("任务分派"), on_delete=models.CASCADE, related_name="slots"
    )
    period = models.CharField(
        _("周期"), max_length=10, help_text=_("如2024-03、2024Q1、2024H1、2024")
    )
    period_start = models.DateField(_("周期开始"))
    due_date = models.DateField(_("报送期限"))
    required_count = models.PositiveSmallIntegerField(_("应完成次数"), default=1)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    accepted_at = models.DateTimeField(_("通过时间"), null=True, blank=True)
    # Days before the due date of the last reminder sent (0: the overdue notice), claimed by
    # campaigns.tasks with a compare-and-swap update so that each reminder goes out once.
    last_reminder = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)

    scope_industry_field = None
    scope_enterprise_field = None
    scope_role_actions = PLAN_ROLE_ACTIONS

    class Meta(ScopedModel.Meta):
        verbose_name = _("报送节点")
        verbose_name_plural = _("报送节点")
        ordering = ["due_date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "period_start"], name="slot_unique")
        ]
        indexes = [
            *ScopedModel.Meta.indexes,
            # The daily reminder job: open slots by due date.
            models.Index(fields=["status", "due_date"], name="campaigns_slot_status_due"),
        ]

    def __str__(self):
        return f"{self.assignment} · {self.period}"


class ProgressReport(SeenByPlanOwnerMixin, ScopedModel):
    """进展汇报 on a slot by the responsible unit, reviewed (审核) by its superior."""

    scope_plan_path_field = "slot__assignment__task__org_path"

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("待审核")
        ACCEPTED = "accepted", _("已通过")
        RETURNED = "returned", _("已退回")

    slot = models.ForeignKey(
        Slot, verbose_name=_("报送节点"), on_delete=models.PROTECT, related_name="reports"
    )
    text = models.TextField(_("工作进展"))
    percent_done = models.PositiveSmallIntegerField(
        _("完成比例(%)"), validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.SUBMITTED, db_index=True
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("报送人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("报送时间"), auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    review_comment = models.TextField(_("审核意见"), blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)

    history = history()

    scope_industry_field = None
    scope_enterprise_field = None
    scope_role_actions = PLAN_ROLE_ACTIONS

    class Meta(ScopedModel.Meta):
        verbose_name = _("进展汇报")
        verbose_name_plural = _("进展汇报")
        ordering = ["-submitted_at", "-id"]

    def __str__(self):
        return f"{self.slot} · {self.get_status_display()}"


class ProgressAttachment(models.Model):
    """Evidence attached to a progress report (photos, scanned documents)."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("附件"), upload_to=evidence_upload_to)
    original_name = models.CharField(_("原文件名"), max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("汇报附件")
        verbose_name_plural = _("汇报附件")

    def __str__(self):
        return self.original_name


class Checklist(ScopedModel):
    """责任清单 / 年度重点工作任务清单: items a unit ticks off with evidence."""

    class Kind(models.TextChoices):
        RESPONSIBILITY = "responsibility", _("责任清单")
        ANNUAL_KEY_TASKS = "annual_key_tasks", _("年度重点工作任务清单")
        DUTIES = "duties", _("职责清单")

    plan = models.ForeignKey(
        Plan,
        verbose_name=_("方案"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="checklists",
    )
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("名称"), max_length=200)
    year = models.PositiveSmallIntegerField(_("年度"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    history = history()

    scope_industry_field = None
    scope_enterprise_field = None
    scope_role_actions = PLAN_ROLE_ACTIONS

    class Meta(ScopedModel.Meta):
        verbose_name = _("清单")
        verbose_name_plural = _("清单")
        ordering = ["org_path", "-year", "id"]

    def __str__(self):
        return self.title


class ChecklistItem(models.Model):
    """One line of a checklist, ticked off with a note and optional evidence."""

    checklist = models.ForeignKey(Checklist, on_delete=models.CASCADE, related_name="items")
    ordinal = models.PositiveSmallIntegerField(_("序号"), default=0)
    text = models.TextField(_("事项"))
    done = models.BooleanField(_("已完成"), default=False)
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    evidence_note = models.TextField(_("完成情况说明"), blank=True)
    evidence = models.FileField(_("佐证材料"), upload_to=evidence_upload_to, blank=True)

    history = history()

    class Meta:
        verbose_name = _("清单事项")
        verbose_name_plural = _("清单事项")
        ordering = ["ordinal", "id"]

    def __str__(self):
        return self.text[:40]
