"""The one tenancy mechanism: `Model.objects.restrict(user, action)`.

A user's grants — memberships (territorial or sectoral), explicit django-guardian grants on
an OrgUnit, an enterprise binding — compile once into a `Scope`, and the scope turns into one
`Q` per model and action. No grant gives `none()`: forgetting a grant can hide data, never
leak it.

Each scoped model says where its rows are through three class attributes:
- `scope_path_field`: the materialised path of the row's location (a prefix match = subtree);
- `scope_industry_field`: the row's industry, for the sectoral rule (管行业必须管安全);
- `scope_enterprise_field`: the row's enterprise, for enterprise users.
Models may override `scope_role_actions` (role → actions) and the clause hooks.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import models
from django.db.models import F, Q

from orgs.constants import DEFAULT_ROLE_ACTIONS, GRANT_PERMISSION_ROLES, Kind, Role


@dataclass(frozen=True)
class Grant:
    """One source of scope: a role over a subtree, a sectoral area, or one enterprise."""

    role: str
    subtree_path: str | None = None
    sectoral_path: str | None = None
    industry_ids: frozenset[int] = frozenset()
    enterprise_id: int | None = None
    enterprise_org_unit_id: int | None = None
    membership_id: int | None = None


@dataclass
class Scope:
    grants: list[Grant] = field(default_factory=list)
    is_superuser: bool = False

    def roles(self) -> set[str]:
        return {g.role for g in self.grants}

    def q_for(self, model, action: str) -> Q | None:
        """The filter selecting `model` rows this scope allows for `action`; None = nothing."""
        role_actions = getattr(model, "scope_role_actions", None) or DEFAULT_ROLE_ACTIONS
        clauses: list[Q] = []
        for grant in self.grants:
            if action not in role_actions.get(grant.role, ()):
                continue
            clause = model.scope_clause(grant, action)
            if clause is not None:
                clauses.append(clause)
        if not clauses:
            return None
        combined = clauses[0]
        for clause in clauses[1:]:
            combined |= clause
        return combined


class ScopedModelMixin:
    """Clause hooks shared by OrgUnit and every row located in the tree."""

    scope_path_field = "org_path"
    scope_industry_field: str | None = "industry_id"
    scope_enterprise_field: str | None = "enterprise_id"
    scope_role_actions: dict[str, frozenset[str]] | None = None

    @classmethod
    def scope_clause(cls, grant: Grant, action: str) -> Q | None:
        if grant.enterprise_id is not None:
            return cls.scope_enterprise_clause(grant)
        clause = None
        if grant.subtree_path:
            clause = Q(**{f"{cls.scope_path_field}__startswith": grant.subtree_path})
        if grant.sectoral_path and grant.industry_ids:
            sectoral = cls.scope_sectoral_clause(grant)
            if sectoral is not None:
                clause = sectoral if clause is None else clause | sectoral
        return clause

    @classmethod
    def scope_sectoral_clause(cls, grant: Grant) -> Q | None:
        if not cls.scope_industry_field:
            return None
        return Q(
            **{
                f"{cls.scope_path_field}__startswith": grant.sectoral_path,
                f"{cls.scope_industry_field}__in": sorted(grant.industry_ids),
            }
        )

    @classmethod
    def scope_enterprise_clause(cls, grant: Grant) -> Q | None:
        if not cls.scope_enterprise_field:
            return None
        return Q(**{cls.scope_enterprise_field: grant.enterprise_id})


class RestrictedQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view"):
        """Rows of this queryset that `user` may `action`; default-deny."""
        if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self
        q = scope_for(user).q_for(self.model, action)
        if q is None:
            return self.none()
        return self.filter(q)


# Long enough to spare nearly every request the compile, short enough that entries of users
# who left do not linger; correctness never depends on it (the key carries scope_version).
SCOPE_CACHE_SECONDS = 600


def scope_cache_key(user, active_membership_id) -> str:
    return f"scope:{user.pk}:{user.scope_version}:{active_membership_id or '-'}"


def scope_for(user) -> Scope:
    """The user's compiled scope.

    Kept on the user object for the request, and in the cache between requests under a key
    that holds the user's scope_version — read with the user row on every request and bumped
    by the receivers below whenever a membership, grant, group, department industry or the
    tree changes — so a change takes effect on the next request, whichever process serves it.
    """
    active = getattr(user, "active_membership_id", None)
    cached = getattr(user, "_scope_cache", None)
    if cached is not None and cached[0] == active:
        return cached[1]
    if user.is_superuser:
        scope = Scope(is_superuser=True)
    else:
        key = scope_cache_key(user, active)
        scope = cache.get(key)
        if scope is None:
            scope = compile_scope(user, active_membership_id=active)
            cache.set(key, scope, SCOPE_CACHE_SECONDS)
    user._scope_cache = (active, scope)
    return scope


def invalidate_scope(user) -> None:
    """Forget `user`'s compiled scope after a change made in this request.

    The receivers have already bumped the stored scope_version; the in-memory user object
    catches up so that its next scope_for compiles afresh. Groups have no scope of their own.
    """
    if hasattr(user, "_scope_cache"):
        del user._scope_cache
    if hasattr(user, "scope_version") and user.pk is not None:
        user.refresh_from_db(fields=["scope_version"])


def scope_changed(
    *,
    user_ids=None,
    users_of_units=None,
    users_of_groups=None,
    users_of_enterprise=None,
    everyone=False,
) -> None:
    """Bump scope_version of every user whose scope may have changed (one UPDATE)."""
    from django.contrib.auth import get_user_model

    from orgs.models import Membership

    users = get_user_model().objects.all()
    if not everyone:
        condition = Q(pk__in=[])
        if user_ids:
            condition |= Q(pk__in=list(user_ids))
        if users_of_units:
            condition |= Q(
                pk__in=Membership.objects.filter(org_unit__in=users_of_units).values("user_id")
            )
        if users_of_groups:
            condition |= Q(groups__in=list(users_of_groups))
        if users_of_enterprise:
            condition |= Q(
                pk__in=Membership.objects.filter(enterprise=users_of_enterprise).values("user_id")
            )
        users = users.filter(pk__in=users.filter(condition).values("pk"))
    users.update(scope_version=F("scope_version") + 1)


def compile_scope(user, active_membership_id: int | None = None) -> Scope:
    """Read the user's memberships and guardian grants: a fixed number of queries."""
    from orgs.models import Membership, OrgUnitGroupGrant, OrgUnitUserGrant

    if user.is_superuser:
        return Scope(is_superuser=True)
    memberships = (
        Membership.objects.filter(user=user)
        .select_related("org_unit", "org_unit__jurisdiction", "enterprise")
        .prefetch_related("org_unit__industries")
    )
    if active_membership_id is not None:
        memberships = memberships.filter(pk=active_membership_id)
    grants = [membership_grant(m) for m in memberships]

    user_grants = OrgUnitUserGrant.objects.filter(
        user=user, permission__codename__in=list(GRANT_PERMISSION_ROLES)
    ).values_list("permission__codename", "content_object__path")
    group_grants = OrgUnitGroupGrant.objects.filter(
        group__user=user, permission__codename__in=list(GRANT_PERMISSION_ROLES)
    ).values_list("permission__codename", "content_object__path")
    for codename, path in [*user_grants, *group_grants]:
        grants.append(Grant(role=GRANT_PERMISSION_ROLES[codename], subtree_path=path))
    return Scope(grants=grants)


def membership_grant(membership) -> Grant:
    unit = membership.org_unit
    if membership.role == Role.ENTERPRISE:
        return Grant(
            role=membership.role,
            enterprise_id=membership.enterprise_id,
            enterprise_org_unit_id=membership.enterprise.org_unit_id
            if membership.enterprise_id
            else None,
            membership_id=membership.pk,
        )
    if unit.kind == Kind.DEPARTMENT:
        jurisdiction = unit.jurisdiction
        return Grant(
            role=membership.role,
            subtree_path=unit.path,
            sectoral_path=jurisdiction.path if jurisdiction else None,
            industry_ids=frozenset(i.pk for i in unit.industries.all()),
            membership_id=membership.pk,
        )
    return Grant(role=membership.role, subtree_path=unit.path, membership_id=membership.pk)


def scoped_models():
    """Every installed model that `restrict` scopes (used by the tree-change resync)."""
    from django.apps import apps

    from orgs.models import ScopedModel

    return [m for m in apps.get_models() if issubclass(m, ScopedModel)]


def audit_q(user, path_field: str = "org_path") -> Q | None:
    """Filter for audit records (AuditEvent, historical rows) the user may read as auditor.

    Audit records carry the path of the org unit they concern; an auditor reads those of their
    subtree. None means nothing; superusers read everything.
    """
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if user.is_superuser:
        return Q()
    clauses = [
        Q(**{f"{path_field}__startswith": grant.subtree_path})
        for grant in scope_for(user).grants
        if "audit" in DEFAULT_ROLE_ACTIONS.get(grant.role, ()) and grant.subtree_path
    ]
    if not clauses:
        return None
    combined = clauses[0]
    for clause in clauses[1:]:
        combined |= clause
    return combined
