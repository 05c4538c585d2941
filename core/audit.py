"""The audit log: one function writes it, nothing updates it."""

from core.context import current_request_id
from core.models import AuditEvent
from core.security import client_ip


def record_event(kind, *, actor=None, username="", request=None, org_path="", **detail):
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return AuditEvent.objects.create(
        kind=kind,
        actor=actor,
        username=username or (actor.get_username() if actor else ""),
        ip_address=client_ip(request) if request is not None else None,
        request_id=current_request_id() or "",
        org_path=org_path,
        detail=detail,
    )
