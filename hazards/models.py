"""The major-accident-hazard ledger (重大事故隐患台账), seeds 001–003, and the rest of the
双重预防机制: risk points graded in four colours (风险分级管控) and citizens' reports (群众举报).

A `Hazard` arrives through a channel (企业自查上报, 督导/执法检查发现, 群众举报查实), gets a
rectification plan with the 五落实, may be 挂牌督办 by a superior, and is closed out only
after a regulator verifies the rectification (审核把关销号). Every transition is recorded in
`HazardTransition` (and in the row's history); ledger rows are voided, never deleted.
"""

import secrets

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.uploads import evidence_upload_to
from hazards.constants import (
    ESCALATION_ROLE_ACTIONS,
    HAZARD_ROLE_ACTIONS,
    PUBLIC_REPORT_ROLE_ACTIONS,
    RECEIPT_ALPHABET,
    RECEIPT_LENGTH,
    STOCK_CUTOFF,
    SUPERIOR_ACTIONS,
    TransitionAction,
)
from hazards.risk_constants import (
    RISK_ROLE_ACTIONS,
    AccidentType,
    MatrixLikelihood,
    MatrixSeverity,
    RiskLevel,
    RiskMethod,
    RiskPublicField,
)
from orgs.constants import Level
from orgs.models import Enterprise, Industry, OrgUnit, ScopedModel, history
from orgs.scoping import Grant, RestrictedQuerySet, ScopedModelMixin


class SuperiorScopeMixin:
    """Scope clauses for what only a unit above the location may do (SUPERIOR_ACTIONS).

    Closing out, 挂牌督办 and escalations are a superior's acts (审核把关销号): a territorial
    grant covers the rows strictly below its unit, never those located at the unit itself (a
    township does not verify its own township's hazards); the sectoral department governing
    the row's industry qualifies at any level, as for every other action.
    """

    @classmethod
    def scope_clause(cls, grant: Grant, action: str) -> Q | None:
        if action not in SUPERIOR_ACTIONS or grant.enterprise_id is not None:
            return super().scope_clause(grant, action)
        path = cls.scope_path_field
        clause = None
        if grant.subtree_path:
            clause = Q(**{f"{path}__startswith": grant.subtree_path}) & ~Q(
                **{path: grant.subtree_path}
            )
        if grant.sectoral_path and grant.industry_ids:
            sectoral = cls.scope_sectoral_clause(grant)
            if sectoral is not None:
                clause = sectoral if clause is None else clause | sectoral
        return clause


class HazardCriterion(models.Model):
    """判定标准: one clause of an official standard that makes a hazard "major".

    Reference data: the standards' names and clause numbers are seeded; admins add the text.
    """

    industry = models.ForeignKey(
        Industry, verbose_name=_("行业领域"), on_delete=models.PROTECT, related_name="criteria"
    )
    standard = models.CharField(_("判定标准"), max_length=200)
    document_number = models.CharField(_("文号/标准号"), max_length=100, blank=True)
    clause = models.CharField(_("条款"), max_length=30)
    title = models.CharField(
        _("要点"), max_length=100, blank=True, help_text=_("条款所针对的情形，便于选择。")
    )
    text = models.TextField(_("条款内容"), blank=True)
    is_active = models.BooleanField(_("有效"), default=True)

    history = history()

    class Meta:
        verbose_name = _("重大事故隐患判定标准")
        verbose_name_plural = _("重大事故隐患判定标准")
        ordering = ["industry__sort_order", "standard", "id"]
        constraints = [
            models.UniqueConstraint(fields=["standard", "clause"], name="criterion_unique_clause")
        ]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        """《standard》clause, as ledgers cite it (and as the ledger import reads it back)."""
        return f"《{self.standard}》{self.clause}"


class LedgerSequence(models.Model):
    """The last ledger number used per (division code, year), locked while numbering."""

    division_code = models.CharField(max_length=9)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["division_code", "year"], name="ledger_sequence_unique")
        ]

    def __str__(self):
        return f"{self.division_code}-{self.year}: {self.last}"


class Hazard(SuperiorScopeMixin, ScopedModel):
    """事故隐患: one ledger entry, located at its enterprise's township (or county).

    Who may do what is `HAZARD_ROLE_ACTIONS` through the one scoping mechanism; the workflow
    rules on top of it live in hazards.services.
    """

    class Grade(models.TextChoices):
        GENERAL = "general", _("一般事故隐患")
        MAJOR = "major", _("重大事故隐患")

    class Source(models.TextChoices):
        SELF_INSPECTION = "self_inspection", _("企业自查上报")
        SUPERVISION = "supervision", _("督导检查发现")
        ENFORCEMENT = "enforcement", _("执法检查发现")
        PUBLIC_REPORT = "public_report", _("群众举报查实")
        OTHER_SYSTEM = "other_system", _("其他系统推送")

    class Status(models.TextChoices):
        REPORTED = "reported", _("已上报")
        CONFIRMED = "confirmed", _("已确认")
        RECTIFYING = "rectifying", _("整改中")
        CLOSE_OUT_REQUESTED = "close_out_requested", _("申请销号")
        CLOSED = "closed", _("已销号")

    class ListedLevel(models.TextChoices):
        PROVINCE = Level.PROVINCE.value, _("省级挂牌")
        CITY = Level.CITY.value, _("市级挂牌")
        COUNTY = Level.COUNTY.value, _("县级挂牌")

    ledger_number = models.CharField(_("台账编号"), max_length=30, unique=True, editable=False)
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="hazards"
    )
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("属地"), on_delete=models.PROTECT, related_name="+"
    )
    industry = models.ForeignKey(
        Industry, verbose_name=_("行业领域"), on_delete=models.PROTECT, related_name="hazards"
    )
    grade = models.CharField(_("隐患等级"), max_length=10, choices=Grade.choices)
    source = models.CharField(_("发现渠道"), max_length=20, choices=Source.choices)
    criterion = models.ForeignKey(
        HazardCriterion,
        verbose_name=_("判定依据"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hazards",
    )
    description = models.TextField(_("隐患描述"))
    place = models.CharField(_("隐患部位"), max_length=200, blank=True)
    found_date = models.DateField(_("发现日期"))
    finder_name = models.CharField(_("发现人"), max_length=100, blank=True)
    # 存量 / 增量, fixed by the found date; stored for the statistics' indexed filters.
    is_stock = models.BooleanField(_("存量隐患"), default=False, editable=False)

    # 五落实: 责任、措施、资金、时限、预案.
    responsible_person = models.CharField(_("整改责任人"), max_length=50, blank=True)
    responsible_phone = models.CharField(_("责任人电话"), max_length=20, blank=True)
    measures = models.TextField(_("整改措施"), blank=True)
    funds = models.DecimalField(
        _("整改资金(万元)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    deadline = models.DateField(_("整改时限"), null=True, blank=True, db_index=True)
    contingency_plan = models.TextField(_("应急预案"), blank=True)

    listed_supervision = models.BooleanField(_("挂牌督办"), default=False)
    listed_level = models.CharField(
        _("挂牌级别"), max_length=10, choices=ListedLevel.choices, blank=True
    )
    listed_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("督办单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    listed_date = models.DateField(_("挂牌日期"), null=True, blank=True)

    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.REPORTED
    )
    return_reason = models.TextField(_("退回原因"), blank=True)
    is_overdue = models.BooleanField(_("逾期"), default=False)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("填报人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    close_out_requested_at = models.DateTimeField(_("申请销号时间"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("销号审核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    verification_note = models.TextField(_("审核意见"), blank=True)
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)

    is_void = models.BooleanField(_("已作废"), default=False)
    void_reason = models.TextField(_("作废原因"), blank=True)

    # Upserts from other government systems: (system, its id) names one hazard.
    external_source = models.CharField(_("来源系统"), max_length=50, blank=True)
    external_id = models.CharField(_("来源系统编号"), max_length=100, blank=True)

    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = history()

    scope_role_actions = HAZARD_ROLE_ACTIONS

    class Meta(ScopedModel.Meta):
        verbose_name = _("事故隐患")
        verbose_name_plural = _("事故隐患")
        ordering = ["-found_date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["external_source", "external_id"],
                condition=~Q(external_source=""),
                name="hazard_unique_external_id",
            ),
            models.CheckConstraint(
                condition=Q(listed_supervision=False) | ~Q(listed_level=""),
                name="hazard_listed_has_level",
            ),
        ]
        indexes = [
            *ScopedModel.Meta.indexes,
            # The ledger filtered by status and industry within a subtree (its page count,
            # and the first page of a county or township): equalities, then the path prefix
            # as a range. Voided rows are never listed, so they stay out of the index.
            models.Index(
                fields=["status", "industry", "org_path"],
                name="hazards_ledger_filter",
                opclasses=["varchar_ops", "int8_ops", "varchar_pattern_ops"],
                condition=Q(is_void=False),
            ),
            # The same filter's first page for a province, newest first: read in order and
            # stopped after one page instead of sorting every match.
            models.Index(
                "status",
                "industry",
                models.F("found_date").desc(),
                models.F("id").desc(),
                name="hazards_ledger_newest",
                condition=Q(is_void=False),
            ),
            # The dashboard's action lists (overdue, 挂牌督办 not yet closed), nearest deadline
            # first: a few rows each, read in order instead of walking every deadline.
            models.Index(
                fields=["deadline", "id"],
                name="hazards_overdue_by_deadline",
                condition=Q(is_overdue=True, is_void=False),
            ),
            models.Index(
                fields=["deadline", "id"],
                name="hazards_listed_by_deadline",
                condition=Q(listed_supervision=True, is_void=False) & ~Q(status="closed"),
            ),
            models.Index(fields=["province", "status"], name="hazards_province_status"),
            models.Index(fields=["county", "status"], name="hazards_county_status"),
            models.Index(fields=["township", "status"], name="hazards_township_status"),
            models.Index(fields=["enterprise", "status"], name="hazards_enterprise_status"),
        ]

    def __str__(self):
        return f"{self.ledger_number} {self.description[:30]}"

    def save(self, *args, **kwargs):
        self.is_stock = self.found_date <= STOCK_CUTOFF
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("hazards:hazard_detail", args=[self.pk])

    @property
    def rectification_plan_complete(self) -> bool:
        """五落实: responsibility, measures, funds, deadline and contingency plan all recorded."""
        return bool(
            self.responsible_person
            and self.measures
            and self.funds is not None
            and self.deadline
            and self.contingency_plan
        )


class HazardFile(ScopedModelMixin, models.Model):
    """A photo or document of a hazard: as found, after rectification, or other evidence.

    Scoped through its hazard's columns, so a file is downloadable exactly where its hazard
    is visible.
    """

    class Kind(models.TextChoices):
        FOUND = "found", _("隐患照片")
        AFTER = "after", _("整改后照片")
        EVIDENCE = "evidence", _("佐证材料")

    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(_("类别"), max_length=10, choices=Kind.choices)
    file = models.FileField(_("文件"), upload_to=evidence_upload_to)
    original_name = models.CharField(_("原文件名"), max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    history = history()
    objects = RestrictedQuerySet.as_manager()

    scope_path_field = "hazard__org_path"
    scope_industry_field = "hazard__industry_id"
    scope_enterprise_field = "hazard__enterprise_id"
    scope_role_actions = HAZARD_ROLE_ACTIONS

    class Meta:
        verbose_name = _("隐患附件")
        verbose_name_plural = _("隐患附件")
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.original_name


class HazardTransition(models.Model):
    """One step of a hazard's workflow, for the timeline: who moved it, from what, why."""

    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=20, choices=Hazard.Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Hazard.Status.choices)
    action = models.CharField(_("操作"), max_length=30, choices=TransitionAction.choices)
    note = models.TextField(_("说明"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Not auto_now_add: an imported ledger row keeps the dates of its earlier steps.
    at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("隐患流转记录")
        verbose_name_plural = _("隐患流转记录")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.hazard_id} {self.from_status}→{self.to_status}"


class HazardNotice(models.Model):
    """The enterprise's 主要负责人 / 实际控制人 told about a hazard (when, how, by whom).

    The notice itself is a core Notification (the shared mechanism); this links it.
    """

    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="notices")
    notification = models.OneToOneField(
        "core.Notification", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("隐患告知记录")
        verbose_name_plural = _("隐患告知记录")

    def __str__(self):
        return f"{self.hazard_id} → {self.notification_id}"


class Escalation(SuperiorScopeMixin, ScopedModel):
    """函告 → 通报 → 约谈 → 曝光: what a superior does about slow rectification.

    Proposed by the daily overdue job, issued (or dismissed) by a superior unit.
    """

    class Step(models.IntegerChoices):
        LETTER = 1, _("函告")
        CIRCULAR = 2, _("通报")
        INTERVIEW = 3, _("约谈")
        EXPOSURE = 4, _("曝光")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("待发出")
        ISSUED = "issued", _("已发出")
        DISMISSED = "dismissed", _("不予采取")

    hazard = models.ForeignKey(
        Hazard, verbose_name=_("隐患"), on_delete=models.PROTECT, related_name="escalations"
    )
    step = models.PositiveSmallIntegerField(_("措施"), choices=Step.choices)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PROPOSED
    )
    issuing_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("发出单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发出人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("发出时间"), null=True, blank=True)
    note = models.TextField(_("内容"), blank=True)
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)

    history = history()

    scope_industry_field = "hazard__industry_id"
    scope_enterprise_field = None
    scope_role_actions = ESCALATION_ROLE_ACTIONS

    class Meta(ScopedModel.Meta):
        verbose_name = _("督办措施")
        verbose_name_plural = _("督办措施")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["hazard", "step"], name="escalation_unique_step")
        ]

    def __str__(self):
        return f"{self.hazard.ledger_number} {self.get_step_display()}"


class Risk(ScopedModel):
    """安全风险 / 风险点: one identified risk of an enterprise (or of an area when no single
    enterprise owns it, e.g. a reservoir or a scenic spot), graded red / orange / yellow / blue.

    Located at its enterprise's org unit, or at the area's. The level is computed from the
    method's inputs (hazards.risk_levels) and stored, so the four-colour map groups by it; a
    level change is a history row like any other change.
    """

    class Status(models.TextChoices):
        ACTIVE = "active", _("管控中")
        RETIRED = "retired", _("已撤销")

    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="risks",
        help_text=_("区域性风险（不属于单一单位）可不填。"),
    )
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("属地"), on_delete=models.PROTECT, related_name="+"
    )
    industry = models.ForeignKey(
        Industry, verbose_name=_("行业领域"), on_delete=models.PROTECT, related_name="risks"
    )
    name = models.CharField(_("风险点名称"), max_length=100)
    place = models.CharField(_("场所/部位"), max_length=200, blank=True)
    hazard_factors = models.TextField(_("危险有害因素"))
    accident_types = ArrayField(
        models.CharField(max_length=30, choices=AccidentType.choices),
        verbose_name=_("可能导致的事故类型"),
        default=list,
        blank=True,
    )
    method = models.CharField(_("评价方法"), max_length=10, choices=RiskMethod.choices)
    lec_likelihood = models.DecimalField(
        _("L 事故发生的可能性"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    lec_exposure = models.DecimalField(
        _("E 暴露于危险环境的频繁程度"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    lec_consequence = models.DecimalField(
        _("C 发生事故可能造成的后果"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    matrix_likelihood = models.PositiveSmallIntegerField(
        _("L 可能性"), choices=MatrixLikelihood.choices, null=True, blank=True
    )
    matrix_severity = models.PositiveSmallIntegerField(
        _("S 严重性"), choices=MatrixSeverity.choices, null=True, blank=True
    )
    # D = L×E×C or R = L×S, stored beside the level it gave.
    score = models.DecimalField(_("风险值"), max_digits=8, decimal_places=2, editable=False)
    level = models.CharField(
        _("风险等级"), max_length=10, choices=RiskLevel.choices, editable=False
    )
    control_measures = models.TextField(_("管控措施"))
    emergency_actions = models.TextField(_("应急处置措施"), blank=True)
    responsible_unit = models.CharField(_("管控责任单位/部门"), max_length=100, blank=True)
    responsible_person = models.CharField(_("管控责任人"), max_length=50)
    responsible_phone = models.CharField(_("责任人电话"), max_length=20, blank=True)
    identified_date = models.DateField(_("辨识评估日期"))
    review_date = models.DateField(_("下次复评日期"), db_index=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    retire_reason = models.TextField(_("撤销原因"), blank=True)
    # Only these fields go to the public listing ("定期向社会公布重大安全风险及其管控情况").
    is_public = models.BooleanField(_("向社会公布"), default=False)
    public_fields = ArrayField(
        models.CharField(max_length=30, choices=RiskPublicField.choices),
        verbose_name=_("公开的内容"),
        default=list,
        blank=True,
    )
    public_summary = models.TextField(
        _("公开的管控情况说明"), blank=True, help_text=_("向社会公布时显示，勿含个人信息。")
    )
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

    scope_role_actions = RISK_ROLE_ACTIONS

    class Meta(ScopedModel.Meta):
        verbose_name = _("安全风险")
        verbose_name_plural = _("安全风险")
        ordering = ["org_path", "-score", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(method=RiskMethod.LEC)
                    & Q(lec_likelihood__isnull=False)
                    & Q(lec_exposure__isnull=False)
                    & Q(lec_consequence__isnull=False)
                )
                | (
                    Q(method=RiskMethod.MATRIX)
                    & Q(matrix_likelihood__isnull=False)
                    & Q(matrix_severity__isnull=False)
                ),
                name="risk_method_inputs",
            ),
        ]
        indexes = [
            *ScopedModel.Meta.indexes,
            # The four-colour map: active risks of a subtree grouped by child region and level.
            models.Index(
                fields=["org_path", "level"],
                name="hazards_risk_map",
                opclasses=["varchar_pattern_ops", "varchar_ops"],
                condition=Q(status="active"),
            ),
            models.Index(fields=["enterprise", "status"], name="hazards_risk_enterprise"),
        ]

    def __str__(self):
        return f"{self.name}（{self.get_level_display()}）"

    def get_absolute_url(self):
        return reverse("hazards:risk_detail", args=[self.pk])

    @property
    def accident_type_labels(self) -> list[str]:
        labels = dict(AccidentType.choices)
        return [str(labels.get(value, value)) for value in self.accident_types]

    @property
    def public_field_labels(self) -> list[str]:
        labels = dict(RiskPublicField.choices)
        return [str(labels.get(value, value)) for value in self.public_fields]


def new_receipt_code() -> str:
    return "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(RECEIPT_LENGTH))


class PublicReport(ScopedModel):
    """群众举报 / 随手拍: a citizen's report of a hazard, filed without an account.

    Located at the region the citizen picked; triaged there (assign → investigate → 查实 or
    不实). A verified report creates a ledger hazard (source 群众举报查实), linked both ways
    by `hazard` / `Hazard.public_report`. The reporter's name and contact live apart, in
    `ReporterIdentity`, which has no history and is shown only with an explicit grant.
    """

    class Status(models.TextChoices):
        RECEIVED = "received", _("已受理")
        ASSIGNED = "assigned", _("已交办")
        INVESTIGATING = "investigating", _("核查中")
        VERIFIED = "verified", _("查实")
        UNFOUNDED = "unfounded", _("不实")

    receipt_code = models.CharField(
        _("回执码"),
        max_length=RECEIPT_LENGTH,
        unique=True,
        editable=False,
        default=new_receipt_code,
    )
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("所在地区"), on_delete=models.PROTECT, related_name="+"
    )
    description = models.TextField(_("举报内容"))
    location_text = models.CharField(_("具体地点"), max_length=200)
    # Named by the investigation when known; enterprises never see reports about them.
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("涉及单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="public_reports",
    )
    industry = models.ForeignKey(
        Industry,
        verbose_name=_("行业领域"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="public_reports",
    )
    photo = models.FileField(_("照片"), upload_to=evidence_upload_to, blank=True)
    # SHA-256 of the submitter's IP with a secret salt: enough to rate-limit, not to identify.
    ip_hash = models.CharField(max_length=64, editable=False, blank=True)
    status = models.CharField(
        _("状态"), max_length=15, choices=Status.choices, default=Status.RECEIVED
    )
    assigned_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("承办单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("承办人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    assigned_at = models.DateTimeField(_("交办时间"), null=True, blank=True)
    deadline = models.DateField(_("办理时限"), null=True, blank=True, db_index=True)
    conclusion = models.TextField(_("核查结论"), blank=True)
    unfounded_reason = models.TextField(_("不实原因"), blank=True)
    concluded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("核查人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    concluded_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    hazard = models.OneToOneField(
        Hazard,
        verbose_name=_("查实隐患"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="public_report",
    )
    # 举报奖励.
    reward_amount = models.DecimalField(
        _("奖励金额(元)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    reward_decision = models.TextField(_("奖励决定"), blank=True)
    reward_decided_on = models.DateField(_("奖励决定日期"), null=True, blank=True)
    reward_paid_on = models.DateField(_("奖励发放日期"), null=True, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)
    created_at = models.DateTimeField(_("举报时间"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = history(excluded_fields=["ip_hash"])

    scope_enterprise_field = None
    scope_role_actions = PUBLIC_REPORT_ROLE_ACTIONS

    class Meta(ScopedModel.Meta):
        verbose_name = _("群众举报")
        verbose_name_plural = _("群众举报")
        ordering = ["-created_at", "-id"]
        permissions = [("view_reporter_identity", _("查看举报人身份信息"))]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="unfounded") | ~Q(unfounded_reason=""),
                name="public_report_unfounded_reason",
            ),
        ]
        indexes = [
            *ScopedModel.Meta.indexes,
            models.Index(fields=["ip_hash", "created_at"], name="hazards_report_ip_rate"),
            models.Index(
                fields=["status", "org_path"],
                name="hazards_report_queue",
                opclasses=["varchar_ops", "varchar_pattern_ops"],
            ),
        ]

    def __str__(self):
        return f"{self.receipt_code} {self.description[:30]}"


class ReporterIdentity(models.Model):
    """举报人信息: the reporter's name and contact, confidential (保密).

    Kept out of PublicReport so that its history, exports, API and bulletins cannot carry
    them; written once with the report and never changed, hence no history of its own.
    Shown only to holders of `hazards.view_reporter_identity` and to auditors, each view
    audit-logged.
    """

    report = models.OneToOneField(
        PublicReport, on_delete=models.CASCADE, related_name="reporter_identity"
    )
    name = models.CharField(_("举报人姓名"), max_length=50, blank=True)
    contact = models.CharField(_("联系方式"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("举报人信息")
        verbose_name_plural = _("举报人信息")

    def __str__(self):
        return f"{self.report_id}"
