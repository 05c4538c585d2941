"""Supervision and inspection (督导检查 / 执法检查), seeds 002–004.

A city forms 挂点联系督导组 (`SupervisionGroup`) assigned to counties and lead departments for a
term; assignment grants the group's members scope over those subtrees. Groups and regulators
visit enterprises and units (`Inspection`) by 四不两直, 明察暗访, 交叉检查 or 双随机 draws
(`RandomDraw`), fill a checklist (`ChecklistResult` per `ChecklistTemplateItem`), turn each
不合格 item into a ledger hazard, and take enforcement actions (`EnforcementAction`) — all
counted per org unit, period and special campaign (`SpecialCampaign`, e.g. 护航"双节").
"""

from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.uploads import evidence_upload_to
from hazards.models import Hazard, HazardCriterion
from orgs.constants import DEFAULT_ROLE_ACTIONS, Action, Role
from orgs.models import Enterprise, Industry, OrgUnit, ScopedModel, history
from orgs.scoping import RestrictedQuerySet, ScopedModelMixin

# Enterprises are inspected, they never inspect: their users read what concerns their own
# enterprise and add or change nothing here.
INSPECTION_ROLE_ACTIONS = {**DEFAULT_ROLE_ACTIONS, Role.ENTERPRISE: frozenset({Action.VIEW})}


class Frequency(models.TextChoices):
    """How often a target must be visited (seed 003: 每季度督导一次)."""

    MONTHLY = "monthly", _("每月")
    QUARTERLY = "quarterly", _("每季度")
    HALF_YEARLY = "half_yearly", _("每半年")
    YEARLY = "yearly", _("每年")


class SpecialCampaign(ScopedModel):
    """专项行动: a time-boxed drive such as 护航"双节" (seed 004), with its participating units.

    Located at the organising unit; inspections and enforcement actions link to it so that its
    figures (work groups sent, enterprises checked, hazards found…) come from the data.
    `work_groups_sent` is only for what the data cannot show (groups sent without a record).
    """

    scope_role_actions = INSPECTION_ROLE_ACTIONS

    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("组织单位"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("行动名称"), max_length=200)
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))
    participating_units = models.ManyToManyField(
        OrgUnit, verbose_name=_("参加单位"), blank=True, related_name="special_campaigns"
    )
    description = models.TextField(_("行动内容"), blank=True)
    work_groups_sent = models.PositiveIntegerField(
        _("派出工作组数"),
        null=True,
        blank=True,
        help_text=_("未逐次录入检查记录时填写；录入了检查的按检查记录统计。"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = history()

    scope_industry_field = None
    scope_enterprise_field = None

    class Meta(ScopedModel.Meta):
        verbose_name = _("专项行动")
        verbose_name_plural = _("专项行动")
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="special_campaign_dates_ordered",
                violation_error_message=_("结束日期不能早于开始日期。"),
            )
        ]

    def __str__(self):
        return self.name


class SupervisionGroup(ScopedModel):
    """挂点联系督导组: officials assigned to counties and lead departments for a term (seed 004).

    Located at the unit that formed it (e.g. 市应急管理局). Its members are the users of
    `auth_group`; each active `SupervisionAssignment` grants that group `supervise_subtree`
    over the assigned unit (orgs.services.grant_subtree), and ending the term revokes it.
    """

    scope_role_actions = INSPECTION_ROLE_ACTIONS

    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("组建单位"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("督导组名称"), max_length=100)
    responsibilities = models.TextField(
        _("任务与责任"), blank=True, help_text=_("任务、责任、效果包干的内容。")
    )
    term_start = models.DateField(_("任期开始"))
    term_end = models.DateField(_("任期结束"))
    ended_at = models.DateTimeField(_("终止时间"), null=True, blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("成员"),
        through="SupervisionGroupMember",
        related_name="supervision_groups",
    )
    assigned_units = models.ManyToManyField(
        OrgUnit,
        verbose_name=_("挂点单位"),
        through="SupervisionAssignment",
        related_name="supervision_groups",
    )
    # The django auth group whose guardian grants carry the members' scope.
    auth_group = models.OneToOneField(
        Group, null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = history()

    scope_industry_field = None
    scope_enterprise_field = None

    class Meta(ScopedModel.Meta):
        verbose_name = _("督导组")
        verbose_name_plural = _("督导组")
        ordering = ["org_path", "name", "id"]
        # The default name (app_class_op) is over PostgreSQL's 30-character limit here.
        indexes = [
            models.Index(
                fields=["org_path"], name="inspections_group_op", opclasses=["varchar_pattern_ops"]
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(term_end__gte=models.F("term_start")),
                name="supervision_group_term_ordered",
                violation_error_message=_("任期结束不能早于任期开始。"),
            ),
            models.UniqueConstraint(
                fields=["org_unit", "name"],
                name="supervision_group_unique_name",
                violation_error_message=_("本单位已有同名督导组。"),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("inspections:group_detail", args=[self.pk])

    @property
    def is_active(self) -> bool:
        return self.ended_at is None


class SupervisionGroupMember(models.Model):
    """A member of a supervision group: 组长, 联络员 or 成员, with the unit they come from."""

    class Role(models.TextChoices):
        LEADER = "leader", _("组长")
        LIAISON = "liaison", _("联络员")
        MEMBER = "member", _("成员")

    group = models.ForeignKey(
        SupervisionGroup, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("成员"),
        on_delete=models.PROTECT,
        related_name="supervision_group_memberships",
    )
    role = models.CharField(_("职务"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    position = models.CharField(
        _("单位职务"), max_length=100, blank=True, help_text=_("如：市安委办副主任、科室负责人。")
    )

    history = history()

    class Meta:
        verbose_name = _("督导组成员")
        verbose_name_plural = _("督导组成员")
        ordering = ["group", "role", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "user"],
                name="supervision_member_unique",
                violation_error_message=_("该用户已是本组成员。"),
            )
        ]

    def __str__(self):
        return f"{self.group} · {self.user} ({self.get_role_display()})"


class SupervisionAssignment(models.Model):
    """挂点: a county (or other region) or a lead department a group supervises.

    While `revoked_at` is empty the group's members hold `supervise_subtree` on `org_unit`.
    """

    class Kind(models.TextChoices):
        REGION = "region", _("挂点地区")
        LEAD_DEPARTMENT = "lead_department", _("牵头单位")

    group = models.ForeignKey(
        SupervisionGroup, on_delete=models.CASCADE, related_name="assignments"
    )
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("挂点单位"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices)
    assigned_at = models.DateTimeField(_("挂点时间"), auto_now_add=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("指派人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    history = history()

    class Meta:
        verbose_name = _("督导挂点")
        verbose_name_plural = _("督导挂点")
        ordering = ["group", "kind", "org_unit__path", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "org_unit"],
                condition=Q(revoked_at__isnull=True),
                name="supervision_assignment_unique_active",
                violation_error_message=_("该单位已由本组挂点督导。"),
            )
        ]

    def __str__(self):
        return f"{self.group} → {self.org_unit}"


class SupervisionSchedule(ScopedModel):
    """督导频次: a target (a unit or an enterprise) must be visited at a frequency.

    Located at the target (the enterprise's township for an enterprise), so the target's
    superiors see it. A period with no submitted inspection of the target by anyone is a gap
    in coverage; `supervising_unit` or `group` say who is expected to go.
    """

    scope_role_actions = INSPECTION_ROLE_ACTIONS

    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("督导对象"), on_delete=models.PROTECT, related_name="+"
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("督导企业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supervision_schedules",
    )
    group = models.ForeignKey(
        SupervisionGroup,
        verbose_name=_("督导组"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="schedules",
    )
    supervising_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("督导单位"), on_delete=models.PROTECT, related_name="+"
    )
    frequency = models.CharField(_("频次"), max_length=12, choices=Frequency.choices)
    start_date = models.DateField(_("起始日期"))
    end_date = models.DateField(_("截止日期"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = history()

    scope_industry_field = None
    scope_enterprise_field = None

    class Meta(ScopedModel.Meta):
        verbose_name = _("督导频次")
        verbose_name_plural = _("督导频次")
        ordering = ["org_path", "id"]
        indexes = [
            models.Index(
                fields=["org_path"],
                name="inspections_schedule_op",
                opclasses=["varchar_pattern_ops"],
            )
        ]

    def __str__(self):
        target = self.enterprise or self.org_unit
        return f"{target} {self.get_frequency_display()}"

    def copy_location(self):
        if self.enterprise_id:
            self.org_unit_id = self.enterprise.org_unit_id
        super().copy_location()


class ChecklistTemplate(models.Model):
    """检查表: the items an inspector checks in one industry (or in any, when blank).

    Reference data, as the 判定标准 are: every inspector anywhere may use any template.
    """

    name = models.CharField(_("检查表名称"), max_length=200)
    industry = models.ForeignKey(
        Industry,
        verbose_name=_("行业领域"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="checklist_templates",
        help_text=_("不填为通用检查表。"),
    )
    description = models.TextField(_("说明"), blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = history()

    class Meta:
        verbose_name = _("检查表")
        verbose_name_plural = _("检查表")
        ordering = ["industry__sort_order", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["name"], name="checklist_template_unique_name")
        ]

    def __str__(self):
        return self.name


class ChecklistTemplateItem(models.Model):
    """One item of a checklist: what to check, and the criterion or regulation behind it.

    A failed item becomes a ledger hazard: major when it cites a 判定标准 clause, else the
    item's `proposed_grade`.
    """

    template = models.ForeignKey(ChecklistTemplate, on_delete=models.CASCADE, related_name="items")
    number = models.PositiveSmallIntegerField(_("序号"))
    content = models.TextField(_("检查内容"))
    criterion = models.ForeignKey(
        HazardCriterion,
        verbose_name=_("判定标准条款"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="checklist_items",
    )
    regulation = models.CharField(
        _("依据"),
        max_length=300,
        blank=True,
        help_text=_("法规、标准条款，如《安全生产法》第四十一条。"),
    )
    proposed_grade = models.CharField(
        _("不合格时隐患等级"),
        max_length=10,
        choices=Hazard.Grade.choices,
        default=Hazard.Grade.GENERAL,
    )

    history = history()

    class Meta:
        verbose_name = _("检查项")
        verbose_name_plural = _("检查项")
        ordering = ["template", "number", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["template", "number"], name="checklist_item_unique_number"
            )
        ]

    def __str__(self):
        return f"{self.number}. {self.content[:40]}"

    @property
    def basis(self) -> str:
        """The item's legal basis as cited in a finding."""
        return self.criterion.label if self.criterion_id else self.regulation


class RandomDraw(ScopedModel):
    """双随机 抽查: targets drawn from a filtered pool and inspectors from a roster.

    Stores the pool filters, the seed, the pool and roster as they were, and the result, so
    the draw can be reproduced from them. A published draw is never redone: a redraw is a new
    row with a reason pointing at the draw it replaces.
    """

    scope_role_actions = INSPECTION_ROLE_ACTIONS

    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("组织单位"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("抽查事项"), max_length=200)
    special_campaign = models.ForeignKey(
        SpecialCampaign,
        verbose_name=_("专项行动"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="random_draws",
    )
    pool_filters = models.JSONField(
        _("抽取条件"), default=dict, help_text=_("地区、行业、风险等级、近N个月未检查。")
    )
    seed = models.CharField(_("随机种子"), max_length=64)
    pool_snapshot = models.JSONField(_("企业名录"), default=list)
    inspectors_snapshot = models.JSONField(_("执法检查人员名录"), default=list)
    target_count = models.PositiveIntegerField(_("抽取企业数"))
    inspectors_per_target = models.PositiveIntegerField(_("每家企业检查人员数"))
    result = models.JSONField(_("抽取结果"), default=list)
    reason = models.TextField(_("重新抽取原因"), blank=True)
    previous_draw = models.ForeignKey(
        "self",
        verbose_name=_("被替代的抽取"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="redraws",
    )
    published_at = models.DateTimeField(_("公示时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("抽取人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("抽取时间"), auto_now_add=True)

    history = history()

    scope_industry_field = None
    scope_enterprise_field = None

    class Meta(ScopedModel.Meta):
        verbose_name = _("双随机抽查")
        verbose_name_plural = _("双随机抽查")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(previous_draw__isnull=True) | ~Q(reason=""),
                name="random_draw_redraw_has_reason",
                violation_error_message=_("重新抽取必须说明原因。"),
            )
        ]

    def __str__(self):
        return self.title


class Inspection(ScopedModel):
    """检查: one visit (督导 / 执法 / 专项 / 日常) to enterprises or units, with its checklist.

    Located at the region inspected (every target lies in its subtree), so the inspected
    township and its superiors see it, as do the supervision groups assigned there. A draft
    filled on a phone is submitted once: `submission_key` is generated by the client and a
    second submission with the same key returns the first result.
    """

    scope_role_actions = INSPECTION_ROLE_ACTIONS

    class Kind(models.TextChoices):
        SUPERVISION = "supervision", _("督导检查")
        ENFORCEMENT = "enforcement", _("执法检查")
        SPECIAL = "special", _("专项检查")
        ROUTINE = "routine", _("日常检查")

    class Method(models.TextChoices):
        REGULAR = "regular", _("常规检查")
        UNANNOUNCED = "unannounced", _("四不两直")
        COVERT = "covert", _("明察暗访")
        CROSS = "cross", _("交叉检查")
        RANDOM = "random", _("双随机")

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("已提交")

    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("被检查地区"), on_delete=models.PROTECT, related_name="+"
    )
    inspecting_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("检查单位"), on_delete=models.PROTECT, related_name="+"
    )
    group = models.ForeignKey(
        SupervisionGroup,
        verbose_name=_("督导组"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    kind = models.CharField(_("检查类别"), max_length=12, choices=Kind.choices)
    method = models.CharField(
        _("检查方式"), max_length=12, choices=Method.choices, default=Method.REGULAR
    )
    industry = models.ForeignKey(
        Industry,
        verbose_name=_("行业领域"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("行业专项检查填写，行业主管部门可见。"),
    )
    template = models.ForeignKey(
        ChecklistTemplate,
        verbose_name=_("检查表"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    inspection_date = models.DateField(_("检查日期"))
    team = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("检查人员"),
        blank=True,
        related_name="inspections",
    )
    outside_experts = models.CharField(
        _("外聘专家"), max_length=300, blank=True, help_text=_("姓名及专业，多人用顿号分隔。")
    )
    special_campaign = models.ForeignKey(
        SpecialCampaign,
        verbose_name=_("专项行动"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    random_draw = models.ForeignKey(
        RandomDraw,
        verbose_name=_("双随机抽查"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    summary = models.TextField(_("检查情况"), blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    submission_key = models.UUIDField(_("提交标识"), null=True, blank=True, unique=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("填报人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = history()

    scope_enterprise_field = None

    class Meta(ScopedModel.Meta):
        verbose_name = _("检查")
        verbose_name_plural = _("检查")
        ordering = ["-inspection_date", "-id"]
        indexes = [
            *ScopedModel.Meta.indexes,
            # Statistics and coverage: inspections of a county or township in a period.
            models.Index(fields=["county", "inspection_date"], name="inspection_county_date"),
            models.Index(fields=["township", "inspection_date"], name="inspection_town_date"),
            models.Index(
                fields=["special_campaign", "inspection_date"], name="inspection_campaign_date"
            ),
        ]

    def __str__(self):
        return f"{self.inspection_date} {self.get_kind_display()} {self.org_unit}"

    def get_absolute_url(self):
        return reverse("inspections:inspection_detail", args=[self.pk])

    @property
    def hazard_source(self) -> str:
        """The ledger channel of this inspection's findings."""
        if self.kind == self.Kind.ENFORCEMENT:
            return Hazard.Source.ENFORCEMENT
        return Hazard.Source.SUPERVISION


class InspectionTarget(ScopedModelMixin, models.Model):
    """被检查对象: an enterprise, or a unit such as a township's 民政所 (seed 003).

    `org_unit` is the unit inspected, or the enterprise's location; scoped through the
    inspection.
    """

    scope_role_actions = INSPECTION_ROLE_ACTIONS

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="targets")
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("被检查企业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspection_targets",
    )
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("被检查单位"), on_delete=models.PROTECT, related_name="+"
    )

    history = history()
    objects = RestrictedQuerySet.as_manager()

    scope_path_field = "inspection__org_path"
    scope_industry_field = "inspection__industry_id"
    scope_enterprise_field = None

    class Meta:
        verbose_name = _("被检查对象")
        verbose_name_plural = _("被检查对象")
        ordering = ["inspection", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "enterprise"],
                condition=Q(enterprise__isnull=False),
                name="inspection_target_unique_enterprise",
            ),
            models.UniqueConstraint(
                fields=["inspection", "org_unit"],
                condition=Q(enterprise__isnull=True),
                name="inspection_target_unique_unit",
            ),
        ]
        indexes = [
            models.Index(fields=["enterprise", "inspection"], name="inspection_target_ent"),
            models.Index(fields=["org_unit", "inspection"], name="inspection_target_unit"),
        ]

    def __str__(self):
        return str(self.enterprise or self.org_unit)


class ChecklistResult(ScopedModelMixin, models.Model):
    """One checklist item's result at one target: 合格 / 不合格 / 不适用, with a note and photos.

    A 不合格 result at an enterprise becomes one ledger hazard (`hazard`, whose
    `inspection_findings` lead back here).
    """

    scope_role_actions = INSPECTION_ROLE_ACTIONS

    class Result(models.TextChoices):
        PASS = "pass", _("合格")
        FAIL = "fail", _("不合格")
        NOT_APPLICABLE = "na", _("不适用")

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="results")
    target = models.ForeignKey(InspectionTarget, on_delete=models.CASCADE, related_name="results")
    item = models.ForeignKey(
        ChecklistTemplateItem,
        verbose_name=_("检查项"),
        on_delete=models.PROTECT,
        related_name="results",
    )
    result = models.CharField(_("检查结果"), max_length=4, choices=Result.choices)
    note = models.TextField(_("情况说明"), blank=True)
    hazard = models.ForeignKey(
        Hazard,
        verbose_name=_("隐患"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspection_findings",
    )

    history = history()
    objects = RestrictedQuerySet.as_manager()

    scope_path_field = "inspection__org_path"
    scope_industry_field = "inspection__industry_id"
    scope_enterprise_field = None

    class Meta:
        verbose_name = _("检查结果")
        verbose_name_plural = _("检查结果")
        ordering = ["target", "item__number", "id"]
        constraints = [
            models.UniqueConstraint(fields=["target", "item"], name="checklist_result_unique"),
            models.CheckConstraint(
                condition=Q(hazard__isnull=True) | Q(result="fail"),
                name="checklist_result_hazard_only_if_failed",
            ),
        ]

    def __str__(self):
        return f"{self.item} {self.get_result_display()}"


class ChecklistPhoto(ScopedModelMixin, models.Model):
    """A photo taken at a checklist item (the phone's camera), scoped through its inspection."""

    scope_role_actions = INSPECTION_ROLE_ACTIONS

    result = models.ForeignKey(ChecklistResult, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("照片"), upload_to=evidence_upload_to)
    original_name = models.CharField(_("原文件名"), max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    history = history()
    objects = RestrictedQuerySet.as_manager()

    scope_path_field = "result__inspection__org_path"
    scope_industry_field = "result__inspection__industry_id"
    scope_enterprise_field = None

    class Meta:
        verbose_name = _("检查照片")
        verbose_name_plural = _("检查照片")
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.original_name


class EnforcementAction(ScopedModel):
    """执法措施: 责令限期整改, 责令停产停业, 罚款 (一案双罚), 立案 or 移送, on one enterprise.

    Located at the enterprise, with its industry for the sectoral rule. The 督办函 / 警示函
    sent with it is generated as a PDF into `document_file`.
    """

    scope_role_actions = INSPECTION_ROLE_ACTIONS

    class Kind(models.TextChoices):
        RECTIFY_ORDER = "rectify_order", _("责令限期整改")
        SUSPENSION = "suspension", _("责令停产停业")
        FINE = "fine", _("罚款")
        CASE = "case", _("立案")
        TRANSFER = "transfer", _("移送")

    class FinedParty(models.TextChoices):
        UNIT = "unit", _("单位")
        PERSON = "person", _("个人")
        BOTH = "both", _("单位和个人(一案双罚)")

    class DocumentKind(models.TextChoices):
        SUPERVISION_LETTER = "supervision_letter", _("督办函")
        WARNING_LETTER = "warning_letter", _("警示函")

    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("属地"), on_delete=models.PROTECT, related_name="+"
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("单位"),
        on_delete=models.PROTECT,
        related_name="enforcement_actions",
    )
    industry = models.ForeignKey(
        Industry, verbose_name=_("行业领域"), on_delete=models.PROTECT, related_name="+"
    )
    inspection = models.ForeignKey(
        Inspection,
        verbose_name=_("检查"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enforcement_actions",
    )
    special_campaign = models.ForeignKey(
        SpecialCampaign,
        verbose_name=_("专项行动"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enforcement_actions",
    )
    issuing_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("执法单位"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("措施类别"), max_length=20, choices=Kind.choices)
    decided_on = models.DateField(_("决定日期"))
    document_number = models.CharField(_("文书编号"), max_length=100, blank=True)
    reason = models.TextField(_("违法事实及依据"), blank=True)
    deadline = models.DateField(_("整改期限"), null=True, blank=True)
    lifted_on = models.DateField(
        _("解除停产停业日期"), null=True, blank=True, help_text=_("责令停产停业解除时填写。")
    )
    fined_party = models.CharField(
        _("处罚对象"), max_length=10, choices=FinedParty.choices, blank=True
    )
    fine_unit_amount = models.DecimalField(
        _("单位罚款(元)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    fined_person_name = models.CharField(_("被处罚人"), max_length=50, blank=True)
    fine_person_amount = models.DecimalField(
        _("个人罚款(元)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    transferred_to = models.CharField(_("移送机关"), max_length=200, blank=True)
    document_kind = models.CharField(
        _("文书类别"), max_length=20, choices=DocumentKind.choices, blank=True
    )
    document_file = models.FileField(_("文书"), upload_to=evidence_upload_to, blank=True)
    document_generated_at = models.DateTimeField(_("文书生成时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("填报人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = history()

    class Meta(ScopedModel.Meta):
        verbose_name = _("执法措施")
        verbose_name_plural = _("执法措施")
        ordering = ["-decided_on", "-id"]
        indexes = [
            models.Index(
                fields=["org_path"],
                name="inspections_enforcement_op",
                opclasses=["varchar_pattern_ops"],
            ),
            models.Index(fields=["county", "decided_on"], name="enforcement_county_date"),
            models.Index(fields=["township", "decided_on"], name="enforcement_town_date"),
            models.Index(
                fields=["special_campaign", "decided_on"], name="enforcement_campaign_date"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="fine")
                | (
                    (Q(fined_party="unit") & Q(fine_unit_amount__isnull=False))
                    | (Q(fined_party="person") & Q(fine_person_amount__isnull=False))
                    | (
                        Q(fined_party="both")
                        & Q(fine_unit_amount__isnull=False)
                        & Q(fine_person_amount__isnull=False)
                    )
                ),
                name="enforcement_fine_has_amounts",
                violation_error_message=_("罚款须填写处罚对象及相应金额。"),
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.enterprise}"

    @property
    def fine_total(self) -> Decimal:
        return (self.fine_unit_amount or Decimal(0)) + (self.fine_person_amount or Decimal(0))

    def copy_location(self):
        self.org_unit_id = self.enterprise.org_unit_id
        self.industry_id = self.enterprise.industry_id
        super().copy_location()
