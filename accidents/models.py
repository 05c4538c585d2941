"""生产安全事故: the accident register, graded by the statute (GLOSSARY: `Accident`).

Figures feed the rollups (count, deaths, injuries, loss, by grade), the 赛马 rankings'
一票否决 and the bulletins' year-on-year sentences. All rules are in accidents.constants and
accidents.services; the model only stores what was recorded and the grade it was given.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accidents.constants import (
    ACCIDENT_ROLE_ACTIONS,
    Category,
    Grade,
    InvestigationStatus,
    Kind,
)
from orgs.models import Enterprise, Industry, OrgUnit, ScopedModel, history


class Accident(ScopedModel):
    """生产安全事故: one accident, located at the township (or county) where it happened.

    `grade` is computed by the statute from deaths, serious injuries and direct economic loss
    (万元) when the accident is recorded, and re-computed when the figures change within the
    补报 window (30 days; 7 for road traffic and fire accidents). After the window the
    statistics grade is frozen: later changes are recorded (history) but the grade stays.

    Reporting times, per the statute's chain: `unit_reported_at` — the unit's report to the
    county's 应急管理部门 (due 1 hour after `occurred_at`); `county_reported_at`,
    `city_reported_at`, `province_reported_at` — each level's report to the next one up
    (due 2 hours after the level below's); how far up depends on the grade.
    """

    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("事故发生地"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(
        _("事故名称"), max_length=200, help_text=_("如：某某公司“10·26”较大爆炸事故")
    )
    occurred_at = models.DateTimeField(_("发生时间"))
    place = models.CharField(_("发生地点"), max_length=200, blank=True)
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("事故单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="accidents",
    )
    industry = models.ForeignKey(
        Industry, verbose_name=_("行业领域"), on_delete=models.PROTECT, related_name="accidents"
    )
    category = models.CharField(
        _("事故类型"), max_length=20, choices=Category.choices, default=Category.PRODUCTION
    )
    kind = models.CharField(_("事故类别"), max_length=20, choices=Kind.choices)

    deaths = models.PositiveIntegerField(_("死亡人数"), default=0)
    serious_injuries = models.PositiveIntegerField(
        _("重伤人数"), default=0, help_text=_("含急性工业中毒")
    )
    injuries = models.PositiveIntegerField(_("轻伤人数"), default=0)
    direct_loss = models.DecimalField(
        _("直接经济损失(万元)"), max_digits=12, decimal_places=2, default=0
    )
    grade = models.CharField(
        _("事故等级"), max_length=15, choices=Grade.choices, editable=False, db_index=True
    )

    narrative = models.TextField(_("事故经过"), blank=True)
    investigation_status = models.CharField(
        _("调查状态"),
        max_length=15,
        choices=InvestigationStatus.choices,
        default=InvestigationStatus.INVESTIGATING,
    )
    listed_supervision = models.BooleanField(_("挂牌督办"), default=False)
    elevated_investigation = models.BooleanField(_("提级调查"), default=False)

    unit_reported_at = models.DateTimeField(_("单位报告时间"), null=True, blank=True)
    county_reported_at = models.DateTimeField(_("县级上报时间"), null=True, blank=True)
    city_reported_at = models.DateTimeField(_("市级上报时间"), null=True, blank=True)
    province_reported_at = models.DateTimeField(_("省级上报时间"), null=True, blank=True)

    recorded_by = models.ForeignKey(
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

    scope_role_actions = ACCIDENT_ROLE_ACTIONS

    class Meta(ScopedModel.Meta):
        verbose_name = _("生产安全事故")
        verbose_name_plural = _("生产安全事故")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            *ScopedModel.Meta.indexes,
            models.Index(fields=["occurred_at", "grade"], name="accidents_occurred_grade"),
            models.Index(fields=["province", "occurred_at"], name="accidents_province_occ"),
            models.Index(fields=["city", "occurred_at"], name="accidents_city_occ"),
            models.Index(fields=["county", "occurred_at"], name="accidents_county_occ"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("accidents:accident_detail", args=[self.pk])
