"""Workflow rules of the governance hierarchy. Views, API, imports and jobs all call these."""

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from core.audit import record_event
from core.exceptions import StaleVersionError
from core.models import AuditEvent
from orgs.constants import GRANT_PERMISSION_ROLES, LEVEL_ORDER, Action, Kind
from orgs.models import Enterprise, Membership, OrgUnit
from orgs.scoping import invalidate_scope, scope_changed, scoped_models
from orgs.validators import normalise_credit_code

COORDINATE_STEP = Decimal("0.000001")


def _nearest_region(unit):
    if unit.kind == Kind.REGION:
        return unit
    return OrgUnit.objects.ancestors_of(unit).filter(kind=Kind.REGION).order_by("-depth").first()


@transaction.atomic
def create_org_unit(*, parent=None, industries=(), **fields) -> OrgUnit:
    """Add a node under `parent` (a root when None), validated before anything is written."""
    for coordinate in ("longitude", "latitude"):
        if fields.get(coordinate) not in (None, ""):
            fields[coordinate] = Decimal(str(fields[coordinate])).quantize(COORDINATE_STEP)
    unit = OrgUnit(**fields)
    unit._pending_parent = parent
    if parent is not None and unit.kind == Kind.DEPARTMENT and not unit.level:
        unit.level = parent.level
    unit.full_clean(exclude=["path", "depth", "numchild", "jurisdiction"])
    if parent is None:
        unit = OrgUnit.objects.add_root(instance=unit)
    else:
        unit = OrgUnit.objects.add_child(parent, instance=unit)
    unit.parent = parent
    unit.refresh_level_ids(parent=parent)
    if unit.kind == Kind.DEPARTMENT:
        home = _nearest_region(parent)
        if unit.jurisdiction_id is None:
            unit.jurisdiction = home
        elif unit.jurisdiction.kind != Kind.REGION or not unit.jurisdiction.path.startswith(
            home.path
        ):
            raise ValidationError(
                {"jurisdiction": _("部门的属地范围必须是其所属行政区域或其下级区域。")}
            )
    unit.save()
    if industries:
        unit.industries.set(industries)
    return unit


@transaction.atomic
def move_org_unit(unit, new_parent) -> OrgUnit:
    """Move a subtree and resync every copy of its location, set-wise."""
    if new_parent.path.startswith(unit.path):
        raise ValidationError(_("不能把机构移动到其自身或下级之下。"))
    old_path = unit.path
    OrgUnit.objects.move(
        unit, new_parent, "sorted-child" if OrgUnit.node_order_by else "last-child"
    )
    unit.refresh_from_db()
    unit.parent = new_parent
    unit.refresh_level_ids(parent=new_parent)
    unit.save(update_fields=["parent", "province", "city", "county", "township"])
    # The moved subtree inherits the ids of the levels above the moved node, one UPDATE.
    inherited = [
        level
        for level in LEVEL_ORDER
        if unit.kind == Kind.DEPARTMENT or LEVEL_ORDER.index(level) < LEVEL_ORDER.index(unit.level)
    ]
    OrgUnit.objects.filter(path__startswith=unit.path).exclude(pk=unit.pk).update(
        **{f"{level}_id": getattr(unit, f"{level}_id") for level in inherited}
    )
    resync_locations(old_path)
    # Grants hold paths: any user's cached scope may name the old ones.
    scope_changed(everyone=True)
    return unit


def resync_locations(path_prefix: str) -> None:
    """Re-copy org_path and level ids onto scoped rows, one UPDATE per model."""
    units = OrgUnit.objects.filter(pk=OuterRef("org_unit_id"))
    for model in scoped_models():
        model.objects.filter(org_path__startswith=path_prefix).update(
            org_path=Subquery(units.values("path")[:1]),
            province_id=Subquery(units.values("province_id")[:1]),
            city_id=Subquery(units.values("city_id")[:1]),
            county_id=Subquery(units.values("county_id")[:1]),
            township_id=Subquery(units.values("township_id")[:1]),
        )


ENTERPRISE_FIELDS = [
    "name",
    "credit_code",
    "kind",
    "industry",
    "org_unit",
    "high_risk",
    "address",
    "principal_name",
    "principal_phone",
    "controller_name",
    "controller_phone",
    "is_active",
]


def build_enterprise(data, instance=None) -> Enterprise:
    """Validate an enterprise without saving it; raises ValidationError with field messages."""
    enterprise = instance or Enterprise()
    for name in ENTERPRISE_FIELDS:
        if name in data:
            setattr(enterprise, name, data[name])
    enterprise.credit_code = normalise_credit_code(enterprise.credit_code)
    if instance is None and "high_risk" not in data and enterprise.industry_id:
        enterprise.high_risk = enterprise.industry.high_risk
    enterprise.full_clean()
    return enterprise


@transaction.atomic
def save_enterprise(data, *, user, instance=None, expected_version=None) -> Enterprise:
    """Create or update an enterprise, re-checking scope inside the transaction."""
    if instance is not None:
        locked = (
            Enterprise.objects.restrict(user, Action.CHANGE)
            .select_for_update()
            .filter(pk=instance.pk)
            .first()
        )
        if locked is None:
            raise ValidationError(_("无权修改该单位。"))
        if expected_version is not None and locked.version != expected_version:
            raise StaleVersionError(_("该单位已被他人修改，请刷新后重新编辑。"))
        instance = locked
    enterprise = build_enterprise(data, instance=instance)
    allowed_units = OrgUnit.objects.restrict(user, Action.VIEW)
    if not allowed_units.filter(pk=enterprise.org_unit_id).exists():
        raise ValidationError({"org_unit": _("属地不在您的管辖范围内。")})
    if instance is not None:
        enterprise.version = instance.version + 1
    enterprise._history_user = user
    enterprise.save()
    if not Enterprise.objects.restrict(user, Action.VIEW).filter(pk=enterprise.pk).exists():
        raise ValidationError(_("保存后的单位不在您的管辖范围内（属地或行业不符）。"))
    return enterprise


def _check_may_manage(actor, org_unit):
    """Re-checked inside the transaction: an admin grants and revokes roles only in scope.

    `actor` None means the system itself (seed_demo, management commands).
    """
    if actor is None:
        return
    allowed = OrgUnit.objects.restrict(actor, Action.MANAGE_USERS).filter(pk=org_unit.pk)
    if not allowed.exists():
        raise ValidationError({"org_unit": _("您无权管理该机构的用户和角色。")})


@transaction.atomic
def create_user(
    *,
    username,
    password,
    full_name,
    org_unit,
    role,
    phone="",
    email="",
    enterprise=None,
    created_by,
    request=None,
):
    """A new account with its first role, or neither: a user without a role could do nothing."""
    _check_may_manage(created_by, org_unit)
    user = get_user_model()(username=username, full_name=full_name, phone=phone, email=email)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    record_event(
        AuditEvent.Kind.USER_CREATED,
        actor=created_by,
        request=request,
        org_path=org_unit.path,
        user=user.username,
    )
    add_membership(
        user=user,
        org_unit=org_unit,
        role=role,
        enterprise=enterprise,
        granted_by=created_by,
        request=request,
    )
    return user


@transaction.atomic
def add_membership(*, user, org_unit, role, enterprise=None, granted_by, request=None):
    _check_may_manage(granted_by, org_unit)
    membership = Membership(
        user=user, org_unit=org_unit, role=role, enterprise=enterprise, created_by=granted_by
    )
    membership.full_clean()
    membership._history_user = granted_by
    membership.save()
    record_event(
        AuditEvent.Kind.MEMBERSHIP_ADDED,
        actor=granted_by,
        request=request,
        org_path=membership.org_unit.path,
        user=user.username,
        org_unit=membership.org_unit.name,
        role=role,
        enterprise=enterprise.name if enterprise else "",
    )
    invalidate_scope(user)
    return membership


@transaction.atomic
def remove_membership(membership, *, removed_by, request=None):
    _check_may_manage(removed_by, membership.org_unit)
    record_event(
        AuditEvent.Kind.MEMBERSHIP_REMOVED,
        actor=removed_by,
        request=request,
        org_path=membership.org_unit.path,
        user=membership.user.username,
        org_unit=membership.org_unit.name,
        role=membership.role,
    )
    membership._history_user = removed_by
    membership.delete()
    invalidate_scope(membership.user)


def _grant_target_label(target):
    return getattr(target, "username", None) or getattr(target, "name", str(target))


@transaction.atomic
def grant_subtree(target, org_unit, *, permission="view_subtree", granted_by, request=None):
    """Give a user or a group scope over `org_unit`'s subtree (django-guardian, direct FK)."""
    if permission not in GRANT_PERMISSION_ROLES:
        raise ValidationError(_("未知的授权类型：%(p)s") % {"p": permission})
    assign_perm(f"orgs.{permission}", target, org_unit)
    record_event(
        AuditEvent.Kind.GRANT_ADDED,
        actor=granted_by,
        request=request,
        org_path=org_unit.path,
        target=_grant_target_label(target),
        org_unit=org_unit.name,
        permission=permission,
    )
    invalidate_scope(target)


@transaction.atomic
def revoke_subtree(target, org_unit, *, permission="view_subtree", revoked_by, request=None):
    remove_perm(f"orgs.{permission}", target, org_unit)
    record_event(
        AuditEvent.Kind.GRANT_REMOVED,
        actor=revoked_by,
        request=request,
        org_path=org_unit.path,
        target=_grant_target_label(target),
        org_unit=org_unit.name,
        permission=permission,
    )
    invalidate_scope(target)


def primary_org_path(user) -> str:
    """The path of the user's highest membership, for filing their audit events."""
    membership = (
        Membership.objects.filter(user=user)
        .select_related("org_unit")
        .order_by("org_unit__depth")
        .first()
    )
    return membership.org_unit.path if membership else ""
