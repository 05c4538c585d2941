"""统计报告: rollups up the hierarchy, 赛马 rankings, numbered bulletins (简报) and long jobs.

Rollups are rebuilt set-wise into a new `RollupGeneration` and swapped in by moving the one
`RollupState` pointer in a transaction, so a reader sees either the previous generation or the
new one, never a half-built mix. Bulletins are numbered at publication (第N期, 总第M期, 专刊（K）)
from their series' counters, locked while numbering, so numbers are never reused or skipped.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from orgs.constants import Action, Level, Role
from orgs.models import Industry, OrgUnit, ScopedModel, ScopedQuerySet, history
from orgs.scoping import RestrictedQuerySet, ScopedModelMixin

# Figures are read by every official of the subtree; only enterprises stay out (rollups are
# aggregates of many units, not an enterprise's own records).
READ_ONLY_ROLE_ACTIONS = {
    Role.ADMIN: frozenset({Action.VIEW}),
    Role.LEADER: frozenset({Action.VIEW}),
    Role.STAFF: frozenset({Action.VIEW}),
    Role.SUPERVISOR: frozenset({Action.VIEW}),
    "viewer": frozenset({Action.VIEW}),
}

# A safety committee office (安委办) drafts and edits; publishing (签发) is a leader's or admin's
# approval. Supervisors draft too: supervision groups write the 督导 bulletins.
EDITORIAL_ROLE_ACTIONS = {
    Role.ADMIN: frozenset({Action.VIEW, Action.ADD, Action.CHANGE, Action.DELETE, Action.APPROVE}),
    Role.LEADER: frozenset({Action.VIEW, Action.APPROVE}),
    Role.STAFF: frozenset({Action.VIEW, Action.ADD, Action.CHANGE}),
    Role.SUPERVISOR: frozenset({Action.VIEW, Action.ADD, Action.CHANGE}),
    "viewer": frozenset({Action.VIEW}),
}


class PeriodKind(models.TextChoices):
    MONTH = "month", _("月度")
    QUARTER = "quarter", _("季度")
    YEAR = "year", _("年度")
    YTD = "ytd", _("年初至今")


class RollupGeneration(models.Model):
    """一次汇总: one complete build of every rollup row, readable only once it is swapped in."""

    class Status(models.TextChoices):
        BUILDING = "building", _("生成中")
        READY = "ready", _("已生成")
        FAILED = "failed", _("失败")

    class Kind(models.TextChoices):
        NIGHTLY = "nightly", _("每日更新")
        QUARTER_CLOSE = "quarter_close", _("季度结账")
        ON_DEMAND = "on_demand", _("手动重算")

    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.BUILDING
    )
    # The day the figures are as of: open periods are counted up to it.
    as_of = models.DateField(_("统计截止日"))
    started_at = models.DateTimeField(_("开始时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    row_count = models.PositiveIntegerField(_("行数"), default=0)
    error = models.TextField(_("错误"), blank=True)
    job = models.ForeignKey(
        "reports.Job",
        verbose_name=_("任务"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("汇总批次")
        verbose_name_plural = _("汇总批次")
        ordering = ["-id"]

    def __str__(self):
        return f"#{self.pk} {self.get_kind_display()} {self.as_of} {self.get_status_display()}"


class RollupState(models.Model):
    """The one pointer to the generation readers use, moved in the swap transaction."""

    SINGLETON_ID = 1

    current = models.ForeignKey(
        RollupGeneration,
        verbose_name=_("当前批次"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    swapped_at = models.DateTimeField(_("切换时间"), null=True)

    class Meta:
        verbose_name = _("汇总状态")
        verbose_name_plural = _("汇总状态")

    def __str__(self):
        return f"current={self.current_id}"


class RollupQuerySet(ScopedQuerySet):
    def current(self):
        """Rows of the swapped-in generation: one subquery on the pointer, no extra query."""
        pointer = RollupState.objects.filter(pk=RollupState.SINGLETON_ID).values("current_id")
        return self.filter(generation_id=models.Subquery(pointer[:1]))


class Rollup(ScopedModel):
    """季度汇总 / 统计分析: one figure of one org unit for one period.

    `own_value` counts the rows located at the unit itself, `subtree_value` the unit and
    everything below it. `industry` empty is the all-industries figure; rows with an industry
    break the same figure down by 行业领域 (and are what a sectoral department reads).
    Located like every scoped row (path and level ids copied from the unit), so `restrict`
    scopes it like the ledgers it sums.
    """

    # A generation is millions of rows written set-wise from orgs_orgunit itself: consistent
    # by construction, so no foreign-key triggers (checked row by row at commit, they took
    # longer than the build) and no index per column (the two below serve every read). A
    # unit or industry deleted leaves its figures until the next build, which drops them:
    # derived rows never block a change to the tree.
    generation = models.ForeignKey(
        RollupGeneration,
        on_delete=models.CASCADE,
        related_name="rows",
        verbose_name=_("批次"),
        db_constraint=False,
        db_index=False,
    )
    org_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("所属机构"),
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    province = models.ForeignKey(
        OrgUnit,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    city = models.ForeignKey(
        OrgUnit,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    county = models.ForeignKey(
        OrgUnit,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    township = models.ForeignKey(
        OrgUnit,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    period_kind = models.CharField(_("周期类型"), max_length=10, choices=PeriodKind.choices)
    period_start = models.DateField(_("周期开始"))
    period_end = models.DateField(_("周期结束"))
    metric = models.CharField(_("指标"), max_length=50)
    industry = models.ForeignKey(
        Industry,
        verbose_name=_("行业领域"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    own_value = models.DecimalField(_("本级数值"), max_digits=20, decimal_places=2, default=0)
    subtree_value = models.DecimalField(_("合计数值"), max_digits=20, decimal_places=2, default=0)

    objects = models.Manager.from_queryset(RollupQuerySet)()

    scope_enterprise_field = None
    scope_role_actions = READ_ONLY_ROLE_ACTIONS

    class Meta(ScopedModel.Meta):
        verbose_name = _("汇总数据")
        verbose_name_plural = _("汇总数据")
        ordering = ["org_path", "period_start", "metric"]
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "generation",
                    "org_unit",
                    "period_kind",
                    "period_start",
                    "period_end",
                    "metric",
                    "industry",
                ],
                nulls_distinct=False,
                name="rollup_unique_figure",
            )
        ]
        indexes = [
            models.Index(
                fields=["generation", "period_kind", "period_end", "metric", "org_path"],
                name="rollup_period_metric_path",
                opclasses=[
                    "int8_ops",
                    "varchar_ops",
                    "date_ops",
                    "varchar_ops",
                    "varchar_pattern_ops",
                ],
            ),
        ]

    def __str__(self):
        return f"{self.org_unit_id} {self.period_kind} {self.period_start} {self.metric}"


class RankingScheme(ScopedModel):
    """赛马方案: how a unit scores its subordinate units each quarter (seed 003).

    `weights` is a list of {"metric": code, "weight": number, "direction": "higher"|"lower"}:
    each metric is normalised across the ranked units (best = 100, worst = 0, in its
    direction) and the score is the weighted sum divided by the total weight. Units with
    equal scores share a rank (1, 2, 2, 4). A unit with a 较大 or worse accident in the year
    is flagged 一票否决 and cannot be rated advanced.
    """

    name = models.CharField(_("方案名称"), max_length=100)
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("组织单位"), on_delete=models.PROTECT, related_name="+"
    )
    ranked_level = models.CharField(
        _("排名对象层级"),
        max_length=10,
        choices=[(c, lbl) for c, lbl in Level.choices if c != Level.PROVINCE],
    )
    weights = models.JSONField(_("指标权重"), default=list)
    advanced_count = models.PositiveSmallIntegerField(
        _("先进名额"), default=3, help_text=_("得分前几名（未被一票否决）评为先进。")
    )
    is_active = models.BooleanField(_("启用"), default=True)
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

    history = history()

    scope_industry_field = None
    scope_enterprise_field = None
    scope_role_actions = EDITORIAL_ROLE_ACTIONS

    class Meta(ScopedModel.Meta):
        verbose_name = _("赛马方案")
        verbose_name_plural = _("赛马方案")
        ordering = ["org_path", "name", "id"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("reports:ranking", args=[self.pk])


class BulletinSeries(ScopedModel):
    """简报系列: e.g. 江西应急管理简报, issued by one unit's 安委办, with its numbering.

    第N期 restarts every year (`current_year`, `next_issue_number`), 总第M期 runs on for the
    series' life (`next_total_number`); an optional special series (e.g.
    省安全生产专项整治三年行动专刊) counts its own 专刊（K）.
    """

    title = models.CharField(_("简报名称"), max_length=100)
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("编发单位"), on_delete=models.PROTECT, related_name="+"
    )
    issuer_name = models.CharField(
        _("编发机关署名"), max_length=100, help_text=_("如：江西省安全生产委员会办公室")
    )
    current_year = models.PositiveSmallIntegerField(_("当前年度"))
    next_issue_number = models.PositiveIntegerField(_("下一期号"), default=1)
    next_total_number = models.PositiveIntegerField(_("下一总期号"), default=1)
    special_name = models.CharField(_("专刊名称"), max_length=100, blank=True)
    next_special_number = models.PositiveIntegerField(_("下一专刊号"), default=1)
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    history = history()

    scope_industry_field = None
    scope_enterprise_field = None
    scope_role_actions = EDITORIAL_ROLE_ACTIONS

    class Meta(ScopedModel.Meta):
        verbose_name = _("简报系列")
        verbose_name_plural = _("简报系列")
        ordering = ["org_path", "title", "id"]

    def __str__(self):
        return self.title


class Bulletin(ScopedModel):
    """简报: one issue — numbered when published, with its articles and distribution list.

    Located at the issuing unit (the series'); `scope_unit` and the period say which figures
    the data blocks compute. Numbers stay empty in draft and are assigned, with the series
    locked, at publication. 抄报 / 分送 name units (whose officials read it in their inbox)
    and, as free text, bodies outside the tree.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已印发")

    series = models.ForeignKey(
        BulletinSeries,
        verbose_name=_("简报系列"),
        on_delete=models.PROTECT,
        related_name="bulletins",
    )
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("编发单位"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("标题"), max_length=200)
    is_special = models.BooleanField(_("专刊"), default=False)
    year = models.PositiveSmallIntegerField(_("年度"), null=True, blank=True)
    issue_number = models.PositiveIntegerField(_("期号"), null=True, blank=True)
    total_number = models.PositiveIntegerField(_("总期号"), null=True, blank=True)
    special_number = models.PositiveIntegerField(_("专刊号"), null=True, blank=True)
    date = models.DateField(_("印发日期"), null=True, blank=True)
    scope_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("数据范围"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("数据块按此单位及其下级统计。"),
    )
    period_kind = models.CharField(
        _("统计周期"), max_length=10, choices=PeriodKind.choices, default=PeriodKind.YTD
    )
    period_start = models.DateField(_("周期开始"))
    period_end = models.DateField(_("周期结束"))
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    copy_to = models.ManyToManyField(
        OrgUnit, verbose_name=_("抄报单位"), blank=True, related_name="bulletins_copied"
    )
    distribute_to = models.ManyToManyField(
        OrgUnit, verbose_name=_("分送单位"), blank=True, related_name="bulletins_distributed"
    )
    copy_to_text = models.TextField(_("抄报（其他）"), blank=True)
    distribute_to_text = models.TextField(_("分送（其他）"), blank=True)
    pdf = models.FileField(_("PDF"), upload_to="bulletins/%Y/", blank=True)
    pdf_version = models.PositiveIntegerField(
        _("PDF对应版本"), null=True, blank=True, editable=False
    )
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("拟稿人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("签发人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published_at = models.DateTimeField(_("签发时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = history()

    scope_industry_field = None
    scope_enterprise_field = None
    scope_role_actions = EDITORIAL_ROLE_ACTIONS

    class Meta(ScopedModel.Meta):
        verbose_name = _("简报")
        verbose_name_plural = _("简报")
        ordering = ["-date", "-total_number", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "year", "issue_number"], name="bulletin_unique_issue"
            ),
            models.UniqueConstraint(
                fields=["series", "total_number"], name="bulletin_unique_total"
            ),
            models.UniqueConstraint(
                fields=["series", "special_number"], name="bulletin_unique_special"
            ),
            models.CheckConstraint(
                condition=Q(status="draft")
                | (
                    Q(year__isnull=False)
                    & Q(issue_number__isnull=False)
                    & Q(total_number__isnull=False)
                    & Q(date__isnull=False)
                ),
                name="bulletin_published_numbered",
            ),
            models.CheckConstraint(
                condition=Q(period_start__lte=models.F("period_end")),
                name="bulletin_period_order",
            ),
        ]

    def __str__(self):
        if self.issue_number is None:
            return f"{self.title}（草稿）"
        return f"{self.series.title} 第{self.issue_number}期（总第{self.total_number}期）"

    def get_absolute_url(self):
        return reverse("reports:bulletin_detail", args=[self.pk])


class BulletinArticle(ScopedModelMixin, models.Model):
    """简报文章: a heading and body; `{{key}}` in the body stands for the data block `key`."""

    bulletin = models.ForeignKey(
        Bulletin, verbose_name=_("简报"), on_delete=models.CASCADE, related_name="articles"
    )
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)
    heading = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文"), blank=True)

    history = history()
    objects = RestrictedQuerySet.as_manager()

    scope_path_field = "bulletin__org_path"
    scope_industry_field = None
    scope_enterprise_field = None
    scope_role_actions = EDITORIAL_ROLE_ACTIONS

    class Meta:
        verbose_name = _("简报文章")
        verbose_name_plural = _("简报文章")
        ordering = ["bulletin", "order", "id"]

    def __str__(self):
        return self.heading


class DataBlock(ScopedModelMixin, models.Model):
    """数据块: a figure from the rollups inside an article — a sentence, a table or a chart.

    Computed live for the bulletin's period and scope while it is a draft, and frozen into
    `frozen_value` at publication so the issue never changes afterwards.
    """

    class Kind(models.TextChoices):
        SENTENCE = "sentence", _("同比语句")
        TABLE = "table", _("分地区表格")
        CHART = "chart", _("图表")

    article = models.ForeignKey(
        BulletinArticle,
        verbose_name=_("文章"),
        on_delete=models.CASCADE,
        related_name="blocks",
    )
    key = models.SlugField(_("标记"), max_length=30, help_text=_("正文中以 {{标记}} 引用。"))
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    metrics = models.JSONField(_("指标"), default=list)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    frozen_value = models.JSONField(_("定稿数据"), null=True, blank=True, editable=False)
    frozen_at = models.DateTimeField(_("定稿时间"), null=True, blank=True, editable=False)

    objects = RestrictedQuerySet.as_manager()

    scope_path_field = "article__bulletin__org_path"
    scope_industry_field = None
    scope_enterprise_field = None
    scope_role_actions = EDITORIAL_ROLE_ACTIONS

    class Meta:
        verbose_name = _("数据块")
        verbose_name_plural = _("数据块")
        ordering = ["article", "id"]
        constraints = [
            models.UniqueConstraint(fields=["article", "key"], name="datablock_unique_key")
        ]

    def __str__(self):
        return f"{{{{{self.key}}}}} {self.get_kind_display()}"


class Job(models.Model):
    """后台任务: long work (rollup rebuild, PDF, export) whose progress its owner watches."""

    class Kind(models.TextChoices):
        ROLLUP_REBUILD = "rollup_rebuild", _("重算汇总")
        BULLETIN_PDF = "bulletin_pdf", _("生成简报PDF")
        RANKING_EXPORT = "ranking_export", _("导出赛马排名")

    class Status(models.TextChoices):
        PENDING = "pending", _("排队中")
        RUNNING = "running", _("进行中")
        SUCCEEDED = "succeeded", _("已完成")
        FAILED = "failed", _("失败")

    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    org_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("所属机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    progress = models.PositiveSmallIntegerField(
        _("进度"), default=0, validators=[MaxValueValidator(100)]
    )
    message = models.CharField(_("说明"), max_length=200, blank=True)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    result = models.JSONField(_("结果"), null=True, blank=True)
    result_file = models.FileField(_("结果文件"), upload_to="jobs/%Y/%m/", blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="job_progress_max_100")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk} {self.get_status_display()}"

    def get_absolute_url(self):
        return reverse("reports:job_detail", args=[self.pk])
