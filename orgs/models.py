"""The governance hierarchy: org units, industries, enterprises, memberships and grants."""

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from core.models import RequestIdHistoricalModel
from orgs.constants import Action, EnterpriseKind, Kind, Level, Role
from orgs.scoping import Grant, RestrictedQuerySet, ScopedModelMixin
from orgs.validators import validate_credit_code, validate_division_code, validate_phone


def history(**kwargs):
    """simple-history for a domain model, each row carrying the request id."""
    return HistoricalRecords(bases=[RequestIdHistoricalModel], **kwargs)


INDUSTRIES_CACHE_KEY = "orgs:industries"
# Forgotten on every change (orgs.signals); the timeout bounds what a per-process cache in
# another worker may still hold, which at worst filters by an industry deleted meanwhile.
INDUSTRIES_CACHE_SECONDS = 600


class IndustryManager(models.Manager):
    def by_id(self) -> dict[int, "Industry"]:
        """Every industry by id, from the cache: a few dozen reference rows that every
        filtered list checks its `industry=` against. orgs.signals forgets them on a change."""
        industries = cache.get(INDUSTRIES_CACHE_KEY)
        if industries is None:
            industries = self.in_bulk()
            cache.set(INDUSTRIES_CACHE_KEY, industries, INDUSTRIES_CACHE_SECONDS)
        return industries


class Industry(models.Model):
    """行业领域: a GB/T 4754 category or one of the campaign's key sectors."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=50, unique=True)
    gbt4754 = models.CharField(_("国民经济行业分类"), max_length=20, blank=True)
    high_risk = models.BooleanField(_("高危行业"), default=False)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    history = history()

    objects = IndustryManager()

    class Meta:
        verbose_name = _("行业领域")
        verbose_name_plural = _("行业领域")
        ordering = ["sort_order", "id"]

    def __str__(self):
        return self.name


class OrgUnitQuerySet(RestrictedQuerySet, MP_NodeQuerySet):
    pass


class OrgUnitManager(MP_NodeManager):
    def get_queryset(self):
        return OrgUnitQuerySet(self.model, using=self._db).order_by("path")

    def restrict(self, user, action=Action.VIEW):
        return self.get_queryset().restrict(user, action)

    def subtree(self, node, include_self=True):
        """The node's subtree: one prefix query on the path index."""
        qs = self.get_queryset().filter(path__startswith=node.path)
        return qs if include_self else qs.exclude(pk=node.pk)

    def ancestors_of(self, node, include_self=False):
        """The node's ancestors, root first: one query on paths computed from its own path."""
        steplen = self.model.steplen
        paths = [node.path[: steplen * d] for d in range(1, node.depth)]
        if include_self:
            paths.append(node.path)
        return self.get_queryset().filter(path__in=paths)


class OrgUnit(ScopedModelMixin, MP_Node):
    """组织机构: a region (省/市/县/乡镇) or a government department hanging under one.

    Stored as a materialised path (django-treebeard): a subtree is one indexed prefix query.
    The ids of its province/city/county/township are copied onto the node (and onto every
    scoped row located at it) so that reports group by level without walking the tree.
    """

    name = models.CharField(_("名称"), max_length=100)
    short_name = models.CharField(_("简称"), max_length=50, blank=True)
    division_code = models.CharField(
        _("行政区划代码"),
        max_length=9,
        blank=True,
        db_index=True,
        help_text=_("GB/T 2260：省、市、县6位，乡镇(街道)9位；部门可不填。"),
    )
    # Mirrors the tree's own parent link so that `?parent=` and joins need no path arithmetic;
    # set by orgs.services when a node is created or moved.
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级机构"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="children_units",
    )
    level = models.CharField(_("层级"), max_length=10, choices=Level.choices)
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices, default=Kind.REGION)
    industries = models.ManyToManyField(
        Industry, verbose_name=_("主管行业"), blank=True, related_name="departments"
    )
    jurisdiction = models.ForeignKey(
        "self",
        verbose_name=_("属地范围"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("部门按行业监管的区域，默认为其所属的行政区域。"),
    )
    longitude = models.DecimalField(
        _("经度"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    province = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    city = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    county = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    township = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    is_active = models.BooleanField(_("启用"), default=True)

    objects = OrgUnitManager()
    history = history(excluded_fields=["numchild"])

    scope_path_field = "path"
    scope_industry_field = None
    scope_enterprise_field = None
    # Only admins change the tree; everyone with a role reads their part of it.
    scope_role_actions = {
        Role.ADMIN: frozenset(
            {Action.VIEW, Action.ADD, Action.CHANGE, Action.DELETE, Action.MANAGE_USERS}
        ),
        Role.LEADER: frozenset({Action.VIEW}),
        Role.STAFF: frozenset({Action.VIEW}),
        Role.SUPERVISOR: frozenset({Action.VIEW}),
        Role.ENTERPRISE: frozenset({Action.VIEW}),
        Role.AUDITOR: frozenset({Action.VIEW, Action.AUDIT}),
        "viewer": frozenset({Action.VIEW}),
    }

    # Subtree queries are `path LIKE 'prefix%'`: on PostgreSQL the unique `path` column gets
    # Django's extra varchar_pattern_ops index (…_like), which serves them whatever the collation.
    class Meta:
        verbose_name = _("组织机构")
        verbose_name_plural = _("组织机构")
        permissions = [
            ("view_subtree", _("查看该机构及下级的数据")),
            ("supervise_subtree", _("督导检查该机构及下级")),
        ]
        indexes = [
            models.Index(fields=["level", "kind"], name="orgs_orgunit_level_kind"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["division_code"],
                condition=Q(kind="region") & ~Q(division_code=""),
                name="orgs_orgunit_unique_region_division_code",
                violation_error_message=_("该行政区划代码已存在。"),
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("orgs:orgunit_detail", args=[self.pk])

    @property
    def is_department(self):
        return self.kind == Kind.DEPARTMENT

    def clean(self):
        parent = self.parent if self.path else getattr(self, "_pending_parent", None)
        if self.kind == Kind.REGION:
            if parent is not None and parent.kind == Kind.DEPARTMENT:
                raise ValidationError(_("行政区域不能隶属于部门。"))
            parent_code = parent.division_code if parent is not None else None
            validate_division_code(self.division_code, self.level, parent_code)
        else:
            if parent is None:
                raise ValidationError(_("部门必须隶属于一个行政区域或上级部门。"))
            if self.division_code:
                raise ValidationError({"division_code": _("部门不填行政区划代码。")})
        if parent is not None and self.kind == Kind.REGION:
            expected = _next_level(parent.level)
            # 省直辖县级行政区划 (e.g. 湖北 仙桃市) and the districts of the 直辖市 are counties
            # directly under a province.
            county_under_province = parent.level == Level.PROVINCE and self.level == Level.COUNTY
            if parent.kind == Kind.REGION and self.level != expected and not county_under_province:
                raise ValidationError(
                    {"level": _("下级行政区域的层级应为“%(level)s”。") % {"level": expected.label}}
                )

    def refresh_level_ids(self, parent=None):
        """Copy the ids of the province/city/county/township this node lies in."""
        parent = parent if parent is not None else self.parent
        for level in (Level.PROVINCE, Level.CITY, Level.COUNTY, Level.TOWNSHIP):
            inherited = getattr(parent, f"{level}_id") if parent is not None else None
            setattr(self, f"{level}_id", inherited)
        if self.kind == Kind.REGION and self.pk:
            setattr(self, f"{self.level}_id", self.pk)

    @classmethod
    def scope_sectoral_clause(cls, grant: Grant):
        # A department reads the region nodes it governs by industry, so that it can place
        # enterprises and hazards there; other departments stay hidden.
        return Q(path__startswith=grant.sectoral_path, kind=Kind.REGION)

    @classmethod
    def scope_enterprise_clause(cls, grant: Grant):
        if grant.enterprise_org_unit_id is None:
            return None
        return Q(pk=grant.enterprise_org_unit_id)


def _next_level(level):
    order = [Level.PROVINCE, Level.CITY, Level.COUNTY, Level.TOWNSHIP]
    index = order.index(level)
    return order[min(index + 1, len(order) - 1)]


class ScopedQuerySet(RestrictedQuerySet):
    def within(self, org_unit):
        return self.filter(org_path__startswith=org_unit.path)


ScopedManager = models.Manager.from_queryset(ScopedQuerySet)


class ScopedModel(ScopedModelMixin, models.Model):
    """Base of every row located in the org tree (ledger entries, enterprises, inspections…).

    Carries a copy of its location — path and the ids of its province, city, county and
    township — kept in sync on save and by `orgs.services.resync_locations` when the tree
    changes, so a subtree filter is one prefix match on the row itself. `province` is the
    future Citus distribution column.
    """

    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("所属机构"), on_delete=models.PROTECT, related_name="+"
    )
    org_path = models.CharField(max_length=255, editable=False)
    province = models.ForeignKey(
        OrgUnit, null=True, blank=True, editable=False, on_delete=models.PROTECT, related_name="+"
    )
    city = models.ForeignKey(
        OrgUnit, null=True, blank=True, editable=False, on_delete=models.PROTECT, related_name="+"
    )
    county = models.ForeignKey(
        OrgUnit, null=True, blank=True, editable=False, on_delete=models.PROTECT, related_name="+"
    )
    township = models.ForeignKey(
        OrgUnit, null=True, blank=True, editable=False, on_delete=models.PROTECT, related_name="+"
    )

    objects = ScopedManager()

    class Meta:
        abstract = True
        indexes = [
            models.Index(
                fields=["org_path"],
                name="%(app_label)s_%(class)s_op",
                opclasses=["varchar_pattern_ops"],
            )
        ]

    def save(self, *args, **kwargs):
        self.copy_location()
        super().save(*args, **kwargs)

    def copy_location(self):
        unit = self.org_unit
        self.org_path = unit.path
        self.province_id = unit.province_id
        self.city_id = unit.city_id
        self.county_id = unit.county_id
        self.township_id = unit.township_id


class Enterprise(ScopedModel):
    """生产经营单位 (also 民政服务机构, 养老机构): a regulated unit located in a township."""

    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("属地"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("单位名称"), max_length=200)
    credit_code = models.CharField(
        _("统一社会信用代码"), max_length=18, unique=True, validators=[validate_credit_code]
    )
    kind = models.CharField(
        _("单位类别"),
        max_length=20,
        choices=EnterpriseKind.choices,
        default=EnterpriseKind.ENTERPRISE,
    )
    industry = models.ForeignKey(
        Industry, verbose_name=_("行业领域"), on_delete=models.PROTECT, related_name="enterprises"
    )
    high_risk = models.BooleanField(_("高危"), default=False)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    principal_name = models.CharField(_("主要负责人"), max_length=50)
    principal_phone = models.CharField(
        _("主要负责人电话"), max_length=20, validators=[validate_phone]
    )
    controller_name = models.CharField(_("实际控制人"), max_length=50, blank=True)
    controller_phone = models.CharField(
        _("实际控制人电话"), max_length=20, blank=True, validators=[validate_phone]
    )
    is_active = models.BooleanField(_("在营"), default=True)
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = history()

    scope_enterprise_field = "id"
    # Enterprise users read their own unit; the register itself is kept by officials.
    scope_role_actions = {
        Role.ADMIN: frozenset({Action.VIEW, Action.ADD, Action.CHANGE, Action.DELETE}),
        Role.LEADER: frozenset({Action.VIEW, Action.APPROVE}),
        Role.STAFF: frozenset({Action.VIEW, Action.ADD, Action.CHANGE}),
        Role.SUPERVISOR: frozenset({Action.VIEW}),
        Role.ENTERPRISE: frozenset({Action.VIEW}),
        "viewer": frozenset({Action.VIEW}),
    }

    class Meta(ScopedModel.Meta):
        verbose_name = _("生产经营单位")
        verbose_name_plural = _("生产经营单位")
        ordering = ["org_path", "name", "id"]
        indexes = [
            *ScopedModel.Meta.indexes,
            models.Index(fields=["industry", "org_path"], name="orgs_ent_industry_path"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("orgs:enterprise_detail", args=[self.pk])

    def clean(self):
        if self.credit_code:
            self.credit_code = self.credit_code.strip().upper()
        if self.org_unit_id and self.org_unit.kind != Kind.REGION:
            raise ValidationError({"org_unit": _("属地必须是行政区域（乡镇、街道或县区）。")})


class Membership(models.Model):
    """A user's role at an org unit: the source of their scope.

    At a region node the role covers the node's subtree; at a department node it covers the
    department's subtree plus, sectorally, everything in its jurisdiction whose industry the
    department governs. An `enterprise` membership binds the user to one enterprise.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("机构"), on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("角色"), max_length=16, choices=Role.choices)
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("企业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    created_at = models.DateTimeField(_("授予时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("授予人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    history = history()

    class Meta:
        verbose_name = _("角色授权")
        verbose_name_plural = _("角色授权")
        ordering = ["org_unit__path", "role", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "org_unit", "role"],
                name="orgs_membership_unique",
                violation_error_message=_("该用户在该机构已有此角色。"),
            ),
            models.CheckConstraint(
                condition=(Q(role="enterprise") & Q(enterprise__isnull=False))
                | (~Q(role="enterprise") & Q(enterprise__isnull=True)),
                name="orgs_membership_enterprise_iff_role",
            ),
        ]

    def __str__(self):
        return f"{self.org_unit} · {self.get_role_display()}"

    def clean(self):
        if self.role == Role.ENTERPRISE:
            if not self.enterprise_id:
                raise ValidationError({"enterprise": _("企业用户必须绑定一个企业。")})
            self.org_unit_id = self.enterprise.org_unit_id
        elif self.enterprise_id:
            raise ValidationError({"enterprise": _("只有企业用户角色才绑定企业。")})


class OrgUnitUserGrant(UserObjectPermissionBase):
    """An explicit grant (django-guardian, direct foreign key) of a subtree to one user."""

    content_object = models.ForeignKey(OrgUnit, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("用户管辖授权")
        verbose_name_plural = _("用户管辖授权")


class OrgUnitGroupGrant(GroupObjectPermissionBase):
    """An explicit grant of a subtree to a group (e.g. a supervision group's members)."""

    content_object = models.ForeignKey(OrgUnit, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = _("用户组管辖授权")
        verbose_name_plural = _("用户组管辖授权")
