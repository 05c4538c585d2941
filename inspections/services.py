"""Supervision groups, schedules, inspections and their findings: every write goes through here.

Pages, the API, the daily job and the demo call these functions; each runs in one
transaction, checks scope on the rows as written, and refuses bad input with a Chinese
ValidationError before anything is left half-written.

- A group's assignment grants its members `supervise_subtree` over the assigned unit through
  the foundation's guardian grant (orgs.services.grant_subtree); ending the term revokes it.
- An inspection is recorded once per client-generated `submission_key`: a phone that lost
  its connection and submits again gets the first inspection back.
- Each 不合格 item at an enterprise becomes one ledger hazard (hazards.services.report_hazard),
  linked both ways through `ChecklistResult.hazard`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import StaleVersionError
from hazards import services as hazard_services
from hazards.models import Hazard
from inspections.models import (
    ChecklistPhoto,
    ChecklistResult,
    ChecklistTemplate,
    Frequency,
    Inspection,
    InspectionTarget,
    SpecialCampaign,
    SupervisionAssignment,
    SupervisionGroup,
    SupervisionGroupMember,
    SupervisionSchedule,
)
from orgs import services as org_services
from orgs.constants import Action, Kind
from orgs.models import Enterprise, Membership, OrgUnit

SUPERVISE = "supervise_subtree"


# --- Small shared steps --------------------------------------------------------------------


def lock_row(model, obj, user, action):
    """`obj` as it is now, its row locked, if the user's scope allows `action` on it."""
    locked = (
        model.objects.restrict(user, action)
        .select_for_update(of=("self",))
        .filter(pk=obj.pk)
        .first()
    )
    if locked is None:
        raise PermissionDenied(_("该记录不在您的管辖范围内，或您无权修改。"))
    return locked


def check_version(obj, expected_version) -> None:
    """StaleVersionError if the row has moved on from the version the editor loaded."""
    if expected_version is not None and obj.version != int(expected_version):
        raise StaleVersionError(
            _("该记录已被他人修改（当前第%(current)d版，您编辑的是第%(yours)d版），请刷新后重试。")
            % {"current": obj.version, "yours": int(expected_version)}
        )


def _require_written_in_scope(model, obj, user, action=Action.ADD) -> None:
    """The row's location decides its scope: checked on the row as written."""
    if not model.objects.restrict(user, action).filter(pk=obj.pk).exists():
        raise PermissionDenied(_("您无权在该单位登记此项记录。"))


def _visible_unit(user, unit, field, message) -> OrgUnit:
    pk = getattr(unit, "pk", unit)
    found = OrgUnit.objects.restrict(user, Action.VIEW).filter(pk=pk).first()
    if found is None:
        raise ValidationError({field: message})
    return found


def selectable_users(user):
    """Officials the user may put in a group or an inspection team: those holding a role at a
    unit the user sees (enterprise contacts are never inspectors)."""
    units = OrgUnit.objects.restrict(user, Action.VIEW)
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            pk__in=Membership.objects.filter(org_unit__in=units, enterprise__isnull=True).values(
                "user_id"
            ),
        )
        .order_by("full_name", "username")
    )


# --- Supervision groups --------------------------------------------------------------------

GROUP_FIELDS = ("name", "responsibilities", "term_start", "term_end")


def _validate_term(group) -> None:
    if not group.name or not group.name.strip():
        raise ValidationError({"name": _("请填写督导组名称。")})
    if group.term_start and group.term_end and group.term_end < group.term_start:
        raise ValidationError({"term_end": _("任期结束不能早于任期开始。")})


@transaction.atomic
def create_group(data, *, user) -> SupervisionGroup:
    """组建督导组: `data` holds org_unit, name, responsibilities, term_start, term_end, and
    optionally `members` ([(user, role, position)]) and `assignments` ([(org_unit, kind)])."""
    org_unit = _visible_unit(
        user, data.get("org_unit"), "org_unit", _("组建单位不在您的管辖范围内。")
    )
    group = SupervisionGroup(
        org_unit=org_unit,
        created_by=user,
        name=(data.get("name") or "").strip(),
        responsibilities=data.get("responsibilities") or "",
        term_start=data.get("term_start"),
        term_end=data.get("term_end"),
    )
    if group.term_start is None or group.term_end is None:
        raise ValidationError({"term_start": _("请填写任期开始和结束日期。")})
    _validate_term(group)
    group._history_user = user
    try:
        with transaction.atomic():
            group.save()
    except IntegrityError as exc:
        raise ValidationError({"name": _("本单位已有同名督导组。")}) from exc
    _require_written_in_scope(SupervisionGroup, group, user)
    group.auth_group = Group.objects.create(name=f"督导组#{group.pk}")
    group.save(update_fields=["auth_group"])
    for member, role, position in data.get("members") or ():
        _add_member(group, member, role=role, position=position, user=user)
    for unit, kind in data.get("assignments") or ():
        _assign(group, unit, kind=kind, user=user)
    return group


@transaction.atomic
def update_group(group, data, *, user, expected_version=None) -> SupervisionGroup:
    """Rename the group, restate its responsibilities or move its term's dates."""
    locked = lock_row(SupervisionGroup, group, user, Action.CHANGE)
    check_version(locked, expected_version)
    for name in GROUP_FIELDS:
        if name in data:
            setattr(locked, name, data[name])
    if locked.term_start is None or locked.term_end is None:
        raise ValidationError({"term_start": _("请填写任期开始和结束日期。")})
    _validate_term(locked)
    locked.version += 1
    locked._history_user = user
    try:
        with transaction.atomic():
            locked.save()
    except IntegrityError as exc:
        raise ValidationError({"name": _("本单位已有同名督导组。")}) from exc
    return locked


def _require_active(group) -> None:
    if group.ended_at is not None:
        raise ValidationError(_("该督导组任期已结束，不能再调整。"))


def _add_member(group, member, *, role, position, user) -> SupervisionGroupMember:
    if not selectable_users(user).filter(pk=member.pk).exists():
        raise ValidationError(
            {"members": _("“%(name)s”不是您管辖范围内的工作人员。") % {"name": member}}
        )
    if role not in SupervisionGroupMember.Role.values:
        raise ValidationError({"members": _("未知的成员职务。")})
    if group.memberships.filter(user=member).exists():
        raise ValidationError({"members": _("“%(name)s”已是本组成员。") % {"name": member}})
    record = SupervisionGroupMember(group=group, user=member, role=role, position=position or "")
    record._history_user = user
    record.save()
    # Joining the auth group is what extends the member's scope (orgs.signals bumps it).
    member.groups.add(group.auth_group)
    return record


@transaction.atomic
def add_member(group, member, *, role, position="", user) -> SupervisionGroupMember:
    locked = lock_row(SupervisionGroup, group, user, Action.CHANGE)
    _require_active(locked)
    return _add_member(locked, member, role=role, position=position, user=user)


@transaction.atomic
def remove_member(group, member, *, user) -> None:
    """The member leaves the group, and with it the scope its assignments gave them."""
    locked = lock_row(SupervisionGroup, group, user, Action.CHANGE)
    record = locked.memberships.filter(user=member).first()
    if record is None:
        raise ValidationError({"user": _("该用户不是本组成员。")})
    record._history_user = user
    record.delete()
    member.groups.remove(locked.auth_group)


def _assign(group, unit, *, kind, user) -> SupervisionAssignment:
    unit = _visible_unit(user, unit, "assignments", _("挂点单位不在您的管辖范围内。"))
    if kind not in SupervisionAssignment.Kind.values:
        raise ValidationError({"assignments": _("未知的挂点类别。")})
    if kind == SupervisionAssignment.Kind.REGION and unit.kind != Kind.REGION:
        raise ValidationError({"assignments": _("挂点地区须是行政区域。")})
    if kind == SupervisionAssignment.Kind.LEAD_DEPARTMENT and unit.kind != Kind.DEPARTMENT:
        raise ValidationError({"assignments": _("牵头单位须是部门。")})
    if group.assignments.filter(org_unit=unit, revoked_at__isnull=True).exists():
        raise ValidationError({"assignments": _("“%(unit)s”已由本组挂点督导。") % {"unit": unit}})
    assignment = SupervisionAssignment(group=group, org_unit=unit, kind=kind, assigned_by=user)
    assignment._history_user = user
    assignment.save()
    org_services.grant_subtree(group.auth_group, unit, permission=SUPERVISE, granted_by=user)
    return assignment


@transaction.atomic
def assign_unit(group, unit, *, kind, user) -> SupervisionAssignment:
    """挂点: the group's members gain 督导 scope over the unit's subtree."""
    locked = lock_row(SupervisionGroup, group, user, Action.CHANGE)
    _require_active(locked)
    return _assign(locked, unit, kind=kind, user=user)


def _revoke(assignment, *, user, at) -> None:
    assignment.revoked_at = at
    assignment._history_user = user
    assignment.save(update_fields=["revoked_at"])
    org_services.revoke_subtree(
        assignment.group.auth_group, assignment.org_unit, permission=SUPERVISE, revoked_by=user
    )


@transaction.atomic
def revoke_assignment(group, unit, *, user) -> None:
    """撤销挂点: the members lose 督导 scope over the unit (other groups' grants stay)."""
    locked = lock_row(SupervisionGroup, group, user, Action.CHANGE)
    assignment = (
        locked.assignments.filter(org_unit=unit, revoked_at__isnull=True)
        .select_related("org_unit", "group__auth_group")
        .first()
    )
    if assignment is None:
        raise ValidationError({"org_unit": _("该单位不是本组的挂点单位。")})
    _revoke(assignment, user=user, at=timezone.now())


def _end(group, *, user, at) -> SupervisionGroup:
    for assignment in group.assignments.filter(revoked_at__isnull=True).select_related(
        "org_unit", "group__auth_group"
    ):
        _revoke(assignment, user=user, at=at)
    group.ended_at = at
    group.version += 1
    group._history_user = user
    group.save(update_fields=["ended_at", "version", "updated_at"])
    return group


@transaction.atomic
def end_term(group, *, user) -> SupervisionGroup:
    """任期结束: every assignment is revoked, and with it the members' scope."""
    locked = lock_row(SupervisionGroup, group, user, Action.CHANGE)
    _require_active(locked)
    return _end(locked, user=user, at=timezone.now())


def end_expired_terms(today: date) -> int:
    """The daily job: end every group whose term ended before `today`. Idempotent."""
    ended = 0
    expired = SupervisionGroup.objects.filter(ended_at__isnull=True, term_end__lt=today)
    for pk in expired.values_list("pk", flat=True):
        with transaction.atomic():
            group = (
                SupervisionGroup.objects.select_for_update()
                .filter(pk=pk, ended_at__isnull=True)
                .first()
            )
            if group is not None:
                _end(group, user=None, at=timezone.now())
                ended += 1
    return ended


# --- Schedules and coverage ----------------------------------------------------------------


def period_bounds(frequency: str, day: date) -> tuple[date, date]:
    """The calendar period of `frequency` that contains `day` (first and last day)."""
    months = {
        Frequency.MONTHLY: 1,
        Frequency.QUARTERLY: 3,
        Frequency.HALF_YEARLY: 6,
        Frequency.YEARLY: 12,
    }[frequency]
    first_month = (day.month - 1) // months * months + 1
    start = date(day.year, first_month, 1)
    end_month = first_month + months
    end = (
        date(day.year + 1, 1, 1) if end_month > 12 else date(day.year, end_month, 1)
    ) - timedelta(days=1)
    return start, end


@transaction.atomic
def create_schedule(data, *, user) -> SupervisionSchedule:
    """督导频次: an enterprise, or a unit, to be visited at `frequency` by a unit or group."""
    enterprise = data.get("enterprise")
    if enterprise is not None:
        enterprise = (
            Enterprise.objects.restrict(user, Action.VIEW)
            .filter(pk=getattr(enterprise, "pk", enterprise))
            .first()
        )
        if enterprise is None:
            raise ValidationError({"enterprise": _("该单位不在您的管辖范围内。")})
        target = enterprise.org_unit
    else:
        if data.get("org_unit") is None:
            raise ValidationError({"org_unit": _("请选择督导对象。")})
        target = _visible_unit(
            user, data["org_unit"], "org_unit", _("督导对象不在您的管辖范围内。")
        )
    supervising = _visible_unit(
        user, data.get("supervising_unit"), "supervising_unit", _("请选择督导单位。")
    )
    if data.get("frequency") not in Frequency.values:
        raise ValidationError({"frequency": _("请选择频次。")})
    start, end = data.get("start_date"), data.get("end_date")
    if start is None:
        raise ValidationError({"start_date": _("请填写起始日期。")})
    if end is not None and end < start:
        raise ValidationError({"end_date": _("截止日期不能早于起始日期。")})
    group = data.get("group")
    if group is not None and not SupervisionGroup.objects.restrict(user).filter(pk=group.pk):
        raise ValidationError({"group": _("该督导组不在您的管辖范围内。")})
    schedule = SupervisionSchedule(
        org_unit=target,
        enterprise=enterprise,
        group=group,
        supervising_unit=supervising,
        frequency=data["frequency"],
        start_date=start,
        end_date=end,
        note=data.get("note") or "",
    )
    schedule._history_user = user
    schedule.save()
    _require_written_in_scope(SupervisionSchedule, schedule, user)
    return schedule


@dataclass
class CoverageRow:
    schedule: SupervisionSchedule
    period_start: date
    period_end: date
    last_visit: date | None

    @property
    def covered(self) -> bool:
        return self.last_visit is not None and self.last_visit >= self.period_start


def coverage(schedules, today: date) -> list[CoverageRow]:
    """For each active schedule: its current period and the last submitted visit of its
    target (by anyone) up to today. One query: the last visit is a subquery per row."""
    submitted = InspectionTarget.objects.filter(
        inspection__status=Inspection.Status.SUBMITTED, inspection__inspection_date__lte=today
    )
    by_enterprise = submitted.filter(enterprise=OuterRef("enterprise"))
    by_unit = submitted.filter(enterprise__isnull=True, org_unit=OuterRef("org_unit"))
    last = Max("inspection__inspection_date")
    rows = (
        schedules.filter(is_active=True, start_date__lte=today)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .select_related("org_unit", "enterprise", "supervising_unit", "group")
        .annotate(
            last_enterprise_visit=Subquery(
                by_enterprise.values("enterprise").annotate(last=last).values("last")[:1]
            ),
            last_unit_visit=Subquery(
                by_unit.values("org_unit").annotate(last=last).values("last")[:1]
            ),
        )
    )
    result = []
    for schedule in rows:
        start, end = period_bounds(schedule.frequency, today)
        last_visit = (
            schedule.last_enterprise_visit if schedule.enterprise_id else schedule.last_unit_visit
        )
        result.append(CoverageRow(schedule, start, end, last_visit))
    return result


# --- Inspections ---------------------------------------------------------------------------

HEADER_FIELDS = (
    "kind",
    "method",
    "inspection_date",
    "outside_experts",
    "summary",
    "industry",
)


@dataclass
class ResultInput:
    """One answered checklist item: at `enterprise` or `unit` (the only target when omitted)."""

    item: object
    result: str
    note: str = ""
    enterprise: object = None
    unit: object = None
    photos: tuple = ()


def _location(units: list[OrgUnit]) -> OrgUnit:
    """The deepest unit whose subtree holds every target: where the inspection is filed."""
    paths = [unit.path for unit in units]
    common = paths[0]
    for path in paths[1:]:
        while not path.startswith(common):
            common = common[: -OrgUnit.steplen]
    return OrgUnit.objects.get(path=common)


def _inspecting_unit(data, user, group) -> OrgUnit:
    unit = data.get("inspecting_unit")
    own = {
        m.org_unit_id: m.org_unit
        for m in Membership.objects.filter(user=user).select_related("org_unit")
    }
    if group is not None:
        own[group.org_unit_id] = group.org_unit
    if unit is None:
        if group is not None:
            return group.org_unit
        if not own:
            raise ValidationError({"inspecting_unit": _("请选择检查单位。")})
        return min(own.values(), key=lambda u: u.depth)
    unit_id = getattr(unit, "pk", unit)
    if unit_id not in own and not user.is_superuser:
        raise ValidationError(
            {"inspecting_unit": _("检查单位须是您所在的单位或所在督导组的组建单位。")}
        )
    return own.get(unit_id) or OrgUnit.objects.get(pk=unit_id)


def _targets(data, user) -> tuple[list[Enterprise], list[OrgUnit]]:
    enterprise_ids = [getattr(e, "pk", e) for e in data.get("enterprises") or ()]
    unit_ids = [getattr(u, "pk", u) for u in data.get("units") or ()]
    enterprises = list(
        Enterprise.objects.restrict(user, Action.VIEW)
        .filter(pk__in=enterprise_ids)
        .select_related("org_unit")
    )
    units = list(OrgUnit.objects.restrict(user, Action.VIEW).filter(pk__in=unit_ids))
    if len(enterprises) != len(set(enterprise_ids)):
        raise ValidationError({"enterprises": _("被检查企业不在您的管辖范围内。")})
    if len(units) != len(set(unit_ids)):
        raise ValidationError({"units": _("被检查单位不在您的管辖范围内。")})
    if not enterprises and not units:
        raise ValidationError({"enterprises": _("请至少选择一个被检查企业或单位。")})
    return enterprises, units


def _check_group(group, user, location) -> None:
    if group is None:
        return
    if group.ended_at is not None:
        raise ValidationError({"group": _("该督导组任期已结束。")})
    if not user.is_superuser and not group.memberships.filter(user=user).exists():
        raise ValidationError({"group": _("您不是该督导组成员。")})
    assigned = group.assignments.filter(revoked_at__isnull=True).values_list(
        "org_unit__path", flat=True
    )
    if not any(location.path.startswith(path) for path in assigned):
        raise ValidationError({"group": _("被检查对象不在该督导组的挂点范围内。")})


def _check_campaign(campaign, user, day) -> None:
    if campaign is None:
        return
    if not SpecialCampaign.objects.restrict(user, Action.VIEW).filter(pk=campaign.pk).exists():
        raise ValidationError({"special_campaign": _("该专项行动不在您的管辖范围内。")})
    if not campaign.start_date <= day <= campaign.end_date:
        raise ValidationError(
            {
                "special_campaign": _("检查日期不在专项行动“%(name)s”的时间范围内。")
                % {"name": campaign}
            }
        )


def _header(inspection, data) -> None:
    for name in HEADER_FIELDS:
        if name in data:
            value = data[name]
            setattr(inspection, name, value if value is not None or name == "industry" else "")
    if inspection.kind not in Inspection.Kind.values:
        raise ValidationError({"kind": _("请选择检查类别。")})
    if inspection.method not in Inspection.Method.values:
        raise ValidationError({"method": _("请选择检查方式。")})
    if inspection.inspection_date is None:
        raise ValidationError({"inspection_date": _("请填写检查日期。")})
    if inspection.inspection_date > timezone.localdate():
        raise ValidationError({"inspection_date": _("检查日期不能晚于今天。")})


def _result_target(entry: ResultInput, targets: dict) -> InspectionTarget:
    if entry.enterprise is not None:
        key = ("enterprise", getattr(entry.enterprise, "pk", entry.enterprise))
    elif entry.unit is not None:
        key = ("unit", getattr(entry.unit, "pk", entry.unit))
    elif len(targets) == 1:
        return next(iter(targets.values()))
    else:
        raise ValidationError({"results": _("检查多个对象时，每条检查结果须注明对象。")})
    if key not in targets:
        raise ValidationError({"results": _("检查结果的对象不在本次被检查对象中。")})
    return targets[key]


def _store_results(inspection, template, entries, targets, *, user) -> None:
    items = {item.pk: item for item in template.items.all()} if template else {}
    seen = set()
    photos_to_store = []
    for entry in entries:
        item_id = getattr(entry.item, "pk", entry.item)
        item = items.get(item_id)
        if item is None:
            raise ValidationError({"results": _("检查项不属于所选检查表。")})
        if entry.result not in ChecklistResult.Result.values:
            raise ValidationError(
                {"results": _("第%(n)d项：请选择检查结果。") % {"n": item.number}}
            )
        target = _result_target(entry, targets)
        if (target.pk, item.pk) in seen:
            raise ValidationError({"results": _("第%(n)d项重复填写。") % {"n": item.number}})
        seen.add((target.pk, item.pk))
        if entry.result == ChecklistResult.Result.FAIL and not (entry.note or "").strip():
            raise ValidationError(
                {"results": _("第%(n)d项不合格：请说明存在的问题。") % {"n": item.number}}
            )
        checked = hazard_services.check_files(entry.photos)
        result = ChecklistResult(
            inspection=inspection,
            target=target,
            item=item,
            result=entry.result,
            note=(entry.note or "").strip(),
        )
        result._history_user = user
        result.save()
        photos_to_store.extend((result, file) for file in checked)
    for result, file in photos_to_store:
        _store_photo(result, file, user=user)


def missing_items(inspection) -> list[str]:
    """ "<target>第n项" for every template item without a result at an enterprise or unit."""
    if inspection.template_id is None:
        return []
    numbers = list(inspection.template.items.values_list("pk", "number"))
    answered = set(inspection.results.values_list("target_id", "item_id"))
    missing = []
    for target in inspection.targets.select_related("enterprise", "org_unit"):
        for pk, number in numbers:
            if (target.pk, pk) not in answered:
                missing.append(_("%(target)s第%(n)d项") % {"target": target, "n": number})
    return missing


@transaction.atomic
def record_inspection(data, *, user, submit=True) -> Inspection:
    """Record a visit with its targets and checklist; `submit` files its findings at once.

    `data`: kind, method, inspection_date, enterprises and/or units, template, results
    ([ResultInput]), and optionally team (users), outside_experts, summary, industry, group,
    special_campaign, inspecting_unit and `submission_key` — the client's key of this
    submission: the same key again returns the inspection it created, nothing is written twice.
    """
    key = data.get("submission_key")
    if key:
        existing = Inspection.objects.filter(submission_key=key).first()
        if existing is not None:
            if not Inspection.objects.restrict(user).filter(pk=existing.pk).exists():
                raise PermissionDenied(_("该提交标识已被使用。"))
            return existing
    enterprises, units = _targets(data, user)
    location = _location([e.org_unit for e in enterprises] + units)
    group = data.get("group")
    _check_group(group, user, location)
    inspection = Inspection(
        org_unit=location,
        inspecting_unit=_inspecting_unit(data, user, group),
        group=group,
        created_by=user,
        submission_key=key or None,
        method=Inspection.Method.REGULAR,
    )
    _header(inspection, data)
    _check_campaign(data.get("special_campaign"), user, inspection.inspection_date)
    inspection.special_campaign = data.get("special_campaign")
    template = data.get("template")
    if (
        template is not None
        and not ChecklistTemplate.objects.filter(pk=template.pk, is_active=True).exists()
    ):
        raise ValidationError({"template": _("该检查表已停用。")})
    inspection.template = template
    inspection._history_user = user
    try:
        with transaction.atomic():
            inspection.save()
    except IntegrityError:
        # The same key submitted concurrently: the first one won.
        return Inspection.objects.get(submission_key=key)
    _require_written_in_scope(Inspection, inspection, user)
    team = list(data.get("team") or ())
    if team:
        allowed = set(
            selectable_users(user).filter(pk__in=[u.pk for u in team]).values_list("pk", flat=True)
        )
        if len(allowed) != len({u.pk for u in team}):
            raise ValidationError({"team": _("检查人员须是您管辖范围内的工作人员。")})
    else:
        team = [user]
    inspection.team.set(team)
    targets = {}
    for enterprise in enterprises:
        targets[("enterprise", enterprise.pk)] = InspectionTarget.objects.create(
            inspection=inspection, enterprise=enterprise, org_unit=enterprise.org_unit
        )
    for unit in units:
        targets[("unit", unit.pk)] = InspectionTarget.objects.create(
            inspection=inspection, org_unit=unit
        )
    entries = list(data.get("results") or ())
    if entries and template is None:
        raise ValidationError({"template": _("填写检查结果须先选择检查表。")})
    _store_results(inspection, template, entries, targets, user=user)
    if submit:
        _submit(inspection, user=user)
    return inspection


def _submit(inspection, *, user) -> None:
    missing = missing_items(inspection)
    if missing:
        raise ValidationError(
            {"results": _("以下检查项尚未填写：%(items)s") % {"items": "、".join(missing[:10])}}
        )
    inspection.status = Inspection.Status.SUBMITTED
    inspection.submitted_at = timezone.now()
    inspection._history_user = user
    inspection.save(update_fields=["status", "submitted_at", "updated_at"])
    file_findings(inspection, user=user)


@transaction.atomic
def submit_inspection(inspection, *, user, expected_version=None) -> Inspection:
    """Submit a draft: every item answered; its findings go into the ledger."""
    locked = lock_row(Inspection, inspection, user, Action.CHANGE)
    check_version(locked, expected_version)
    if locked.status == Inspection.Status.SUBMITTED:
        raise ValidationError(_("该检查已提交。"))
    locked.version += 1
    _submit(locked, user=user)
    return locked


@transaction.atomic
def update_inspection(inspection, data, *, user, expected_version=None) -> Inspection:
    """Correct the header of an inspection (summary, method, experts…); targets and results of
    a submitted inspection are kept as found."""
    locked = lock_row(Inspection, inspection, user, Action.CHANGE)
    check_version(locked, expected_version)
    _header(locked, data)
    if "special_campaign" in data:
        _check_campaign(data["special_campaign"], user, locked.inspection_date)
        locked.special_campaign = data["special_campaign"]
    locked.version += 1
    locked._history_user = user
    locked.save()
    return locked


@transaction.atomic
def add_photos(inspection, result_id, files, *, user) -> list[ChecklistPhoto]:
    """Photos of one item of a draft (taken before it is submitted: its findings copy them)."""
    locked = lock_row(Inspection, inspection, user, Action.CHANGE)
    if locked.status != Inspection.Status.DRAFT:
        raise ValidationError(_("检查已提交，不能再补充照片。"))
    result = locked.results.filter(pk=result_id).first()
    if result is None:
        raise ValidationError({"result": _("该检查结果不属于本次检查。")})
    checked = hazard_services.check_files(files)
    if not checked:
        raise ValidationError({"files": _("请选择要上传的照片。")})
    return [_store_photo(result, file, user=user) for file in checked]


def _store_photo(result, checked, *, user) -> ChecklistPhoto:
    photo = ChecklistPhoto(
        result=result,
        file=checked.uploaded,
        original_name=checked.original_name,
        uploaded_by=user,
    )
    photo._history_user = user
    photo.save()
    return photo


# --- Findings ------------------------------------------------------------------------------


def _finding_description(result) -> str:
    if result.note:
        return f"{result.note}（检查项：{result.item.content}）"
    return result.item.content


def file_findings(inspection, *, user) -> list[Hazard]:
    """One ledger hazard per 不合格 item at an enterprise that has none yet.

    The results are locked first, so a second submission (or a retry) finds them linked and
    files nothing again. Grade and criterion come from the item: a 判定标准 clause makes it
    major.
    """
    failed = (
        ChecklistResult.objects.select_for_update(of=("self",))
        .filter(
            inspection=inspection,
            result=ChecklistResult.Result.FAIL,
            hazard__isnull=True,
            target__enterprise__isnull=False,
        )
        .select_related("item__criterion", "target__enterprise")
        .prefetch_related("photos")
        .order_by("target_id", "item__number")
    )
    team = "、".join(str(u) for u in inspection.team.all())[:100]
    hazards = []
    for result in failed:
        item = result.item
        photos = [
            ContentFile(photo.file.open("rb").read(), name=photo.original_name)
            for photo in result.photos.all()
        ]
        hazard = hazard_services.report_hazard(
            {
                "enterprise": result.target.enterprise,
                "grade": Hazard.Grade.MAJOR if item.criterion_id else item.proposed_grade,
                "criterion": item.criterion,
                "source": inspection.hazard_source,
                "description": _finding_description(result),
                "found_date": inspection.inspection_date,
                "finder_name": team,
            },
            user=user,
            files=photos,
        )
        result.hazard = hazard
        result._history_user = user
        result.save(update_fields=["hazard"])
        hazards.append(hazard)
    return hazards
