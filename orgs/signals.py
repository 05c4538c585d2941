"""Audit-log receivers for authentication events, filed under the user's org unit."""

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from core.audit import record_event
from core.models import AuditEvent
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
