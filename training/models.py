"""Training, licences, drills and awareness events (issue 7; seeds 001–004).

Every row is located in the org tree (ScopedModel), so `restrict(user, action)` scopes it the
one way: territorially by its org unit, sectorally by its industry where it has one, and to
its enterprise for enterprise users.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.uploads import evidence_upload_to
from orgs.models import Enterprise, Industry, OrgUnit, ScopedModel, history
from orgs.scoping import RestrictedQuerySet, ScopedModelMixin
from training.constants import (
    PERSON_CATEGORIES,
    Audience,
    AwarenessKind,
    CertificateKind,
    DrillKind,
)
from training.idnumbers import mask


class HoursRule(models.Model):
    """学时要求: hours a category of people must be trained, initially and every year.

    Reference data seeded with the national defaults (training.constants.DEFAULT_HOURS_RULES);
    admins change them. A category without a rule has no hours requirement.
    """

    category = models.CharField(_("人员类别"), max_length=20, choices=PERSON_CATEGORIES)
    high_risk = models.BooleanField(_("高危行业"), default=False)
    initial_hours = models.DecimalField(_("初次培训学时"), max_digits=5, decimal_places=1)
    annual_hours = models.DecimalField(_("每年再培训学时"), max_digits=5, decimal_places=1)

    history = history()

    class Meta:
        verbose_name = _("培训学时要求")
        verbose_name_plural = _("培训学时要求")
        ordering = ["category", "high_risk"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "high_risk"],
                name="training_hoursrule_unique",
                violation_error_message=_("该人员类别已有学时要求。"),
            )
        ]

    def __str__(self):
        risk = _("高危行业") if self.high_risk else _("一般行业")
        return f"{self.get_category_display()}（{risk}）"


class Person(ScopedModel):
    """A worker, manager or official who is trained or licensed.

    Located at their enterprise's township, or at the unit they serve in. The ID number is
    never stored in clear (training.idnumbers): only its keyed hash, last 4 characters and an
    encrypted copy, which history does not keep.
    """

    name = models.CharField(_("姓名"), max_length=50)
    category = models.CharField(_("人员类别"), max_length=20, choices=PERSON_CATEGORIES)
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("所属单位/属地"), on_delete=models.PROTECT, related_name="+"
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("所在企业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="trained_people",
    )
    # Copied from the enterprise on save: the sectoral scope and the hours rule's 高危 test.
    industry = models.ForeignKey(
        Industry,
        verbose_name=_("行业领域"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
    )
    high_risk = models.BooleanField(_("高危行业"), default=False, editable=False)
    position = models.CharField(_("职务/岗位"), max_length=100, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    id_number_hash = models.CharField(max_length=64, blank=True, editable=False)
    id_number_last4 = models.CharField(
        _("身份证号后4位"), max_length=4, blank=True, editable=False, db_index=True
    )
    id_number_encrypted = models.TextField(blank=True, editable=False)
    is_active = models.BooleanField(_("在岗"), default=True)
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    # History keeps who changed what, never the number: not even its encrypted form.
    history = history(excluded_fields=["id_number_hash", "id_number_encrypted"])

    class Meta(ScopedModel.Meta):
        verbose_name = _("培训人员")
        verbose_name_plural = _("培训人员")
        ordering = ["org_path", "name", "id"]
        permissions = [("view_id_number", _("查看完整身份证号码"))]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number_hash"],
                condition=~Q(id_number_hash=""),
                name="training_person_unique_id_number",
                violation_error_message=_("该身份证号码已登记。"),
            )
        ]
        indexes = [
            *ScopedModel.Meta.indexes,
            # Roster matching by name within an enterprise; coverage by category.
            models.Index(fields=["enterprise", "name"], name="training_person_ent_name"),
            models.Index(fields=["category", "org_path"], name="training_person_cat_path"),
        ]

    def __str__(self):
        return self.name

    def copy_location(self):
        # People of an enterprise lie at its township; roster imports call this before their
        # bulk insert, which bypasses save().
        if self.enterprise_id:
            enterprise = self.enterprise
            self.org_unit_id = enterprise.org_unit_id
            self.industry_id = enterprise.industry_id
            self.high_risk = enterprise.high_risk or enterprise.industry.high_risk
        else:
            self.industry_id = None
            self.high_risk = False
        super().copy_location()

    @property
    def masked_id_number(self) -> str:
        return mask(self.id_number_last4)


class TrainingSession(ScopedModel):
    """培训班 / 轮训 / 跟班集中培训: one class held by an organiser unit (or an enterprise).

    `attendance_count` is what the organiser reports; when a roster is imported it is the
    roster's size. Sessions carry several industries, so the sectoral rule does not apply
    to them: a department sees the sessions organised in its own subtree.
    """

    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("主办单位"), on_delete=models.PROTECT, related_name="+"
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("主办企业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="training_sessions",
        help_text=_("企业自行组织的培训填写。"),
    )
    title = models.CharField(_("培训名称"), max_length=200)
    audience = models.CharField(_("培训对象"), max_length=20, choices=Audience.choices)
    industries = models.ManyToManyField(
        Industry, verbose_name=_("行业领域"), blank=True, related_name="+"
    )
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))
    hours = models.DecimalField(_("学时"), max_digits=5, decimal_places=1)
    place = models.CharField(_("培训地点"), max_length=200, blank=True)
    trainer = models.CharField(_("授课人/培训机构"), max_length=200, blank=True)
    materials = models.TextField(_("培训内容/教材"), blank=True)
    attendance_count = models.PositiveIntegerField(_("参训人数"), default=0)
    has_roster = models.BooleanField(_("已导入名单"), default=False, editable=False)
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

    scope_industry_field = None

    class Meta(ScopedModel.Meta):
        verbose_name = _("培训班")
        verbose_name_plural = _("培训班")
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="training_session_dates_ordered",
                violation_error_message=_("结束日期不能早于开始日期。"),
            )
        ]
        indexes = [
            *ScopedModel.Meta.indexes,
            # training_stats: sessions of a county or township in a period.
            models.Index(fields=["county", "end_date"], name="training_session_county_end"),
            models.Index(fields=["township", "end_date"], name="training_session_town_end"),
        ]

    def __str__(self):
        return self.title


class Attendance(models.Model):
    """One person on a session's roster, with the hours they were credited."""

    session = models.ForeignKey(
        TrainingSession, on_delete=models.CASCADE, related_name="attendances"
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="attendances")
    hours = models.DecimalField(_("学时"), max_digits=5, decimal_places=1)
    # The session's end date, copied so a person's hours in a window are one indexed sum.
    completed_on = models.DateField(_("结业日期"))
    passed = models.BooleanField(_("考核合格"), default=True)

    class Meta:
        verbose_name = _("参训记录")
        verbose_name_plural = _("参训记录")
        ordering = ["session", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "person"],
                name="training_attendance_unique",
                violation_error_message=_("该人员已在本期培训名单中。"),
            )
        ]
        indexes = [models.Index(fields=["person", "completed_on"], name="training_att_person_day")]

    def __str__(self):
        return f"{self.session_id}:{self.person_id}"


class Certificate(ScopedModel):
    """特种作业操作证 and other licences: 持证上岗. Located with its holder.

    Reviewed (复审) every 3 years and valid 6 years by default; the daily job reminds 60, 30
    and 7 days before each date and flags the holder's enterprise once it has expired.

    A 特种作业操作证's number is usually its holder's ID number. Such a number is protected
    as Person's is (training.idnumbers): `number` keeps only the mask, the clear value is
    encrypted, and the keyed hash of every number (ID or not) is what uniqueness and
    exact-number search use.
    """

    holder = models.ForeignKey(
        Person, verbose_name=_("持证人"), on_delete=models.PROTECT, related_name="certificates"
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("所在企业"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    industry = models.ForeignKey(
        Industry, null=True, blank=True, editable=False, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("证书类型"), max_length=20, choices=CertificateKind.choices)
    operation = models.CharField(
        _("作业类别"), max_length=100, blank=True, help_text=_("如：电工作业、焊接与热切割作业。")
    )
    number = models.CharField(_("证书编号"), max_length=50)
    number_hash = models.CharField(max_length=64, editable=False)
    # Set only when the number is an ID number (then `number` holds its mask).
    number_encrypted = models.TextField(blank=True, editable=False)
    issuing_authority = models.CharField(_("发证机关"), max_length=100, blank=True)
    issued_on = models.DateField(_("初领日期"))
    review_due_on = models.DateField(_("应复审日期"))
    reviewed_on = models.DateField(_("最近复审日期"), null=True, blank=True)
    expires_on = models.DateField(_("有效期至"), db_index=True)
    is_void = models.BooleanField(_("已注销"), default=False)
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    # As for Person: history keeps the masked number, never its hash or encrypted form.
    history = history(excluded_fields=["number_hash", "number_encrypted"])

    class Meta(ScopedModel.Meta):
        verbose_name = _("证书")
        verbose_name_plural = _("证书")
        ordering = ["expires_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "number_hash"],
                name="training_certificate_unique_number",
                violation_error_message=_("该证书编号已登记。"),
            )
        ]
        indexes = [
            *ScopedModel.Meta.indexes,
            models.Index(fields=["enterprise", "expires_on"], name="training_cert_ent_expiry"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.number}"

    @property
    def number_is_id_number(self) -> bool:
        return bool(self.number_encrypted)

    def copy_location(self):
        # A certificate lies where its holder works, so the holder's unit sees it.
        holder = self.holder
        self.org_unit_id = holder.org_unit_id
        self.enterprise_id = holder.enterprise_id
        self.industry_id = holder.industry_id
        super().copy_location()


class Drill(ScopedModel):
    """应急演练: one drill held by an enterprise (or a unit), with what it led to."""

    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("属地/单位"), on_delete=models.PROTECT, related_name="+"
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("演练单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="drills",
    )
    industry = models.ForeignKey(
        Industry, null=True, blank=True, editable=False, on_delete=models.PROTECT, related_name="+"
    )
    held_on = models.DateField(_("演练日期"))
    kind = models.CharField(_("演练类型"), max_length=20, choices=DrillKind.choices)
    unscripted = models.BooleanField(_("无脚本演练"), default=False)
    participants = models.PositiveIntegerField(_("参演人数"), default=0)
    scenario = models.TextField(_("演练情景"))
    evaluation = models.TextField(_("演练评估"), blank=True)
    plan_revision = models.TextField(
        _("预案修订"), blank=True, help_text=_("演练发现的问题及据此对应急预案所作的修订。")
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

    class Meta(ScopedModel.Meta):
        verbose_name = _("应急演练")
        verbose_name_plural = _("应急演练")
        ordering = ["-held_on", "-id"]
        indexes = [
            *ScopedModel.Meta.indexes,
            # Drill compliance: each enterprise's latest drill.
            models.Index(fields=["enterprise", "held_on"], name="training_drill_ent_day"),
        ]

    def __str__(self):
        return f"{self.held_on} {self.get_kind_display()}"

    def copy_location(self):
        if self.enterprise_id:
            self.org_unit_id = self.enterprise.org_unit_id
            self.industry_id = self.enterprise.industry_id
        super().copy_location()


class DrillPhoto(ScopedModelMixin, models.Model):
    """A photo (or scanned record) of a drill; scoped through its drill's columns."""

    drill = models.ForeignKey(Drill, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("文件"), upload_to=evidence_upload_to)
    original_name = models.CharField(_("原文件名"), max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    history = history()
    objects = RestrictedQuerySet.as_manager()

    scope_path_field = "drill__org_path"
    scope_industry_field = "drill__industry_id"
    scope_enterprise_field = "drill__enterprise_id"

    class Meta:
        verbose_name = _("演练照片")
        verbose_name_plural = _("演练照片")
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.original_name


class AwarenessEvent(ScopedModel):
    """安全生产月 / 消防宣传月 / 安全宣传咨询日 and other awareness activities."""

    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("主办单位"), on_delete=models.PROTECT, related_name="+"
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("主办企业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="awareness_events",
    )
    kind = models.CharField(_("活动类型"), max_length=20, choices=AwarenessKind.choices)
    title = models.CharField(_("活动名称"), max_length=200)
    held_on = models.DateField(_("活动日期"))
    place = models.CharField(_("活动地点"), max_length=200, blank=True)
    reach = models.PositiveIntegerField(_("覆盖人数"), default=0)
    description = models.TextField(_("活动内容"), blank=True)
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

    history = history()

    scope_industry_field = None

    class Meta(ScopedModel.Meta):
        verbose_name = _("宣传教育活动")
        verbose_name_plural = _("宣传教育活动")
        ordering = ["-held_on", "-id"]

    def __str__(self):
        return self.title
