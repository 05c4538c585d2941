"""The shared notification mechanism: every app notifies through `notify`."""

from django.db import IntegrityError, transaction

from core.models import Notification


def notify(
    recipients,
    title,
    *,
    body="",
    link="",
    sender=None,
    channel=Notification.Channel.IN_APP,
    dedup_key=None,
):
    """Create one in-app notification per recipient.

    With `dedup_key`, each (key, recipient) pair is notified at most once, however often a
    job is retried: the unique key makes the second insert a no-op.
    Returns the notifications created.
    """
    created = []
    for user in recipients:
        key = f"{dedup_key}:{user.pk}" if dedup_key else None
        try:
            with transaction.atomic():
                created.append(
                    Notification.objects.create(
                        recipient=user,
                        title=title,
                        body=body,
                        link=link,
                        sender=sender,
                        channel=channel,
                        dedup_key=key,
                    )
                )
        except IntegrityError:
            if key is None:
                raise
    return created


def record_external_notice(
    *, recipient_name, recipient_phone, channel, title, body="", sender=None, link=""
):
    """Record that a person outside the app was notified (when, how, by whom)."""
    return Notification.objects.create(
        recipient_name=recipient_name,
        recipient_phone=recipient_phone,
        channel=channel,
        title=title,
        body=body,
        sender=sender,
        link=link,
    )


def unread_count(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
