"""Figures of citizens' reports for an org unit and a period, per child region, in SQL.

Over the reports received in the period [start, end] (start open-ended when omitted, end
today by default) located in the unit's subtree: received; verified (查实) and unfounded
(不实) by now; still open; rewarded (a reward decided) and the reward total, decided and
paid, in yuan. One grouped query by child region (the same level-id columns as the ledger's
statistics) and one to name the regions; reports located at the unit itself (a county's own
department, say) form the row "<unit>本级".
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone

from core.dates import start_of_day
from hazards.models import PublicReport
from hazards.report_services import OPEN_STATUSES
from hazards.stats import child_region
from orgs.constants import Kind
from orgs.models import OrgUnit

Status = PublicReport.Status
COUNTS = ("received", "verified", "unfounded", "open", "rewarded")
SUMS = ("reward_total", "reward_paid")


def _figures() -> dict:
    rewarded = Q(reward_decided_on__isnull=False)
    return {
        "received": Count("pk"),
        "verified": Count("pk", filter=Q(status=Status.VERIFIED)),
        "unfounded": Count("pk", filter=Q(status=Status.UNFOUNDED)),
        "open": Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        "rewarded": Count("pk", filter=rewarded),
        "reward_total": Sum("reward_amount", filter=rewarded),
        "reward_paid": Sum("reward_amount", filter=rewarded & Q(reward_paid_on__isnull=False)),
    }


def _zero() -> dict:
    return {**dict.fromkeys(COUNTS, 0), **dict.fromkeys(SUMS, Decimal("0.00"))}


def _add(total: dict, row: dict) -> None:
    for name in COUNTS:
        total[name] += row[name]
    for name in SUMS:
        total[name] += row[name] or Decimal("0.00")


def report_stats(
    queryset, *, unit: OrgUnit | None, period_start: date | None = None, period_end=None
) -> dict:
    """`queryset`: the caller's restricted PublicReport queryset. `unit` None: everything,
    by province. Returns {"unit", "period_start", "period_end", "totals", "by_region"}."""
    end = period_end or timezone.localdate()
    reports = queryset.filter(created_at__lt=start_of_day(end + timedelta(days=1)))
    if period_start is not None:
        reports = reports.filter(created_at__gte=start_of_day(period_start))
    region = unit is None or unit.kind == Kind.REGION
    if unit is not None:
        reports = reports.filter(org_path__startswith=unit.path)
    if region:
        children = OrgUnit.objects.filter(kind=Kind.REGION, depth=(unit.depth if unit else 0) + 1)
        if unit is not None:
            children = children.filter(path__startswith=unit.path)
        grouped = reports.order_by().values(child=child_region(unit)).annotate(**_figures())
    else:
        # A department has no child regions: all its reports are its own.
        children = OrgUnit.objects.none()
        grouped = [reports.aggregate(**_figures()) | {"child": None}]
    rows = {
        pk: {"id": pk, "name": name, **_zero()}
        for pk, name in children.order_by("path").values_list("pk", "name")
    }
    totals, own = _zero(), None
    for figures in grouped:
        row = rows.get(figures["child"])
        if row is None:
            if own is None:
                own = {
                    "id": unit.pk if unit else None,
                    "name": f"{unit.name}本级" if unit else "",
                    **_zero(),
                }
            row = own
        _add(row, figures)
        _add(totals, figures)
    return {
        "unit": {"id": unit.pk, "name": unit.name} if unit is not None else None,
        "period_start": period_start,
        "period_end": end,
        "totals": totals,
        "by_region": [*rows.values(), *([own] if own else [])],
    }
