"""The statute's fixed rules for accidents: categories, grades, windows, deadlines, roles.

Sources: 《生产安全事故报告和调查处理条例》(国务院令第493号) art. 3 (grades), art. 9–10
(reporting: the unit within 1 hour, each level upward within 2 hours; 一般 up to the 设区的市,
较大 up to the province, 重大/特别重大 up to the State Council), art. 13 (casualty changes within
30 days, 7 for road traffic and fire accidents, are 补报); GB 6441-86 (injury categories).
"""

from datetime import timedelta
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from orgs.constants import VIEWER, Role


class Grade(models.TextChoices):
    """事故等级 (art. 3), mildest first."""

    GENERAL = "general", _("一般事故")
    LARGER = "larger", _("较大事故")
    MAJOR = "major", _("重大事故")
    EXTRAORDINARY = "extraordinary", _("特别重大事故")


# Severity order, for "较大 or worse" comparisons in Python and SQL.
GRADE_ORDER = [Grade.GENERAL, Grade.LARGER, Grade.MAJOR, Grade.EXTRAORDINARY]
# 一票否决: a 较大 or worse accident in the year.
VETO_GRADES = frozenset({Grade.LARGER, Grade.MAJOR, Grade.EXTRAORDINARY})

# Thresholds from the top grade down: (grade, deaths, serious injuries, direct loss in 万元).
# "以上" includes the number, so each threshold is the smallest figure of its grade.
GRADE_THRESHOLDS = [
    (Grade.EXTRAORDINARY, 30, 100, Decimal("10000")),
    (Grade.MAJOR, 10, 50, Decimal("5000")),
    (Grade.LARGER, 3, 10, Decimal("1000")),
]


class Category(models.TextChoices):
    """The accident's statistical category: it fixes the 补报 window (art. 13)."""

    PRODUCTION = "production", _("生产安全事故")
    ROAD_TRAFFIC = "road_traffic", _("道路交通事故")
    FIRE = "fire", _("火灾事故")


# Days after the accident day (the day itself not counted, as 民法典 art. 201 counts periods)
# within which casualty changes re-grade the accident.
REGRADE_WINDOW_DAYS = {
    Category.PRODUCTION: 30,
    Category.ROAD_TRAFFIC: 7,
    Category.FIRE: 7,
}


class Kind(models.TextChoices):
    """事故类别 by GB 6441-86 《企业职工伤亡事故分类》."""

    STRUCK_BY_OBJECT = "struck_by_object", _("物体打击")
    VEHICLE = "vehicle", _("车辆伤害")
    MACHINERY = "machinery", _("机械伤害")
    LIFTING = "lifting", _("起重伤害")
    ELECTROCUTION = "electrocution", _("触电")
    DROWNING = "drowning", _("淹溺")
    SCALD = "scald", _("灼烫")
    FIRE = "fire", _("火灾")
    FALL = "fall", _("高处坠落")
    COLLAPSE = "collapse", _("坍塌")
    ROOF_FALL = "roof_fall", _("冒顶片帮")
    FLOODING = "flooding", _("透水")
    BLASTING = "blasting", _("放炮")
    EXPLOSIVE = "explosive", _("火药爆炸")
    GAS_EXPLOSION = "gas_explosion", _("瓦斯爆炸")
    BOILER_EXPLOSION = "boiler_explosion", _("锅炉爆炸")
    VESSEL_EXPLOSION = "vessel_explosion", _("容器爆炸")
    OTHER_EXPLOSION = "other_explosion", _("其他爆炸")
    POISONING = "poisoning", _("中毒和窒息")
    OTHER = "other", _("其他伤害")


class InvestigationStatus(models.TextChoices):
    INVESTIGATING = "investigating", _("调查中")
    CLOSED = "closed", _("结案")


# The unit reports to the county's 应急管理部门 within 1 hour of the accident; each level then
# reports to the next within 2 hours of receiving it.
UNIT_REPORT_LIMIT = timedelta(hours=1)
LEVEL_REPORT_LIMIT = timedelta(hours=2)

# How far up each grade is reported (art. 10): the last level that must report upward.
# 一般: the county reports to the 设区的市; 较大: the city to the province; 重大 and worse: the
# province to the State Council.
REPORT_LEVELS = ("county", "city", "province")
REQUIRED_REPORT_LEVELS = {
    Grade.GENERAL: ("county",),
    Grade.LARGER: ("county", "city"),
    Grade.MAJOR: REPORT_LEVELS,
    Grade.EXTRAORDINARY: REPORT_LEVELS,
}


class AccidentAction:
    VIEW = "view"
    ADD = "add"
    CHANGE = "change"


_RECORD = frozenset({AccidentAction.VIEW, AccidentAction.ADD, AccidentAction.CHANGE})
# The register is kept by the officials; enterprises read their own accidents.
ACCIDENT_ROLE_ACTIONS: dict[str, frozenset[str]] = {
    Role.ADMIN: _RECORD,
    Role.STAFF: _RECORD,
    Role.LEADER: frozenset({AccidentAction.VIEW}),
    Role.SUPERVISOR: frozenset({AccidentAction.VIEW}),
    Role.ENTERPRISE: frozenset({AccidentAction.VIEW}),
    VIEWER: frozenset({AccidentAction.VIEW}),
}
