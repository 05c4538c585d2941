"""Receivers: audit records of authentication events (filed under the user's org unit), the
bumps of User.scope_version that keep cached scopes (orgs.scoping) true, and the forgetting
of cached industries (Industry.objects.by_id)."""

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from core.audit import record_event
from core.models import AuditEvent
from orgs.models import (
    INDUSTRIES_CACHE_KEY,
    Enterprise,
    Industry,
    Membership,
    OrgUnit,
    OrgUnitGroupGrant,
    OrgUnitUserGrant,
)
from orgs.scoping import scope_changed
from orgs.services import primary_org_path


@receiver(user_logged_in)
def audit_login(sender, request, user, **kwargs):
    record_event(
        AuditEvent.Kind.LOGIN, actor=user, request=request, org_path=primary_org_path(user)
    )


@receiver(user_logged_out)
def audit_logout(sender, request, user, **kwargs):
    if user is not None:
        record_event(
            AuditEvent.Kind.LOGOUT, actor=user, request=request, org_path=primary_org_path(user)
        )


def _user_named(username):
    if not username:
        return None
    return get_user_model().objects.filter(username=username).first()


@receiver(user_login_failed)
def audit_login_failed(sender, credentials, request=None, **kwargs):
    username = (credentials or {}).get("username", "")
    known = _user_named(username)
    record_event(
        AuditEvent.Kind.LOGIN_FAILED,
        username=username,
        request=getattr(request, "_request", request),
        org_path=primary_org_path(known) if known else "",
    )


@receiver(user_locked_out)
def audit_locked_out(sender, request, username, ip_address, **kwargs):
    known = _user_named(username)
    record_event(
        AuditEvent.Kind.LOCKED_OUT,
        username=username or "",
        request=getattr(request, "_request", request),
        org_path=primary_org_path(known) if known else "",
    )


# --- Scope cache invalidation ------------------------------------------------------------
# Everything orgs.scoping.compile_scope reads, and nothing else: memberships, user and group
# grants, group membership, a department's industries and jurisdiction, an enterprise's
# location, and the tree's paths (moves resync set-wise in orgs.services.move_org_unit, which
# bumps everyone itself).


@receiver([post_save, post_delete], sender=Membership)
def membership_changed(sender, instance, **kwargs):
    scope_changed(user_ids=[instance.user_id])


@receiver([post_save, post_delete], sender=OrgUnitUserGrant)
def user_grant_changed(sender, instance, **kwargs):
    scope_changed(user_ids=[instance.user_id])


@receiver([post_save, post_delete], sender=OrgUnitGroupGrant)
def group_grant_changed(sender, instance, **kwargs):
    scope_changed(users_of_groups=[instance.group_id])


@receiver(m2m_changed, sender=get_user_model().groups.through)
def user_groups_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not action.startswith("post_"):
        return
    if reverse:  # group.user_set changed: instance is the group
        scope_changed(users_of_groups=[instance.pk], user_ids=pk_set)
    else:
        scope_changed(user_ids=[instance.pk])


@receiver(m2m_changed, sender=OrgUnit.industries.through)
def department_industries_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not action.startswith("post_"):
        return
    units = list(pk_set or ()) if reverse else [instance.pk]
    if units:
        scope_changed(users_of_units=units)


@receiver(post_save, sender=OrgUnit)
def org_unit_saved(sender, instance, created, update_fields=None, **kwargs):
    if created or (update_fields is not None and "jurisdiction" not in update_fields):
        return
    scope_changed(users_of_units=[instance.pk])


@receiver(post_save, sender=Enterprise)
def enterprise_saved(sender, instance, created, **kwargs):
    if not created:
        scope_changed(users_of_enterprise=instance)


@receiver([post_save, post_delete], sender=Industry)
def industry_changed(sender, instance, **kwargs):
    cache.delete(INDUSTRIES_CACHE_KEY)
