"""Levels, kinds, roles and actions of the governance hierarchy (GLOSSARY.md)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    PROVINCE = "province", _("省")
    CITY = "city", _("设区市")
    COUNTY = "county", _("县(市、区)")
    TOWNSHIP = "township", _("乡镇(街道)")


LEVEL_ORDER = [Level.PROVINCE, Level.CITY, Level.COUNTY, Level.TOWNSHIP]
# GB/T 2260 codes: 6 digits down to county; townships carry the 9-digit extension.
DIVISION_CODE_LENGTH = {
    Level.PROVINCE: 6,
    Level.CITY: 6,
    Level.COUNTY: 6,
    Level.TOWNSHIP: 9,
}


class Kind(models.TextChoices):
    REGION = "region", _("行政区域")
    DEPARTMENT = "department", _("部门")


class Role(models.TextChoices):
    ADMIN = "admin", _("管理员")
    LEADER = "leader", _("领导")
    STAFF = "staff", _("工作人员")
    SUPERVISOR = "supervisor", _("督导检查员")
    AUDITOR = "auditor", _("审计员")
    ENTERPRISE = "enterprise", _("企业用户")


# Not a membership role: the role a django-guardian grant of `view_subtree` confers.
VIEWER = "viewer"


class Action:
    VIEW = "view"
    ADD = "add"
    CHANGE = "change"
    DELETE = "delete"
    APPROVE = "approve"
    MANAGE_USERS = "manage_users"
    AUDIT = "audit"


DEFAULT_ROLE_ACTIONS: dict[str, frozenset[str]] = {
    Role.ADMIN: frozenset(
        {Action.VIEW, Action.ADD, Action.CHANGE, Action.DELETE, Action.MANAGE_USERS}
    ),
    Role.LEADER: frozenset({Action.VIEW, Action.APPROVE}),
    Role.STAFF: frozenset({Action.VIEW, Action.ADD, Action.CHANGE}),
    Role.SUPERVISOR: frozenset({Action.VIEW, Action.ADD, Action.CHANGE}),
    Role.AUDITOR: frozenset({Action.AUDIT}),
    Role.ENTERPRISE: frozenset({Action.VIEW, Action.ADD, Action.CHANGE}),
    VIEWER: frozenset({Action.VIEW}),
}

# django-guardian permissions on OrgUnit that extend a user's or group's scope to a subtree.
GRANT_PERMISSION_ROLES = {
    "view_subtree": VIEWER,
    "supervise_subtree": Role.SUPERVISOR,
}


class EnterpriseKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("生产经营单位")
    CIVIL_AFFAIRS = "civil_affairs", _("民政服务机构")
    ELDERLY_CARE = "elderly_care", _("养老机构")


# The campaign's key sectors (GLOSSARY.md): (code, name, GB/T 4754 门类/大类, high risk).
KEY_INDUSTRIES = [
    ("hazardous_chemicals", "危险化学品", "C26", True),
    ("mining", "矿山", "B", True),
    ("fireworks", "烟花爆竹", "C2672", True),
    ("metallurgy", "冶金", "C31-C32", True),
    ("aluminium_casting", "铝加工(深井铸造)", "C3252", True),
    ("combustible_dust", "粉尘涉爆", "C", True),
    ("construction", "建筑施工", "E", True),
    ("transport", "交通运输", "G", True),
    ("urban_gas", "城镇燃气", "D45", True),
    ("fire_safety", "消防", "", False),
    ("culture_tourism", "文旅", "R", False),
    ("elderly_care", "养老服务", "Q8514", True),
    ("government_affairs", "机关事务", "S", False),
]
