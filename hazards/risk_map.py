"""安全风险四色分布图: active risks of an org unit's area counted by child region, industry
and level, in SQL.

One grouped query — by (child region, industry), a conditional count per level — gives every
cell of the region × industry matrix; the rows by region, by industry and the totals are sums
of those cells, and each row's colour is its highest level with a non-zero count. Two small
lookups name the regions (with their coordinates, for the map) and the industries. A unit with
no child regions (a township) is drilled down to its enterprises by one more grouped query.
"""

from __future__ import annotations

from django.db.models import Count, Q

from hazards.models import Risk
from hazards.risk_constants import RISK_LEVEL_ORDER
from hazards.risk_levels import highest_level
from hazards.stats import child_region, territory_of
from orgs.constants import Kind
from orgs.models import Industry, OrgUnit

LEVELS = [str(level) for level in RISK_LEVEL_ORDER]


def _counts() -> dict:
    return {level: Count("pk", filter=Q(level=level)) for level in LEVELS}


def _zero() -> dict:
    return dict.fromkeys(LEVELS, 0)


def _add(row: dict, cell: dict) -> None:
    for level in LEVELS:
        row["counts"][level] += cell[level]


def _finish(row: dict) -> dict:
    row["total"] = sum(row["counts"].values())
    row["highest"] = highest_level(row["counts"])
    return row


def _coordinate(value):
    return float(value) if value is not None else None


def risk_map(queryset, *, unit: OrgUnit | None) -> dict:
    """The four-colour map of `unit`'s area (a department: its industries in its
    jurisdiction; None: everything, by province) over `queryset`, the caller's restricted
    Risk queryset.

    Returns {"unit", "totals", "regions", "industries", "matrix", "enterprises"}; each row
    carries "counts" {level: n}, "total" and "highest" (None without risks). "matrix" holds
    the non-empty (region, industry) cells; "enterprises" is filled for a unit without child
    regions.
    """
    territory, industries = territory_of(unit)
    risks = queryset.filter(status=Risk.Status.ACTIVE).order_by()
    children = OrgUnit.objects.filter(kind=Kind.REGION, depth=1)
    if territory is not None:
        risks = risks.filter(org_path__startswith=territory.path)
        children = OrgUnit.objects.filter(
            kind=Kind.REGION, depth=territory.depth + 1, path__startswith=territory.path
        )
    if industries is not None:
        risks = risks.filter(industry_id__in=industries)
    cells = list(risks.values("industry_id", child=child_region(territory)).annotate(**_counts()))
    regions = {
        row["pk"]: {
            "id": row["pk"],
            "name": row["name"],
            "division_code": row["division_code"],
            "longitude": _coordinate(row["longitude"]),
            "latitude": _coordinate(row["latitude"]),
            "counts": _zero(),
        }
        for row in children.order_by("path").values(
            "pk", "name", "division_code", "longitude", "latitude"
        )
    }
    used_industries = {cell["industry_id"] for cell in cells}
    industry_rows = {
        pk: {"id": pk, "name": name, "counts": _zero()}
        for pk, name in Industry.objects.filter(pk__in=used_industries)
        .order_by("sort_order", "id")
        .values_list("pk", "name")
    }
    totals = {"counts": _zero()}
    own_level = None
    matrix = []
    for cell in cells:
        region = regions.get(cell["child"])
        if region is None:
            # Risks located at the unit itself (an area risk of the county, say).
            if own_level is None:
                own_level = {
                    "id": territory.pk if territory else None,
                    "name": f"{territory.name}本级" if territory else "",
                    "division_code": territory.division_code if territory else "",
                    "longitude": _coordinate(territory.longitude) if territory else None,
                    "latitude": _coordinate(territory.latitude) if territory else None,
                    "counts": _zero(),
                }
            region = own_level
        for row in (region, industry_rows[cell["industry_id"]], totals):
            _add(row, cell)
        matrix.append(
            _finish(
                {
                    "region_id": region["id"],
                    "industry_id": cell["industry_id"],
                    "counts": {level: cell[level] for level in LEVELS},
                }
            )
        )
    enterprises = []
    if territory is not None and not regions:
        enterprises = [
            _finish(
                {
                    "id": row["enterprise_id"],
                    "name": row["enterprise__name"] or f"{territory.name}区域性风险",
                    "counts": {level: row[level] for level in LEVELS},
                }
            )
            for row in risks.values("enterprise_id", "enterprise__name")
            .annotate(**_counts())
            .order_by("enterprise__name")
        ]
        enterprises.sort(key=lambda row: (LEVELS.index(row["highest"]), row["name"]))
    return {
        "unit": {"id": unit.pk, "name": unit.name, "level": unit.level} if unit else None,
        "totals": _finish(totals),
        "regions": [
            _finish(row) for row in [*regions.values(), *([own_level] if own_level else [])]
        ],
        "industries": [_finish(row) for row in industry_rows.values()],
        "matrix": matrix,
        "enterprises": enterprises,
    }
