"""执法统计: figures of supervision and enforcement for an org unit and a period, or for a
special campaign, in a fixed number of grouped queries whatever the data's size.

What each figure counts, over what the user may see (submitted inspections located in the
unit's subtree and dated within the period; enforcement actions located there and decided
within it; a special campaign's: those linked to it, whatever their dates):

- work_groups: work groups sent — each supervision group that inspected counts once, and each
  inspection made without a group is an ad-hoc 工作组 of its own;
- members: distinct officials on the inspection teams;
- inspections: inspections made;
- enterprises_checked: distinct enterprises among the inspections' targets;
- hazards_found: non-voided ledger hazards created from the inspections' failed items (the
  findings linked both ways); hazards_rectified: of which rectified by now (close-out
  requested or closed — hazards.stats' `rectified`);
- actions: enforcement actions, by kind; fines: their total amount (unit and person fines,
  一案双罚 counting both); enterprises_stopped: distinct enterprises ordered to stop
  (责令停产停业).

Rows by child region add up to the totals: every figure but work_groups and members is a
count of rows each located in exactly one child region. `zero_penalty` lists the inspecting
units that made inspections in the period but took no enforcement action (零处罚 /
只检查不处罚, seed 002).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from hazards.models import Hazard
from hazards.stats import child_region
from inspections.models import ChecklistResult, EnforcementAction, Inspection, SpecialCampaign
from orgs.constants import Action, Kind
from orgs.models import Enterprise, OrgUnit

ActionKind = EnforcementAction.Kind
RECTIFIED = (Hazard.Status.CLOSE_OUT_REQUESTED, Hazard.Status.CLOSED)
COUNTED = (
    "work_groups",
    "members",
    "inspections",
    "enterprises_checked",
    "hazards_found",
    "hazards_rectified",
    "actions",
    "enterprises_stopped",
)


@dataclass
class Figures:
    """One row of the statistics: a region, or the totals."""

    id: int | None = None
    name: str = ""
    work_groups: int = 0
    members: int = 0
    inspections: int = 0
    enterprises_checked: int = 0
    hazards_found: int = 0
    hazards_rectified: int = 0
    actions: int = 0
    enterprises_stopped: int = 0
    fines: Decimal = Decimal(0)
    by_kind: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ActionKind.values, 0))

    @property
    def rectification_rate(self) -> float | None:
        if not self.hazards_found:
            return None
        return round(self.hazards_rectified * 100 / self.hazards_found, 1)

    @property
    def zero_penalty(self) -> bool:
        return self.inspections > 0 and self.actions == 0

    def as_dict(self) -> dict:
        return {
            "id": self.id,
            "name": self.name,
            **{name: getattr(self, name) for name in COUNTED},
            "fines": self.fines,
            "by_kind": dict(self.by_kind),
            "rectification_rate": self.rectification_rate,
        }


@dataclass
class UnitActivity:
    """零处罚 check of one inspecting unit: inspections made and actions taken."""

    id: int
    name: str
    inspections: int
    actions: int

    @property
    def zero_penalty(self) -> bool:
        return self.inspections > 0 and self.actions == 0


@dataclass
class Statistics:
    unit: OrgUnit | None
    campaign: SpecialCampaign | None
    period_start: date | None
    period_end: date | None
    totals: Figures
    by_region: list[Figures]
    units: list[UnitActivity]

    @property
    def zero_penalty(self) -> list[UnitActivity]:
        return [row for row in self.units if row.zero_penalty]

    def kind_rows(self) -> list[tuple[str, int]]:
        """(kind's label, count) of the actions, in the order of the kinds."""
        return [(label, self.totals.by_kind[kind]) for kind, label in ActionKind.choices]

    def summary_rows(self) -> list[tuple[str, int, str]]:
        """The bulletin's figures (seed 004) as (what, how many, measure word) rows."""
        t = self.totals
        return [
            (_("派出工作组"), t.work_groups, _("个")),
            (_("抽查检查企业"), t.enterprises_checked, _("家")),
            (_("发现问题隐患"), t.hazards_found, _("项")),
            (_("督促整改完成"), t.hazards_rectified, _("项")),
            (_("责令停产停业企业"), t.enterprises_stopped, _("家")),
        ]

    def summary_sentence(self) -> str:
        """The bulletin's sentence, as seed 004 writes it."""
        t = self.totals
        return _(
            "共派出工作组%(groups)d个，抽查检查企业%(enterprises)d家，发现问题隐患%(found)d项"
            "（督促整改完成%(rectified)d项），责令%(stopped)d家企业停产停业。"
        ) % {
            "groups": t.work_groups,
            "enterprises": t.enterprises_checked,
            "found": t.hazards_found,
            "rectified": t.hazards_rectified,
            "stopped": t.enterprises_stopped,
        }

    def as_dict(self) -> dict:
        return {
            "unit": {"id": self.unit.pk, "name": self.unit.name} if self.unit else None,
            "special_campaign": (
                {"id": self.campaign.pk, "name": self.campaign.name} if self.campaign else None
            ),
            "period_start": self.period_start,
            "period_end": self.period_end,
            "totals": self.totals.as_dict(),
            "by_region": [row.as_dict() for row in self.by_region],
            "units": [
                {
                    "id": row.id,
                    "name": row.name,
                    "inspections": row.inspections,
                    "actions": row.actions,
                    "zero_penalty": row.zero_penalty,
                }
                for row in self.units
            ],
            "summary": self.summary_sentence(),
        }


def _territory(unit: OrgUnit) -> OrgUnit:
    """The region whose subtree a unit's figures cover: a department's jurisdiction."""
    if unit.kind == Kind.DEPARTMENT:
        return unit.jurisdiction or unit
    return unit


def inspection_stats(
    user,
    *,
    unit: OrgUnit | None = None,
    period_start: date | None = None,
    period_end: date | None = None,
    campaign: SpecialCampaign | None = None,
) -> Statistics:
    """The statistics of `unit`'s subtree over [period_start, period_end] (either end open),
    or of `campaign` (by child regions of its organising unit)."""
    if campaign is not None:
        unit = campaign.org_unit
    territory = _territory(unit) if unit is not None else None
    inspections = Inspection.objects.restrict(user, Action.VIEW).filter(
        status=Inspection.Status.SUBMITTED
    )
    actions = EnforcementAction.objects.restrict(user, Action.VIEW)
    if campaign is not None:
        inspections = inspections.filter(special_campaign=campaign)
        actions = actions.filter(special_campaign=campaign)
    else:
        if territory is not None:
            inspections = inspections.filter(org_path__startswith=territory.path)
            actions = actions.filter(org_path__startswith=territory.path)
        if period_start is not None:
            inspections = inspections.filter(inspection_date__gte=period_start)
            actions = actions.filter(decided_on__gte=period_start)
        if period_end is not None:
            inspections = inspections.filter(inspection_date__lte=period_end)
            actions = actions.filter(decided_on__lte=period_end)

    regions, own = _region_rows(territory)
    child = child_region(territory)

    def row_for(region_id) -> Figures:
        row = regions.get(region_id)
        if row is not None:
            return row
        # Rows located at the territory itself (a county's directly supervised enterprises).
        if own.id is None:
            own.id = territory.pk if territory is not None else None
        return own

    team = {
        "inspections": Count("pk", distinct=True),
        "members": Count("team", distinct=True),
        "grouped": Count("group", distinct=True),
        "ungrouped": Count("pk", distinct=True, filter=Q(group__isnull=True)),
    }
    totals = Figures(id=unit.pk if unit else None, name=unit.name if unit else _("全部"))
    overall = inspections.order_by().aggregate(**team)
    totals.inspections = overall["inspections"]
    totals.members = overall["members"]
    totals.work_groups = overall["grouped"] + overall["ungrouped"]
    for cell in inspections.order_by().values(region=child).annotate(**team):
        row = row_for(cell["region"])
        row.inspections += cell["inspections"]
        row.members += cell["members"]
        row.work_groups += cell["grouped"] + cell["ungrouped"]

    checked = Enterprise.objects.filter(
        pk__in=inspections.filter(targets__enterprise__isnull=False).values("targets__enterprise")
    )
    for cell in checked.order_by().values(region=child).annotate(n=Count("pk")):
        row_for(cell["region"]).enterprises_checked += cell["n"]
        totals.enterprises_checked += cell["n"]

    found = Hazard.objects.restrict(user, Action.VIEW).filter(
        is_void=False,
        pk__in=ChecklistResult.objects.filter(
            inspection__in=inspections, hazard__isnull=False
        ).values("hazard_id"),
    )
    for cell in (
        found.order_by()
        .values(region=child)
        .annotate(n=Count("pk"), rectified=Count("pk", filter=Q(status__in=RECTIFIED)))
    ):
        row = row_for(cell["region"])
        row.hazards_found += cell["n"]
        row.hazards_rectified += cell["rectified"]
        totals.hazards_found += cell["n"]
        totals.hazards_rectified += cell["rectified"]

    for cell in (
        actions.order_by()
        .values("kind", region=child)
        .annotate(
            n=Count("pk"),
            stopped=Count("enterprise", distinct=True, filter=Q(kind=ActionKind.SUSPENSION)),
            unit_fines=Sum("fine_unit_amount"),
            person_fines=Sum("fine_person_amount"),
        )
    ):
        fines = (cell["unit_fines"] or Decimal(0)) + (cell["person_fines"] or Decimal(0))
        for row in (row_for(cell["region"]), totals):
            row.actions += cell["n"]
            row.by_kind[cell["kind"]] += cell["n"]
            row.fines += fines
            # One kind per cell: the distinct stopped enterprises of a region add up.
            row.enterprises_stopped += cell["stopped"]

    by_region = [*regions.values(), *([own] if own.id is not None else [])]
    return Statistics(
        unit=unit,
        campaign=campaign,
        period_start=campaign.start_date if campaign else period_start,
        period_end=campaign.end_date if campaign else period_end,
        totals=totals,
        by_region=by_region,
        units=_unit_activity(inspections, actions),
    )


def _region_rows(territory: OrgUnit | None) -> tuple[dict[int, Figures], Figures]:
    children = OrgUnit.objects.filter(kind=Kind.REGION)
    if territory is None:
        children = children.filter(depth=1)
        own = Figures(name="")
    else:
        children = children.filter(depth=territory.depth + 1, path__startswith=territory.path)
        own = Figures(name=_("%(name)s本级") % {"name": territory.name})
    rows = {
        pk: Figures(id=pk, name=name)
        for pk, name in children.order_by("path").values_list("pk", "name")
    }
    return rows, own


def _unit_activity(inspections, actions) -> list[UnitActivity]:
    """Inspections and actions by the unit that made / took them, for the 零处罚 flag."""
    made = dict(
        inspections.order_by()
        .values_list("inspecting_unit")
        .annotate(n=Count("pk", distinct=True))
        .values_list("inspecting_unit", "n")
    )
    taken = dict(
        actions.order_by()
        .values_list("issuing_unit")
        .annotate(n=Count("pk"))
        .values_list("issuing_unit", "n")
    )
    names = dict(
        OrgUnit.objects.filter(pk__in={*made, *taken}).order_by("path").values_list("pk", "name")
    )
    return [
        UnitActivity(id=pk, name=name, inspections=made.get(pk, 0), actions=taken.get(pk, 0))
        for pk, name in names.items()
    ]
