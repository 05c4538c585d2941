"""Figures of the hazard ledger for an org unit and a period (分区域、分行业统计), in SQL.

One grouped query over the ledger — by (child region, industry), each figure a conditional
count — gives every cell of the region × industry table; the totals, the rows by region and
the rows by industry are sums of those cells (every figure is a count, so the sums are
exact). Two small lookups name the regions and industries. The reports issue rolls these up.

What each figure counts, over the unit's non-voided hazards, for the period [start, end]
(start open-ended when omitted; end defaults to today):

- found: found within the period; major_found: of which major.
- rectified: found within the period and rectified by now (close-out requested or closed);
  rectification_rate = rectified / found, in percent.
- closed: closed out (销号) within the period, whenever found.
- open: not closed at the end of the period (found by then, closed later or not yet);
  major_open: of which major.
- overdue: open at the end of the period, its deadline passed by then and no close-out
  requested by then. Exact for today; for a past end, a request since returned counts as
  not made (returns clear it).
- listed_open: 挂牌督办 and open at the end of the period.
- stock_*: 存量, found by 2023-12-31 — total, closed by the end, remaining open at the end,
  and remaining open at the campaign's target date 2024-12-31 (None before that date).
- increment_*: 增量, found from 2024 — found and closed within the period, open at its end.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Count, F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.dates import start_of_day
from hazards.constants import STOCK_TARGET
from hazards.models import Hazard
from orgs.constants import LEVEL_ORDER, Kind
from orgs.models import Industry, OrgUnit
from orgs.scoping import scope_for

Status = Hazard.Status
COUNTED = (
    "found",
    "major_found",
    "rectified",
    "closed",
    "open",
    "major_open",
    "overdue",
    "listed_open",
    "stock_total",
    "stock_closed",
    "stock_remaining",
    "stock_remaining_at_target",
    "increment_found",
    "increment_closed",
    "increment_open",
)


def _figures(start: date | None, end: date) -> dict:
    after_end = start_of_day(end + timedelta(days=1))
    found_in = Q(found_date__lte=end)
    closed_in = Q(closed_at__lt=after_end)
    if start is not None:
        found_in &= Q(found_date__gte=start)
        closed_in &= Q(closed_at__gte=start_of_day(start))
    open_at_end = Q(found_date__lte=end) & (Q(closed_at__isnull=True) | Q(closed_at__gte=after_end))
    major = Q(grade=Hazard.Grade.MAJOR)
    stock = Q(is_stock=True)
    requested_by_end = Q(close_out_requested_at__lt=after_end)
    counts = {
        "found": found_in,
        "major_found": found_in & major,
        "rectified": found_in & Q(status__in=[Status.CLOSE_OUT_REQUESTED, Status.CLOSED]),
        "closed": closed_in,
        "open": open_at_end,
        "major_open": open_at_end & major,
        "overdue": open_at_end & Q(deadline__lt=end) & ~requested_by_end,
        "listed_open": open_at_end & Q(listed_supervision=True, listed_date__lte=end),
        "stock_total": stock & Q(found_date__lte=end),
        "stock_closed": stock & Q(closed_at__lt=after_end),
        "stock_remaining": stock & open_at_end,
        "increment_found": ~stock & found_in,
        "increment_closed": ~stock & closed_in,
        "increment_open": ~stock & open_at_end,
    }
    if end > STOCK_TARGET:
        after_target = start_of_day(STOCK_TARGET + timedelta(days=1))
        counts["stock_remaining_at_target"] = stock & (
            Q(closed_at__isnull=True) | Q(closed_at__gte=after_target)
        )
    return {name: Count("pk", filter=condition) for name, condition in counts.items()}


def territory_of(unit: OrgUnit | None) -> tuple[OrgUnit | None, list[int] | None]:
    """The region whose subtree the figures cover and, for a department, its industries."""
    if unit is None or unit.kind == Kind.REGION:
        return unit, None
    return unit.jurisdiction or unit, [industry.pk for industry in unit.industries.all()]


def _zero(end: date) -> dict:
    # Before the target date the stock's figure at that date does not exist yet.
    return {
        name: None if name == "stock_remaining_at_target" and end <= STOCK_TARGET else 0
        for name in COUNTED
    }


def _add(total: dict, row: dict) -> None:
    for name in COUNTED:
        if row.get(name) is not None:
            total[name] += row[name]


def _finish(row: dict) -> dict:
    found, rectified = row["found"], row["rectified"]
    row["rectification_rate"] = round(rectified * 100 / found, 1) if found else None
    return row


def default_stats_unit(user) -> OrgUnit | None:
    """The unit whose figures a user sees first: their highest unit (an enterprise user's
    township); None for a superuser (the whole country, by province)."""
    if user.is_superuser:
        return None
    grants = scope_for(user).grants
    paths = [grant.subtree_path for grant in grants if grant.subtree_path]
    if paths:
        return OrgUnit.objects.get(path=min(paths, key=len))
    unit_ids = [grant.enterprise_org_unit_id for grant in grants if grant.enterprise_org_unit_id]
    return OrgUnit.objects.filter(pk__in=unit_ids[:1]).first()


def child_region(territory):
    """The id of the region directly below `territory` a row lies in, from the row's copied
    level ids: the first of the levels below the territory's that is set (a county directly
    under its province has no city). A row located at the territory itself has none.

    PostgreSQL then groups on integers the rows carry rather than on a string cut from each
    row's path.
    """
    levels = (
        LEVEL_ORDER if territory is None else LEVEL_ORDER[LEVEL_ORDER.index(territory.level) + 1 :]
    )
    columns = [f"{level}_id" for level in levels] or [f"{territory.level}_id"]
    return F(columns[0]) if len(columns) == 1 else Coalesce(*columns)


def hazard_stats(queryset, *, unit, period_start=None, period_end=None, today=None) -> dict:
    """Figures for `unit`'s subtree (a department: its industries in its jurisdiction;
    None: everything, by province).

    `queryset` is the caller's restricted (and possibly filtered) Hazard queryset. Returns
    {"unit", "period_start", "period_end", "stock_target", "totals", "by_region",
    "by_industry", "cells"}; every row holds the figures this module's docstring defines,
    and "cells" are the non-empty (region, industry) pairs.
    """
    end = period_end or today or timezone.localdate()
    territory, industries = territory_of(unit)
    ledger = queryset.filter(is_void=False, found_date__lte=end)
    children = OrgUnit.objects.filter(kind=Kind.REGION, depth=1)
    if territory is not None:
        ledger = ledger.filter(org_path__startswith=territory.path)
        children = OrgUnit.objects.filter(
            kind=Kind.REGION, depth=territory.depth + 1, path__startswith=territory.path
        )
    if industries is not None:
        ledger = ledger.filter(industry_id__in=industries)
    cells = list(
        ledger.order_by()
        .values("industry_id", child=child_region(territory))
        .annotate(**_figures(period_start, end))
    )

    regions = {
        pk: {"id": pk, "name": name, "division_code": code, **_zero(end)}
        for pk, name, code in children.order_by("path").values_list("pk", "name", "division_code")
    }
    industry_rows = {
        pk: {"id": pk, "name": name, **_zero(end)}
        for pk, name in (
            Industry.objects.filter(pk__in=industries)
            if industries is not None
            else Industry.objects.all()
        ).values_list("pk", "name")
    }
    totals = _zero(end)
    # Hazards located at the unit itself (enterprises a county supervises directly).
    own_level = None
    for cell in cells:
        region = regions.get(cell["child"])
        if region is None:
            if own_level is None:
                own_level = {
                    "id": territory.pk if territory else None,
                    "name": f"{territory.name}本级" if territory else "",
                    "division_code": territory.division_code if territory else "",
                    **_zero(end),
                }
            region = own_level
        cell["region_id"] = region["id"]
        for row in (region, industry_rows[cell["industry_id"]], totals):
            _add(row, cell)
    by_region = [*regions.values(), *([own_level] if own_level else [])]
    return {
        "unit": {"id": unit.pk, "name": unit.name} if unit is not None else None,
        "period_start": period_start,
        "period_end": end,
        "stock_target": STOCK_TARGET,
        "totals": _finish(totals),
        "by_region": [_finish(row) for row in by_region],
        "by_industry": [_finish(row) for row in industry_rows.values()],
        "cells": [
            _finish(
                {
                    "region_id": cell["region_id"],
                    "industry_id": cell["industry_id"],
                    **{name: cell.get(name) for name in COUNTED},
                }
            )
            for cell in cells
        ],
    }
