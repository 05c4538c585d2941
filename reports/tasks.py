"""Rollup builds (beat schedule: migration 0002): nightly, at quarter close, on demand.

Each build writes a new generation and swaps it in, so a task retried or run twice gives the
same rows, and one that dies midway leaves the previous generation in place.
"""

from __future__ import annotations

from datetime import date, timedelta

from celery import shared_task
from django.utils import timezone
from django.utils.translation import gettext as _

from reports import rollups
from reports.bulletin_pdf import build_bulletin_pdf  # noqa: F401 - the worker registers it
from reports.models import Job, RollupGeneration
from reports.services import JobProgress, finish_job


def _day(today: str | None) -> date:
    return date.fromisoformat(today) if today else timezone.localdate()


@shared_task(acks_late=True)
def rebuild_rollups_nightly(today: str | None = None) -> dict:
    """The open periods as of today; closed ones carried over from the current generation."""
    generation = rollups.build(kind=RollupGeneration.Kind.NIGHTLY, as_of=_day(today))
    return {"generation": generation.pk, "rows": generation.row_count}


@shared_task(acks_late=True)
def close_quarter(today: str | None = None) -> dict:
    """On a quarter's first day: everything recomputed as of the closed quarter's last day,
    which freezes that quarter's figures for the nightly builds that follow."""
    generation = rollups.build(
        kind=RollupGeneration.Kind.QUARTER_CLOSE, as_of=_day(today) - timedelta(days=1)
    )
    return {"generation": generation.pk, "rows": generation.row_count}


@shared_task(acks_late=True)
def rebuild_rollups_job(job_id: int) -> None:
    """An on-demand rebuild reporting progress on its Job; a second delivery is a no-op."""
    claimed = Job.objects.filter(pk=job_id, status=Job.Status.PENDING).update(
        status=Job.Status.RUNNING, started_at=timezone.now(), progress=1
    )
    if not claimed:
        return
    progress = JobProgress(job_id)
    try:
        generation = rollups.build(
            kind=RollupGeneration.Kind.ON_DEMAND, job_id=job_id, progress=progress
        )
    except Exception as error:
        finish_job(job_id, error=_("汇总失败：%(error)s") % {"error": error})
        raise
    finally:
        progress.close()
    finish_job(
        job_id,
        result={
            "generation": generation.pk,
            "rows": generation.row_count,
            "as_of": generation.as_of.isoformat(),
        },
    )
