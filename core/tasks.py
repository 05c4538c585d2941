from celery import shared_task
from django.contrib.sessions.models import Session
from django.utils import timezone

from core import notifications


@shared_task(acks_late=True)
def clear_expired_sessions() -> int:
    """Delete expired browser sessions (idle timeouts leave them behind); idempotent."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=60, max_retries=5)
def deliver_notification(notification_id: int) -> list[str]:
    """Email / webhook delivery of one notification; safe to run twice (see core.notifications)."""
    return notifications.deliver(notification_id)


@shared_task(acks_late=True)
def sweep_undelivered_notifications() -> int:
    """Re-dispatch deliveries that a killed worker left claimed, or that were never queued."""
    pending = notifications.undelivered_ids()
    for notification_id in pending:
        deliver_notification.delay(notification_id)
    return len(pending)
