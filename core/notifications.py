"""The shared notification mechanism: every app notifies through `notify`.

A notification always lands in the recipient's in-app inbox. Recipients who chose email or a
group-robot webhook (政务钉钉/企业微信) also get it there, delivered by a Celery task after
the transaction commits. Delivery is claimed with a compare-and-swap update, so a retried or
duplicated task never sends twice; a claim left by a killed worker is picked up again by the
sweeper after CLAIM_TIMEOUT.
"""

import json
import logging
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from core.models import Notification

logger = logging.getLogger(__name__)

CLAIM_TIMEOUT = timedelta(minutes=15)
WEBHOOK_TIMEOUT_SECONDS = 10


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
    """Create one notification per recipient and schedule its outside deliveries.

    With `dedup_key`, each (key, recipient) pair is notified at most once, however often a
    job is retried: the unique key makes the second insert a no-op.
    Returns the notifications created.
    """
    created = []
    for user in recipients:
        key = f"{dedup_key}:{user.pk}" if dedup_key else None
        try:
            with transaction.atomic():
                notification = Notification.objects.create(
                    recipient=user,
                    title=title,
                    body=body,
                    link=link,
                    sender=sender,
                    channel=channel,
                    dedup_key=key,
                )
        except IntegrityError:
            if key is None:
                raise
            continue
        created.append(notification)
        if (user.notify_by_email and user.email) or user.webhook_url:
            transaction.on_commit(lambda pk=notification.pk: _schedule_delivery(pk))
    return created


@dataclass(frozen=True)
class Message:
    """One notification for `notify_many`: its own recipient, text and dedup key."""

    recipient_id: int
    title: str
    dedup_key: str
    body: str = ""
    link: str = ""


def notify_many(messages: Iterable[Message], *, sender=None) -> None:
    """`notify` for jobs that send many different messages at once (deadline reminders).

    One INSERT per thousand messages instead of one savepoint and INSERT per message. Each is
    keyed as `notify` keys it (`<dedup_key>:<recipient id>`), so a message sent before is
    skipped by the unique key. Outside deliveries are scheduled after the commit, as `notify`
    does; scheduling one twice is harmless (`deliver` claims each channel once).
    """
    rows = [
        Notification(
            recipient_id=message.recipient_id,
            title=message.title[:200],
            body=message.body,
            link=message.link[:500],
            sender=sender,
            dedup_key=f"{message.dedup_key}:{message.recipient_id}",
        )
        for message in messages
    ]
    if not rows:
        return
    Notification.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    wants_email = Q(recipient__notify_by_email=True, emailed_at__isnull=True) & ~Q(
        recipient__email=""
    )
    wants_webhook = ~Q(recipient__webhook_url="") & Q(webhooked_at__isnull=True)
    outside = Notification.objects.filter(
        wants_email | wants_webhook, dedup_key__in=[row.dedup_key for row in rows]
    ).values_list("pk", flat=True)
    for notification_id in outside:
        transaction.on_commit(lambda pk=notification_id: _schedule_delivery(pk))


def _schedule_delivery(notification_id):
    from core.tasks import deliver_notification

    deliver_notification.delay(notification_id)


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


def _claim(notification_id, claimed_field, done_field) -> bool:
    """Take the delivery for this worker; False when sent already or claimed by a live one."""
    now = timezone.now()
    free = Q(**{f"{claimed_field}__isnull": True}) | Q(
        **{f"{claimed_field}__lt": now - CLAIM_TIMEOUT}
    )
    return bool(
        Notification.objects.filter(
            free, pk=notification_id, **{f"{done_field}__isnull": True}
        ).update(**{claimed_field: now})
    )


def _release(notification_id, claimed_field, error):
    Notification.objects.filter(pk=notification_id).update(
        **{claimed_field: None}, delivery_error=str(error)[:500]
    )


def deliver(notification_id) -> list[str]:
    """Send a notification's email and webhook, each at most once. Returns what was sent."""
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    user = notification.recipient
    if user is None:
        return []
    text = notification.title + (f"\n{notification.body}" if notification.body else "")
    text += _absolute_link(notification.link)
    sent = []
    if user.notify_by_email and user.email:
        email = (
            f"【安全生产治本攻坚】{notification.title}",
            text,
            settings.DEFAULT_FROM_EMAIL,
            [user.email],
        )
        if _send_once(notification_id, "email", lambda: send_mail(*email)):
            sent.append("email")
    if user.webhook_url and _send_once(
        notification_id, "webhook", lambda: post_webhook(user.webhook_url, text)
    ):
        sent.append("webhook")
    return sent


def _send_once(notification_id, channel, send) -> bool:
    claimed_field = f"{channel}_claimed_at"
    done_field = "emailed_at" if channel == "email" else "webhooked_at"
    if not _claim(notification_id, claimed_field, done_field):
        return False
    try:
        send()
    except Exception as error:
        _release(notification_id, claimed_field, error)
        raise
    Notification.objects.filter(pk=notification_id).update(**{done_field: timezone.now()})
    return True


def post_webhook(url, content):
    """A text message in the format both DingTalk and WeCom group robots accept."""
    payload = json.dumps({"msgtype": "text", "text": {"content": content}}).encode()
    request = urllib.request.Request(
        url, data=payload, headers={"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT_SECONDS) as response:
        if response.status >= 300:
            raise OSError(f"webhook answered HTTP {response.status}")


def _absolute_link(link):
    if not link:
        return ""
    return f"\n{settings.SITE_URL.rstrip('/')}{link}" if link.startswith("/") else f"\n{link}"


def undelivered_ids():
    """Notifications whose chosen outside delivery is still pending (for the sweeper)."""
    stale = timezone.now() - CLAIM_TIMEOUT
    pending_email = (
        Q(recipient__notify_by_email=True, emailed_at__isnull=True)
        & ~Q(recipient__email="")
        & (Q(email_claimed_at__isnull=True) | Q(email_claimed_at__lt=stale))
    )
    pending_webhook = (
        ~Q(recipient__webhook_url="")
        & Q(webhooked_at__isnull=True)
        & (Q(webhook_claimed_at__isnull=True) | Q(webhook_claimed_at__lt=stale))
    )
    return list(
        Notification.objects.filter(recipient__isnull=False)
        .filter(pending_email | pending_webhook)
        .filter(created_at__lt=timezone.now() - timedelta(minutes=1))
        .values_list("pk", flat=True)[:1000]
    )
