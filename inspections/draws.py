"""双随机 draws: targets drawn at random from a filtered pool of enterprises, and inspectors
drawn at random for each target from a roster, the whole draw recorded and reproducible.

How a draw is made, so that anyone can check it afterwards:
1. The pool: active enterprises in the drawing unit's subtree (and the user's scope),
   optionally of one industry, with an active risk point of one level, and not inspected
   (a submitted inspection naming them) in the last N months.
   The roster: the officials (staff, supervisors, leaders, admins) holding a role in the
   drawing unit's subtree, or the ones named. Both are stored as snapshots.
2. Both are put in canonical order (by id), and `random.Random(seed)` — a string seed, which
   Python hashes the same way on every machine and run — draws N targets with `sample`, then,
   for each target in drawn order, M inspectors with `sample` from those without a conflict.
3. A conflict is an inspector's own unit: an inspector holding a role at the unit where the
   enterprise is located (its township) is never drawn for it.

`verify` recomputes the result from the stored seed and snapshots. A draw is never edited:
a redraw is a new draw with a reason, pointing at the one it replaces; a draw is published
to its unit (notification) once, and a replaced draw is not published.
"""

from __future__ import annotations

import random
import secrets
from datetime import date

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.notifications import notify
from hazards.models import Risk
from hazards.risk_constants import RiskLevel
from inspections.enforcement import lock, require_scope, resolve
from inspections.models import Inspection, InspectionTarget, RandomDraw, SpecialCampaign
from orgs.constants import Action, Role
from orgs.models import Enterprise, Industry, Membership, OrgUnit

INSPECTOR_ROLES = (Role.ADMIN, Role.LEADER, Role.STAFF, Role.SUPERVISOR)
MAX_TARGETS = 1000


def months_before(day: date, months: int) -> date:
    """The same day `months` earlier (the month's last day when it is shorter)."""
    total = day.year * 12 + day.month - 1 - months
    year, month = divmod(total, 12)
    month += 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has a 28th")


def risk_levels() -> list[tuple[str, str]]:
    """The risk levels a pool may be filtered by (四色, highest first)."""
    return list(RiskLevel.choices)


def enterprise_pool(
    user,
    *,
    org_unit: OrgUnit,
    industry: Industry | None = None,
    risk_level: str = "",
    not_inspected_months: int | None = None,
    today: date | None = None,
):
    """The enterprises a draw picks from, in canonical order."""
    pool = Enterprise.objects.restrict(user, Action.VIEW).filter(
        is_active=True, org_path__startswith=org_unit.path
    )
    if industry is not None:
        pool = pool.filter(industry=industry)
    if risk_level:
        # An enterprise with an active risk point of that level (风险分级管控).
        pool = pool.filter(
            Exists(
                Risk.objects.filter(
                    enterprise=OuterRef("pk"), status=Risk.Status.ACTIVE, level=risk_level
                )
            )
        )
    if not_inspected_months:
        since = months_before(today or timezone.localdate(), not_inspected_months)
        # Any submitted inspection counts, whoever made it: the enterprise was visited.
        pool = pool.exclude(
            Exists(
                InspectionTarget.objects.filter(
                    enterprise=OuterRef("pk"),
                    inspection__status=Inspection.Status.SUBMITTED,
                    inspection__inspection_date__gte=since,
                )
            )
        )
    return pool.order_by("pk")


def inspector_roster(user, *, org_unit: OrgUnit, inspector_ids=None) -> list[dict]:
    """The roster's snapshot: [{id, name, units}] by id, `units` the units of the
    inspector's official roles (their conflicts)."""
    visible_units = OrgUnit.objects.restrict(user, Action.VIEW)
    memberships = Membership.objects.filter(role__in=INSPECTOR_ROLES, org_unit__in=visible_units)
    if inspector_ids is None:
        memberships = memberships.filter(org_unit__path__startswith=org_unit.path)
    else:
        ids = {getattr(value, "pk", value) for value in inspector_ids}
        memberships = memberships.filter(user_id__in=ids)
    roster: dict[int, dict] = {}
    for user_id, full_name, username, unit_id in memberships.filter(
        user__is_active=True
    ).values_list("user_id", "user__full_name", "user__username", "org_unit_id"):
        entry = roster.setdefault(user_id, {"id": user_id, "name": full_name or username})
        entry.setdefault("units", set()).add(unit_id)
    if inspector_ids is not None and len(roster) != len(ids):
        raise ValidationError({"inspectors": _("执法检查人员不存在或不在您的管辖范围内。")})
    return [{**entry, "units": sorted(entry["units"])} for _id, entry in sorted(roster.items())]


def compute_result(seed: str, pool: list[dict], roster: list[dict], n: int, m: int) -> list[dict]:
    """The draw itself, from snapshots only: [{enterprise, inspectors}] in drawn order."""
    pool = sorted(pool, key=lambda row: row["id"])
    roster = sorted(roster, key=lambda row: row["id"])
    if n < 1 or m < 1:
        raise ValidationError(_("抽取企业数和每家企业检查人员数都至少为1。"))
    if len(pool) < n:
        raise ValidationError(
            {
                "target_count": _(
                    "符合条件的企业只有%(size)d家，少于要抽取的%(n)d家：请放宽条件或减少抽取数量。"
                )
                % {"size": len(pool), "n": n}
            }
        )
    rng = random.Random(seed)
    result = []
    for target in rng.sample(pool, n):
        eligible = [person for person in roster if target["org_unit"] not in person["units"]]
        if len(eligible) < m:
            raise ValidationError(
                {
                    "inspectors_per_target": _(
                        "“%(name)s”回避后可抽取的执法检查人员只有%(size)d人，少于每家%(m)d人。"
                    )
                    % {"name": target["name"], "size": len(eligible), "m": m}
                }
            )
        chosen = rng.sample(eligible, m)
        result.append({"enterprise": target["id"], "inspectors": [p["id"] for p in chosen]})
    return result


def _pool_snapshot(enterprises) -> list[dict]:
    return [
        {"id": pk, "name": name, "credit_code": code, "org_unit": unit_id}
        for pk, name, code, unit_id in enterprises.values_list(
            "pk", "name", "credit_code", "org_unit_id"
        )
    ]


def _positive(data: dict, field: str, label: str, errors: dict) -> int | None:
    value = data.get(field)
    try:
        number = int(value)
    except (TypeError, ValueError):
        errors.setdefault(field, []).append(_("请填写%(label)s。") % {"label": label})
        return None
    if not 1 <= number <= MAX_TARGETS:
        errors.setdefault(field, []).append(
            _("%(label)s应在1到%(max)d之间。") % {"label": label, "max": MAX_TARGETS}
        )
        return None
    return number


def _filters(data: dict, user, errors: dict) -> dict:
    """The pool's filters as stored: ids and plain values only."""
    industry = None
    if data.get("industry") not in (None, ""):
        # Reference data every user reads: not scoped.
        industry = Industry.objects.filter(pk=getattr(data["industry"], "pk", data["industry"]))
        industry = industry.first()
        if industry is None:
            errors.setdefault("industry", []).append(_("该行业领域不存在。"))
    months = data.get("not_inspected_months")
    if months in ("", None):
        months = None
    else:
        try:
            months = int(months)
        except (TypeError, ValueError):
            months = 0
        if not 1 <= months <= 120:
            errors.setdefault("not_inspected_months", []).append(
                _("“近N个月未检查”的月数应在1到120之间。")
            )
    risk_level = data.get("risk_level") or ""
    if risk_level and risk_level not in dict(risk_levels()):
        errors.setdefault("risk_level", []).append(_("请选择有效的风险等级。"))
    inspectors = data.get("inspectors")
    return {
        "industry": industry.pk if industry else None,
        "risk_level": risk_level,
        "not_inspected_months": months,
        "inspectors": sorted(getattr(i, "pk", i) for i in inspectors) if inspectors else None,
    }


def _draw(
    *, user, org_unit, title, filters, n, m, seed, campaign, today, previous=None, reason=""
) -> RandomDraw:
    industry = (
        Industry.objects.filter(pk=filters["industry"]).first() if filters["industry"] else None
    )
    pool = _pool_snapshot(
        enterprise_pool(
            user,
            org_unit=org_unit,
            industry=industry,
            risk_level=filters["risk_level"],
            not_inspected_months=filters["not_inspected_months"],
            today=today,
        )
    )
    roster = inspector_roster(user, org_unit=org_unit, inspector_ids=filters["inspectors"])
    if not roster:
        raise ValidationError({"inspectors": _("执法检查人员名录为空，无法抽取。")})
    result = compute_result(seed, pool, roster, n, m)
    draw = RandomDraw(
        org_unit=org_unit,
        title=title,
        special_campaign=campaign,
        pool_filters={**filters, "org_unit": org_unit.pk, "as_of": today.isoformat()},
        seed=seed,
        pool_snapshot=pool,
        inspectors_snapshot=roster,
        target_count=n,
        inspectors_per_target=m,
        result=result,
        reason=reason,
        previous_draw=previous,
        created_by=user,
    )
    draw._history_user = user
    draw.save()
    require_scope(draw, user, Action.ADD, _("您无权为该单位组织双随机抽查。"))
    return draw


@transaction.atomic
def make_draw(data, *, user, today: date | None = None) -> RandomDraw:
    """Draw and record. `data`: org_unit, title, target_count (N), inspectors_per_target (M);
    optionally industry, risk_level, not_inspected_months, inspectors (the roster; default
    the unit's officials), seed (default a fresh random one), special_campaign."""
    today = today or timezone.localdate()
    errors: dict[str, list] = {}
    org_unit = resolve(OrgUnit, data.get("org_unit"), user, "org_unit")
    if org_unit is None:
        errors.setdefault("org_unit", []).append(_("请选择组织抽查的单位。"))
    title = (data.get("title") or "").strip()
    if not title:
        errors.setdefault("title", []).append(_("请填写抽查事项。"))
    n = _positive(data, "target_count", _("抽取企业数"), errors)
    m = _positive(data, "inspectors_per_target", _("每家企业检查人员数"), errors)
    filters = _filters(data, user, errors)
    campaign = resolve(SpecialCampaign, data.get("special_campaign"), user, "special_campaign")
    seed = str(data.get("seed") or "").strip() or secrets.token_hex(16)
    if len(seed) > 64:
        errors.setdefault("seed", []).append(_("随机种子不超过64个字符。"))
    if errors:
        raise ValidationError(errors)
    return _draw(
        user=user,
        org_unit=org_unit,
        title=title,
        filters=filters,
        n=n,
        m=m,
        seed=seed,
        campaign=campaign,
        today=today,
    )


@transaction.atomic
def redraw(draw, reason, *, user, today: date | None = None) -> RandomDraw:
    """重新抽取: a new draw with the same filters over the pool as it is now and a fresh seed,
    recorded with the reason and pointing at `draw`."""
    draw = lock(draw, user, Action.ADD)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("重新抽取必须说明原因。")})
    if draw.redraws.exists():
        raise ValidationError(_("该次抽取已被重新抽取过，请在最新一次抽取上操作。"))
    filters = {
        key: draw.pool_filters.get(key)
        for key in ("industry", "risk_level", "not_inspected_months", "inspectors")
    }
    filters["risk_level"] = filters["risk_level"] or ""
    return _draw(
        user=user,
        org_unit=draw.org_unit,
        title=draw.title,
        filters=filters,
        n=draw.target_count,
        m=draw.inspectors_per_target,
        seed=secrets.token_hex(16),
        campaign=draw.special_campaign,
        today=today or timezone.localdate(),
        previous=draw,
        reason=reason,
    )


def verify(draw: RandomDraw) -> dict:
    """Recompute the draw from its stored seed and snapshots: does it give the stored result?"""
    try:
        recomputed = compute_result(
            draw.seed,
            draw.pool_snapshot,
            draw.inspectors_snapshot,
            draw.target_count,
            draw.inspectors_per_target,
        )
    except ValidationError:
        recomputed = None
    return {"reproducible": recomputed == draw.result, "recomputed": recomputed}


def draw_link(draw) -> str:
    return reverse("inspections:draw_detail", args=[draw.pk])


@transaction.atomic
def publish(draw, *, user) -> RandomDraw:
    """公示: publish the result to the drawing unit's officials and the drawn inspectors."""
    draw = lock(draw, user, Action.CHANGE)
    if draw.published_at is not None:
        at = timezone.localtime(draw.published_at)
        raise ValidationError(_("该次抽取已于%(at)s公示。") % {"at": f"{at:%Y-%m-%d %H:%M}"})
    if draw.redraws.exists():
        raise ValidationError(_("该次抽取已被重新抽取，不能公示。"))
    draw.published_at = timezone.now()
    draw._history_user = user
    draw.save(update_fields=["published_at"])
    drawn = {person for row in draw.result for person in row["inspectors"]}
    unit_staff = Membership.objects.filter(
        org_unit=draw.org_unit, role__in=INSPECTOR_ROLES
    ).values_list("user_id", flat=True)
    recipients = get_user_model().objects.filter(pk__in={*drawn, *unit_staff}, is_active=True)
    notify(
        recipients.order_by("pk"),
        _("双随机抽查结果公示：%(title)s") % {"title": draw.title},
        body=_("抽取企业%(n)d家，每家检查人员%(m)d人。")
        % {"n": draw.target_count, "m": draw.inspectors_per_target},
        link=draw_link(draw),
        sender=user,
        dedup_key=f"random-draw:{draw.pk}:published",
    )
    return draw


def result_rows(draw: RandomDraw) -> list[dict]:
    """The result for display, named from the snapshots (no query)."""
    enterprises = {row["id"]: row for row in draw.pool_snapshot}
    people = {row["id"]: row for row in draw.inspectors_snapshot}
    return [
        {
            "enterprise": enterprises.get(row["enterprise"], {"id": row["enterprise"], "name": ""}),
            "inspectors": [people.get(pk, {"id": pk, "name": ""}) for pk in row["inspectors"]],
        }
        for row in draw.result
    ]
