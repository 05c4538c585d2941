"""Supervision's daily job (beat schedule: migration 0002), safe to run twice or to retry.

- `end_expired_supervision_terms` (00:40): a group whose term ended yesterday or earlier is
  ended — its assignments revoked and with them the members' 督导 scope. A group already ended
  is skipped, so a second run changes nothing.
"""

from __future__ import annotations

from datetime import date

from celery import shared_task
from django.utils import timezone

from inspections.services import end_expired_terms


@shared_task(acks_late=True)
def end_expired_supervision_terms(today: str | None = None) -> int:
    """Returns how many groups were ended."""
    day = date.fromisoformat(today) if today else timezone.localdate()
    return end_expired_terms(day)
