"""风险分级管控: the four colours, the two grading methods and who may do what with risks.

The methods and their thresholds (documented for the four-colour map's users):

- LEC (作业条件危险性评价法): D = L × E × C, with the standard factor tables below.
  D > 320 → 红 (重大风险); 160 < D ≤ 320 → 橙 (较大风险); 70 < D ≤ 160 → 黄 (一般风险);
  D ≤ 70 → 蓝 (低风险). Each boundary value belongs to the lower colour, as in the LEC
  table's "160~320 高度危险" read with an exclusive lower end.
- L × S risk matrix (风险矩阵法): likelihood 1–5 × severity 1–5, R = L × S.
  R ≥ 20 → 红; 15 ≤ R < 20 → 橙; 9 ≤ R < 15 → 黄; R < 9 → 蓝 (the 5×5 matrix of the
  危险化学品企业安全风险隐患排查治理导则: 20–25 A, 15–16 B, 9–12 C, 1–8 D).
"""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from orgs.constants import VIEWER, Role


class RiskLevel(models.TextChoices):
    """四色: 红 / 橙 / 黄 / 蓝, from the highest to the lowest."""

    MAJOR = "major", _("重大风险")
    HIGH = "high", _("较大风险")
    MODERATE = "moderate", _("一般风险")
    LOW = "low", _("低风险")


# Highest first: the order of the map's legend, the board's lists and "the highest level".
RISK_LEVEL_ORDER = [RiskLevel.MAJOR, RiskLevel.HIGH, RiskLevel.MODERATE, RiskLevel.LOW]
RISK_LEVEL_COLOURS = {
    RiskLevel.MAJOR: ("红色", "#d9001b"),
    RiskLevel.HIGH: ("橙色", "#f59a23"),
    RiskLevel.MODERATE: ("黄色", "#ffd500"),
    RiskLevel.LOW: ("蓝色", "#1e6fd9"),
}


class RiskMethod(models.TextChoices):
    LEC = "lec", _("作业条件危险性评价法(LEC)")
    MATRIX = "matrix", _("风险矩阵法(L×S)")


# LEC factor tables: value → what it means.
LEC_LIKELIHOOD = {
    Decimal("10"): "完全可以预料",
    Decimal("6"): "相当可能",
    Decimal("3"): "可能，但不经常",
    Decimal("1"): "可能性小，完全意外",
    Decimal("0.5"): "很不可能，可以设想",
    Decimal("0.2"): "极不可能",
    Decimal("0.1"): "实际不可能",
}
LEC_EXPOSURE = {
    Decimal("10"): "连续暴露",
    Decimal("6"): "每天工作时间内暴露",
    Decimal("3"): "每周一次或偶然暴露",
    Decimal("2"): "每月一次暴露",
    Decimal("1"): "每年几次暴露",
    Decimal("0.5"): "非常罕见地暴露",
}
LEC_CONSEQUENCE = {
    Decimal("100"): "大灾难，许多人死亡",
    Decimal("40"): "灾难，数人死亡",
    Decimal("15"): "非常严重，一人死亡",
    Decimal("7"): "严重，重伤",
    Decimal("3"): "重大，致残",
    Decimal("1"): "引人注目，需要救护",
}
# (threshold, level): the first whose threshold the score exceeds.
LEC_THRESHOLDS = [
    (Decimal("320"), RiskLevel.MAJOR),
    (Decimal("160"), RiskLevel.HIGH),
    (Decimal("70"), RiskLevel.MODERATE),
]


class MatrixLikelihood(models.IntegerChoices):
    RARE = 1, _("1 极不可能")
    UNLIKELY = 2, _("2 不太可能")
    POSSIBLE = 3, _("3 可能")
    LIKELY = 4, _("4 很可能")
    CERTAIN = 5, _("5 几乎肯定")


class MatrixSeverity(models.IntegerChoices):
    NEGLIGIBLE = 1, _("1 轻微")
    MINOR = 2, _("2 较小")
    MODERATE = 3, _("3 一般")
    MAJOR = 4, _("4 严重")
    CATASTROPHIC = 5, _("5 特别严重")


# (minimum, level): the first whose minimum the score reaches.
MATRIX_THRESHOLDS = [(20, RiskLevel.MAJOR), (15, RiskLevel.HIGH), (9, RiskLevel.MODERATE)]


class AccidentType(models.TextChoices):
    """GB 6441-86 《企业职工伤亡事故分类》: the 20 accident categories."""

    STRUCK_BY_OBJECT = "struck_by_object", _("物体打击")
    VEHICLE = "vehicle", _("车辆伤害")
    MACHINERY = "machinery", _("机械伤害")
    LIFTING = "lifting", _("起重伤害")
    ELECTROCUTION = "electrocution", _("触电")
    DROWNING = "drowning", _("淹溺")
    SCALD_BURN = "scald_burn", _("灼烫")
    FIRE = "fire", _("火灾")
    FALL_FROM_HEIGHT = "fall_from_height", _("高处坠落")
    COLLAPSE = "collapse", _("坍塌")
    ROOF_FALL = "roof_fall", _("冒顶片帮")
    WATER_INRUSH = "water_inrush", _("透水")
    BLASTING = "blasting", _("放炮")
    EXPLOSIVE = "explosive", _("火药爆炸")
    GAS_EXPLOSION = "gas_explosion", _("瓦斯爆炸")
    BOILER_EXPLOSION = "boiler_explosion", _("锅炉爆炸")
    VESSEL_EXPLOSION = "vessel_explosion", _("容器爆炸")
    OTHER_EXPLOSION = "other_explosion", _("其它爆炸")
    POISONING_ASPHYXIA = "poisoning_asphyxia", _("中毒和窒息")
    OTHER = "other", _("其它伤害")


class RiskPublicField(models.TextChoices):
    """Fields of a risk that may be published (the region, unit, name and level always are)."""

    PLACE = "place", _("场所/部位")
    ACCIDENT_TYPES = "accident_types", _("可能导致的事故类型")
    CONTROL_MEASURES = "control_measures", _("管控措施")
    EMERGENCY_ACTIONS = "emergency_actions", _("应急处置措施")
    RESPONSIBLE = "responsible", _("管控责任单位及责任人")


class RiskAction:
    """Scope actions on risks (`Risk.objects.restrict(user, action)`)."""

    VIEW = "view"
    ADD = "add"
    CHANGE = "change"
    RETIRE = "retire"


_RISK_EDIT = frozenset({RiskAction.VIEW, RiskAction.ADD, RiskAction.CHANGE, RiskAction.RETIRE})
RISK_ROLE_ACTIONS: dict[str, frozenset[str]] = {
    Role.ADMIN: _RISK_EDIT,
    Role.LEADER: frozenset({RiskAction.VIEW}),
    Role.STAFF: _RISK_EDIT,
    Role.SUPERVISOR: frozenset({RiskAction.VIEW}),
    # Enterprises identify and grade their own risks (seed 001: 企业辨识评估).
    Role.ENTERPRISE: _RISK_EDIT,
    VIEWER: frozenset({RiskAction.VIEW}),
}
