from functools import cached_property

from core.notifications import unread_count
from orgs.constants import Role
from orgs.models import Membership
from orgs.scoping import scope_for


class Navigation:
    """What the base layout needs about the user, computed only when a template reads it."""

    def __init__(self, request):
        self.request = request
        self.user = request.user

    @cached_property
    def memberships(self):
        return list(
            Membership.objects.filter(user=self.user).select_related("org_unit", "enterprise")
        )

    @cached_property
    def active_membership(self):
        active = getattr(self.user, "active_membership_id", None)
        for membership in self.memberships:
            if membership.pk == active:
                return membership
        return None

    @cached_property
    def roles(self):
        if self.user.is_superuser:
            return set(Role)
        return scope_for(self.user).roles()

    @cached_property
    def unread_notifications(self):
        return unread_count(self.user)

    @property
    def can_manage_users(self):
        return Role.ADMIN in self.roles

    @property
    def can_audit(self):
        return Role.AUDITOR in self.roles or self.user.is_superuser

    @property
    def is_enterprise_user(self):
        return self.roles == {Role.ENTERPRISE}

    @property
    def can_edit_enterprises(self):
        return bool(self.roles & {Role.ADMIN, Role.STAFF})


def navigation(request):
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    return {"nav": Navigation(request)}
