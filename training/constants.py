"""Training, licences, drills and awareness events: categories, frequencies and fixed rules."""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _


class Audience(models.TextChoices):
    """Who a training session is for (seeds 001/002) — and the category a Person is in."""

    PRINCIPAL = "principal", _("主要负责人")
    SAFETY_MANAGER = "safety_manager", _("安全管理人员")
    WORKER = "worker", _("从业人员")
    SPECIAL_WORKER = "special_worker", _("特种作业人员")
    ENFORCEMENT = "enforcement", _("执法人员")
    PARTY_LEADER = "party_leader", _("党政领导干部")
    PUBLIC = "public", _("公众")


# A Person is one of the audiences except the public, whom nobody registers by name.
PERSON_CATEGORIES = [(value, label) for value, label in Audience.choices if value != "public"]
# The key groups whose coverage the campaign tracks ("全覆盖", seeds 001/002).
KEY_GROUPS = (Audience.PRINCIPAL, Audience.SAFETY_MANAGER)

# Default hours rules (安全生产培训管理办法; the issue): (category, high risk, initial, yearly).
# Stored as HoursRule rows by migration 0002 so that a province can change them.
DEFAULT_HOURS_RULES = [
    (Audience.PRINCIPAL, False, Decimal(32), Decimal(12)),
    (Audience.PRINCIPAL, True, Decimal(48), Decimal(16)),
    (Audience.SAFETY_MANAGER, False, Decimal(32), Decimal(12)),
    (Audience.SAFETY_MANAGER, True, Decimal(48), Decimal(16)),
    (Audience.WORKER, True, Decimal(72), Decimal(20)),
]


class TrainingStatus(models.TextChoices):
    COMPLIANT = "compliant", _("达标")
    SHORT = "short", _("学时不足")
    NEVER_TRAINED = "never_trained", _("从未培训")
    NOT_REQUIRED = "not_required", _("无学时要求")


class CertificateKind(models.TextChoices):
    SPECIAL_OPERATION = "special_operation", _("特种作业操作证")
    PRINCIPAL = "principal", _("主要负责人安全生产知识和管理能力考核合格证")
    SAFETY_MANAGER = "safety_manager", _("安全生产管理人员安全生产知识和管理能力考核合格证")
    SPECIAL_EQUIPMENT = "special_equipment", _("特种设备作业人员证")
    OTHER = "other", _("其他")


class CertificateStatus(models.TextChoices):
    VALID = "valid", _("有效")
    REVIEW_DUE = "review_due", _("待复审")
    EXPIRED = "expired", _("已过期")


# 特种作业操作证: reviewed every 3 years, valid 6 years (特种作业人员安全技术培训考核管理规定).
REVIEW_INTERVAL_YEARS = 3
VALIDITY_YEARS = 6
# Days before a certificate's review date and expiry at which holders' units are reminded.
CERTIFICATE_REMINDER_DAYS = (60, 30, 7)


class DrillKind(models.TextChoices):
    COMPREHENSIVE = "comprehensive", _("综合演练")
    SPECIALISED = "specialised", _("专项演练")
    ON_SITE = "on_site", _("现场处置演练")
    EVACUATION = "evacuation", _("疏散逃生演练")
    TABLETOP = "tabletop", _("桌面推演")


# Drill frequency (seeds 002, 003): once a year; every half year in high-risk industries and
# elderly care. Counted on the drills of the unit's plans (综合, 专项, 疏散逃生, 桌面推演).
DRILL_INTERVAL_MONTHS = 12
HIGH_RISK_DRILL_INTERVAL_MONTHS = 6
# A separate requirement of every unit (生产安全事故应急预案管理办法 第三十三条): its on-site
# response procedures (现场处置方案) drilled at least every half year. Only 现场处置 drills
# count for it, and they do not count for the requirement above: otherwise the half-yearly
# on-site drill alone would satisfy the yearly one and that rule would say nothing.
ON_SITE_DRILL_INTERVAL_MONTHS = 6
# Days before a unit falls out of drill compliance at which its users are reminded.
DRILL_REMINDER_DAYS = (30, 7)


class DrillRequirement(models.TextChoices):
    """The two drill requirements a unit is checked against."""

    GENERAL = "general", _("应急预案演练")
    ON_SITE = "on_site", _("现场处置方案演练")


class DrillStatus(models.TextChoices):
    COMPLIANT = "compliant", _("达标")
    DUE_SOON = "due_soon", _("即将到期")
    OVERDUE = "overdue", _("逾期未演练")


class AwarenessKind(models.TextChoices):
    SAFETY_MONTH = "safety_month", _("安全生产月")
    FIRE_MONTH = "fire_month", _("消防宣传月")
    CONSULTATION_DAY = "consultation_day", _("安全宣传咨询日")
    OTHER = "other", _("其他宣传活动")


# At most this many photos in one drill upload.
MAX_PHOTOS_PER_UPLOAD = 10
