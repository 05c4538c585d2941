"""Workflow rules of campaign plans: create, derive, assign, report, review, file, import.

Views, the API, the demo and background jobs all call these. Each one validates first, then
writes inside `transaction.atomic()`, re-reading the rows it changes through `restrict()` with
a row lock, so that a scope lost or a row changed since the form was loaded is refused.
Notifications are sent after the commit.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, Exists, F, Max, OuterRef, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from campaigns.models import (
    Action,
    Assignment,
    Checklist,
    ChecklistItem,
    Phase,
    Plan,
    PlanSection,
    ProgressAttachment,
    ProgressReport,
    Recurrence,
    Slot,
    Task,
)
from core.context import current_request_id
from core.exceptions import StaleVersionError
from core.notifications import Message, notify, notify_many
from core.uploads import validate_evidence
from orgs.constants import Action as ScopeAction
from orgs.constants import Kind, Role
from orgs.models import Membership, OrgUnit
from orgs.scoping import scope_for

# Who reports for a unit; who accepts a subordinate's plan for filing (备案).
REPORTING_ROLES = (Role.STAFF, Role.ADMIN)
FILING_ROLES = (Role.LEADER, Role.ADMIN)
# Slots a unit still has to report on.
OPEN_SLOT_STATES = (Slot.Status.OPEN, Slot.Status.RETURNED)

TASK_FIELDS = (
    "action",
    "number",
    "ordinal",
    "title",
    "text",
    "lead_unit",
    "deadline",
    "deadline_phrase",
    "recurrence",
    "times_per_period",
    "target",
)
# Changing these moves the task's due dates: the slots of its assignments follow.
TIMING_FIELDS = ("deadline", "recurrence", "times_per_period")
PLAN_FIELDS = ("title", "document_number", "issue_date")
MONTHS_PER_PERIOD = {
    Recurrence.MONTHLY: 1,
    Recurrence.QUARTERLY: 3,
    Recurrence.HALF_YEARLY: 6,
    Recurrence.YEARLY: 12,
}


# --- Scope helpers ---------------------------------------------------------------------------


def _may_add(user, model, org_unit) -> bool:
    """Whether `user` may add a `model` row located at `org_unit`.

    The scope's clause for `add` is a prefix match on the row's `org_path`; it is evaluated on
    the unit itself, its `path` standing in for the row's copy of it, so that the rule stays
    the one `restrict` applies.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    q = scope_for(user).q_for(model, ScopeAction.ADD)
    if q is None:
        return False
    units = OrgUnit.objects.filter(pk=org_unit.pk).annotate(org_path=F("path"))
    return units.filter(q).exists()


def _locked(model, obj, user, action, message):
    """`obj` re-read through the user's scope for `action`, locked for the transaction."""
    row = (
        model.objects.restrict(user, action)
        .select_for_update(of=("self",))
        .filter(pk=obj.pk)
        .first()
    )
    if row is None:
        raise ValidationError(message)
    return row


def _check_version(row, expected_version, message):
    if expected_version is not None and row.version != expected_version:
        raise StaleVersionError(message)


def _history_attrs() -> dict:
    # Bulk history rows skip RequestIdHistoricalModel.save(): give them the request id here.
    return {"request_id": current_request_id() or ""}


def user_ids_by_unit(unit_ids, roles) -> dict[int, list[int]]:
    """Active users holding one of `roles` at each unit (not below it): one query."""
    by_unit = defaultdict(list)
    memberships = Membership.objects.filter(
        org_unit_id__in=set(unit_ids), role__in=roles, user__is_active=True
    ).values_list("org_unit_id", "user_id")
    for unit_id, user_id in memberships.distinct():
        by_unit[unit_id].append(user_id)
    return by_unit


def _assignable_area(owner: OrgUnit) -> Q:
    """Units a plan of `owner` may assign tasks to: its strict descendants, and for a
    department, the units in its jurisdiction (管行业必须管安全)."""
    area = Q(path__startswith=owner.path) & ~Q(pk=owner.pk)
    if owner.kind == Kind.DEPARTMENT and owner.jurisdiction_id:
        jurisdiction = owner.jurisdiction
        area |= Q(path__startswith=jurisdiction.path) & ~Q(pk=jurisdiction.pk)
    return area


# --- Plans -----------------------------------------------------------------------------------


def create_plan(
    *, user, org_unit, campaign, title, document_number="", issue_date=None, parent=None
) -> Plan:
    """A new draft plan of `org_unit`, optionally made under a superior's plan (`parent`)."""
    plan = Plan(
        org_unit=org_unit,
        campaign=campaign,
        title=(title or "").strip(),
        document_number=(document_number or "").strip(),
        issue_date=issue_date,
        parent=parent,
        created_by=user,
    )
    with transaction.atomic():
        _validate_new_plan(plan, user)
        if parent is not None:
            _locked(Plan, parent, user, ScopeAction.VIEW, _("上级方案不存在或无权查看。"))
        plan._history_user = user
        plan.save()
    return plan


def _validate_new_plan(plan: Plan, user) -> None:
    if not plan.title:
        raise ValidationError({"title": _("请填写方案名称。")})
    if not _may_add(user, Plan, plan.org_unit):
        raise ValidationError({"org_unit": _("该单位不在您的管辖范围内，不能为其制定方案。")})
    parent = plan.parent
    if parent is not None:
        if parent.campaign_id != plan.campaign_id:
            raise ValidationError({"parent": _("上级方案属于另一项专项行动。")})
        if parent.org_path.startswith(plan.org_unit.path):
            raise ValidationError({"parent": _("上级方案必须是上级单位的方案。")})
    plan.copy_location()
    plan.full_clean()


def derive_plan(*, user, parent_plan, org_unit, title=None) -> Plan:
    """按照上级方案要求，结合实际: `org_unit`'s plan, starting with every task of
    `parent_plan` assigned to it, each copied with a link to its origin.

    The copies keep the superior's action structure (the actions that contain them). Calling
    it again for the same plan and unit returns the plan made the first time.
    """
    if not _may_add(user, Plan, org_unit):
        raise ValidationError({"org_unit": _("该单位不在您的管辖范围内，不能为其制定方案。")})
    existing = Plan.objects.filter(parent=parent_plan, org_unit=org_unit).first()
    if existing is not None:
        return existing
    assignments = list(
        Assignment.objects.filter(task__plan=parent_plan, org_unit=org_unit)
        .select_related("task")
        .order_by("task__ordinal", "task_id")
    )
    if not assignments:
        raise ValidationError(
            {"org_unit": _("上级方案没有向“%(unit)s”分派任务。") % {"unit": org_unit.name}}
        )
    with transaction.atomic():
        # Concurrent derivations of the same plan queue on the parent's row lock.
        parent = _locked(Plan, parent_plan, user, ScopeAction.VIEW, _("上级方案不存在或无权查看。"))
        existing = Plan.objects.filter(parent=parent, org_unit=org_unit).first()
        if existing is not None:
            return existing
        plan = Plan(
            org_unit=org_unit,
            campaign_id=parent.campaign_id,
            parent=parent,
            title=(title or "").strip() or _derived_title(parent, org_unit),
            created_by=user,
        )
        _validate_new_plan(plan, user)
        plan._history_user = user
        plan.save()
        sources = [assignment.task for assignment in assignments]
        actions = _copy_actions(plan, {task.action_id for task in sources}, user)
        copies = [_derived_copy(task, plan, actions.get(task.action_id)) for task in sources]
        copies = bulk_create_with_history(
            copies, Task, default_user=user, custom_historical_attrs=_history_attrs()
        )
        for assignment, copy in zip(assignments, copies, strict=True):
            assignment.derived_task = copy
        bulk_update_with_history(
            assignments,
            Assignment,
            ["derived_task"],
            default_user=user,
            custom_historical_attrs=_history_attrs(),
        )
    return plan


def _derived_title(parent: Plan, org_unit: OrgUnit) -> str:
    """湾里管理局安全生产治本攻坚三年行动工作方案 → 招贤镇安全生产治本攻坚三年行动工作方案."""
    title = parent.title
    for name in (parent.org_unit.name, parent.org_unit.short_name):
        if name and title.startswith(name):
            title = title[len(name) :]
            break
    return f"{org_unit.name}{title}"[:200]


def _copy_actions(plan: Plan, action_ids, user) -> dict[int, Action]:
    """Copy the superior's actions that hold the derived tasks; old id → new action."""
    sources = list(Action.objects.filter(pk__in=action_ids - {None}).order_by("ordinal", "id"))
    copies = [
        Action(plan=plan, number=a.number, ordinal=a.ordinal, title=a.title, text=a.text)
        for a in sources
    ]
    copies = bulk_create_with_history(
        copies, Action, default_user=user, custom_historical_attrs=_history_attrs()
    )
    return {source.pk: copy for source, copy in zip(sources, copies, strict=True)}


def _derived_copy(task: Task, plan: Plan, action: Action | None) -> Task:
    copy = Task(
        plan=plan,
        org_unit=plan.org_unit,
        action=action,
        origin=task,
        origin_version_seen=task.version,
        lineage=task.descendants_lineage,
        **{
            name: getattr(task, name)
            for name in TASK_FIELDS
            if name not in ("action", "lead_unit")  # the unit names its own lead unit
        },
    )
    # bulk_create skips save(), which copies the location onto the row.
    copy.copy_location()
    return copy


def update_plan(plan, data, *, user, expected_version=None) -> Plan:
    """Change a plan's title, document number (文号) or issue date."""
    unknown = set(data) - set(PLAN_FIELDS)
    if unknown:
        raise ValidationError(_("不能修改的字段：%(fields)s") % {"fields": "、".join(unknown)})
    with transaction.atomic():
        locked = _locked(Plan, plan, user, ScopeAction.CHANGE, _("无权修改该方案。"))
        _check_version(locked, expected_version, _("该方案已被他人修改，请刷新后重新编辑。"))
        for name, value in data.items():
            setattr(locked, name, value.strip() if isinstance(value, str) else value)
        if not locked.title:
            raise ValidationError({"title": _("请填写方案名称。")})
        locked.full_clean()
        locked.version += 1
        locked._history_user = user
        locked.save()
    return locked


def issue_plan(plan, *, user) -> Plan:
    """印发: draft → issued. The units it assigns tasks to are told to derive their plans."""
    with transaction.atomic():
        locked = _locked(Plan, plan, user, ScopeAction.CHANGE, _("无权印发该方案。"))
        if locked.status != Plan.Status.DRAFT:
            raise ValidationError(_("只有草稿状态的方案才能印发。"))
        if not locked.tasks.exists():
            raise ValidationError(_("方案中还没有任务，不能印发。"))
        locked.status = Plan.Status.ISSUED
        locked.issued_at = timezone.now()
        locked.issue_date = locked.issue_date or timezone.localdate()
        locked.version += 1
        locked._history_user = user
        locked.save()
        unit_ids = set(
            Assignment.objects.filter(task__plan=locked).values_list("org_unit_id", flat=True)
        )
        transaction.on_commit(lambda: _notify_plan_issued(locked, unit_ids))
    return locked


def _notify_plan_issued(plan: Plan, unit_ids) -> None:
    title = _("%(unit)s印发《%(plan)s》，请按要求制定本级方案") % {
        "unit": plan.org_unit.name,
        "plan": plan.title,
    }
    link = plan.get_absolute_url()
    notify_many(
        Message(recipient_id=user_id, title=title, link=link, dedup_key=f"plan:{plan.pk}:issued")
        for user_ids in user_ids_by_unit(unit_ids, REPORTING_ROLES).values()
        for user_id in user_ids
    )


def file_plan(plan, *, user) -> Plan:
    """备案: issued → filed, by a leader or admin of a unit above the plan's owner."""
    with transaction.atomic():
        locked = _locked(Plan, plan, user, ScopeAction.VIEW, _("方案不存在或无权查看。"))
        if not user.is_superuser and not any(
            grant.role in FILING_ROLES
            and grant.subtree_path
            and locked.org_path.startswith(grant.subtree_path)
            and locked.org_path != grant.subtree_path
            for grant in scope_for(user).grants
        ):
            raise ValidationError(_("只有上级单位的领导或管理员才能为方案备案。"))
        if locked.status != Plan.Status.ISSUED:
            raise ValidationError(_("只有已印发的方案才能备案。"))
        locked.status = Plan.Status.FILED
        locked.filed_at = timezone.now()
        locked.filed_by = user
        locked.version += 1
        locked._history_user = user
        locked.save()
    return locked


# --- Actions and tasks -----------------------------------------------------------------------


def add_action(plan, *, user, title, number="", text="") -> Action:
    """十大行动's kind of heading: a numbered group of the plan's tasks, after the last one."""
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("请填写行动名称。")})
    with transaction.atomic():
        locked = _locked(Plan, plan, user, ScopeAction.CHANGE, _("无权修改该方案。"))
        last = locked.actions.aggregate(last=Max("ordinal"))["last"]
        action = Action(plan=locked, number=number, ordinal=(last or 0) + 1, title=title, text=text)
        action.full_clean(exclude=["plan"])
        action._history_user = user
        action.save()
    return action


def add_task(plan, data, *, user) -> Task:
    """A task of the plan's own (not derived), numbered after the last one by default."""
    unknown = set(data) - set(TASK_FIELDS)
    if unknown:
        raise ValidationError(_("未知的字段：%(fields)s") % {"fields": "、".join(unknown)})
    with transaction.atomic():
        locked = _locked(Plan, plan, user, ScopeAction.CHANGE, _("无权修改该方案。"))
        task = Task(plan=locked, org_unit=locked.org_unit, **data)
        if "ordinal" not in data:
            last = locked.tasks.aggregate(last=Max("ordinal"))["last"]
            task.ordinal = (last or 0) + 1
        task.number = task.number or str(task.ordinal)
        _validate_task(task, locked)
        task._history_user = user
        task.save()
    return task


def _validate_task(task: Task, plan: Plan) -> None:
    task.text = (task.text or "").strip()
    if not task.text:
        raise ValidationError({"text": _("请填写任务内容。")})
    if task.action_id is not None and task.action.plan_id != plan.pk:
        raise ValidationError({"action": _("所选行动不属于该方案。")})
    if task.times_per_period is not None and not task.recurrence:
        raise ValidationError({"times_per_period": _("只有周期性任务才能设置每周期次数。")})
    campaign = plan.campaign
    if task.deadline is not None and not campaign.start <= task.deadline <= campaign.end:
        raise ValidationError(
            {
                "deadline": _("完成时限应在%(start)s至%(end)s之间。")
                % {"start": campaign.start, "end": campaign.end}
            }
        )
    if task.lead_unit_id is not None:
        owner = plan.org_unit
        allowed = OrgUnit.objects.filter(_assignable_area(owner) | Q(pk=owner.pk))
        if not allowed.filter(pk=task.lead_unit_id).exists():
            raise ValidationError({"lead_unit": _("牵头单位必须是本单位或其下级单位。")})
    task.copy_location()
    # The relations were checked above or come from the plan: no query per foreign key.
    task.full_clean(exclude=["plan", "org_unit", "action", "lead_unit", "origin"])


def update_task(task, data, *, user, expected_version=None) -> Task:
    """Edit a task. The units that copied it see a notice on their copy (never an overwrite),
    and their staff are told; the slots follow a changed deadline or recurrence."""
    unknown = set(data) - set(TASK_FIELDS)
    if unknown:
        raise ValidationError(_("未知的字段：%(fields)s") % {"fields": "、".join(unknown)})
    with transaction.atomic():
        locked = _locked(Task, task, user, ScopeAction.CHANGE, _("无权修改该任务。"))
        _check_version(locked, expected_version, _("该任务已被他人修改，请刷新后重新编辑。"))
        changed = [name for name, value in data.items() if getattr(locked, name) != value]
        if not changed:
            return locked
        for name in changed:
            setattr(locked, name, data[name])
        _validate_task(locked, locked.plan)
        _save_new_version(locked, user)
        if set(changed) & set(TIMING_FIELDS):
            _resync_slots(locked)
    return locked


def _save_new_version(task: Task, user) -> None:
    task.version += 1
    task._history_user = user
    task.save()
    derived = list(
        Task.objects.filter(origin=task).select_related("plan").only("pk", "org_unit_id", "plan")
    )
    if derived:
        transaction.on_commit(lambda: _notify_origin_changed(task, derived))


def _notify_origin_changed(task: Task, derived: list[Task]) -> None:
    title = _("上级任务已调整：%(unit)s任务%(number)s，请核对本级任务") % {
        "unit": task.org_unit.name,
        "number": task.number,
    }
    staff = user_ids_by_unit({copy.org_unit_id for copy in derived}, REPORTING_ROLES)
    notify_many(
        Message(
            recipient_id=user_id,
            title=title,
            body=_("《%(plan)s》中由该任务分解的任务显示了上级的新内容，可确认或采用新表述。")
            % {"plan": copy.plan.title},
            link=copy.get_absolute_url(),
            dedup_key=f"origin:{copy.pk}:v{task.version}",
        )
        for copy in derived
        for user_id in staff.get(copy.org_unit_id, ())
    )


def acknowledge_origin_change(task, *, user, apply_text=False) -> Task:
    """The unit has read the superior's change: the notice goes away. With `apply_text`, the
    copy takes the superior's new title and wording (its own dates and units stay)."""
    with transaction.atomic():
        locked = _locked(Task, task, user, ScopeAction.CHANGE, _("无权修改该任务。"))
        if locked.origin_id is None:
            raise ValidationError(_("该任务不是由上级任务分解而来。"))
        origin = locked.origin
        locked.origin_version_seen = origin.version
        if apply_text and (locked.text, locked.title) != (origin.text, origin.title):
            locked.text, locked.title = origin.text, origin.title
            _save_new_version(locked, user)
        else:
            locked._history_user = user
            locked.save(update_fields=["origin_version_seen", "updated_at"])
    return locked


# --- Assignments and their slots -------------------------------------------------------------


@dataclass(frozen=True)
class SlotSpec:
    period: str
    period_start: date
    due_date: date
    required_count: int


def slot_schedule(task: Task, today: date | None = None) -> list[SlotSpec]:
    """The due dates of an assignment of `task`.

    A recurrence gives one slot per period, from the period holding the later of the
    campaign's start and the plan's issue date (today for a plan not yet issued) to the
    campaign's end — or to the task's deadline when it has both. A fixed deadline gives one
    slot due that day; a task with neither is due at the campaign's end.
    """
    campaign = task.plan.campaign
    first = max(campaign.start, task.plan.issue_date or today or timezone.localdate())
    if not task.recurrence:
        due = task.deadline or campaign.end
        return [SlotSpec(due.isoformat(), min(first, due), due, 1)]
    last = min(task.deadline or campaign.end, campaign.end)
    return [
        SlotSpec(label, start, end, task.times_per_period or 1)
        for label, start, end in periods(task.recurrence, min(first, last), last)
    ]


def periods(recurrence: str, first: date, last: date) -> list[tuple[str, date, date]]:
    """(label, first day, last day) of each period from the one holding `first` to the one
    holding `last`: 2024-03, 2024Q1, 2024H1, 2024."""
    step = MONTHS_PER_PERIOD[recurrence]
    year, month = first.year, (first.month - 1) // step * step + 1
    result = []
    while date(year, month, 1) <= last:
        end_year, end_month = year, month + step - 1
        end = date(end_year, end_month, calendar.monthrange(end_year, end_month)[1])
        index = (month - 1) // step + 1
        label = {
            Recurrence.MONTHLY: f"{year}-{month:02d}",
            Recurrence.QUARTERLY: f"{year}Q{index}",
            Recurrence.HALF_YEARLY: f"{year}H{index}",
            Recurrence.YEARLY: f"{year}",
        }[recurrence]
        result.append((label, date(year, month, 1), end))
        year, month = (year + 1, 1) if month + step > 12 else (year, month + step)
    return result


def assign_task(task, org_units, *, user, lead_unit=None) -> list[Assignment]:
    """Make `org_units` responsible (责任单位) for `task`, with their due slots.

    Units already assigned keep their assignment. Returns the assignments of `org_units`.
    """
    org_units = list(org_units)
    if not org_units:
        raise ValidationError({"org_units": _("请选择责任单位。")})
    if lead_unit is not None and lead_unit.pk not in {unit.pk for unit in org_units}:
        raise ValidationError({"lead_unit": _("牵头单位必须是所选责任单位之一。")})
    with transaction.atomic():
        locked = _locked(Task, task, user, ScopeAction.CHANGE, _("无权分派该任务。"))
        owner = locked.plan.org_unit
        allowed = set(
            OrgUnit.objects.filter(_assignable_area(owner), pk__in=[u.pk for u in org_units])
            .filter(is_active=True)
            .values_list("pk", flat=True)
        )
        refused = [unit.name for unit in org_units if unit.pk not in allowed]
        if refused:
            raise ValidationError(
                {
                    "org_units": _("只能分派给本单位的下级单位（或本部门属地内的单位）：%(u)s")
                    % {"u": "、".join(refused)}
                }
            )
        existing = set(locked.assignments.values_list("org_unit_id", flat=True))
        new = []
        for unit in org_units:
            if unit.pk in existing:
                continue
            assignment = Assignment(task=locked, org_unit=unit, assigned_by=user)
            assignment.copy_location()
            new.append(assignment)
            existing.add(unit.pk)
        new = bulk_create_with_history(
            new, Assignment, default_user=user, custom_historical_attrs=_history_attrs()
        )
        _create_slots(new, slot_schedule(locked))
        if lead_unit is not None:
            locked.assignments.filter(org_unit=lead_unit).update(is_lead=True)
        if new and locked.plan.status != Plan.Status.DRAFT:
            unit_ids = {assignment.org_unit_id for assignment in new}
            transaction.on_commit(lambda: _notify_plan_issued(locked.plan, unit_ids))
    return list(
        Assignment.objects.filter(task=locked, org_unit__in=org_units).select_related("org_unit")
    )


def _create_slots(assignments, schedule: list[SlotSpec]) -> None:
    """Every (assignment, period) slot, set-wise; slots already there are left alone."""
    slots = []
    for assignment in assignments:
        for spec in schedule:
            slot = Slot(
                assignment=assignment,
                org_unit_id=assignment.org_unit_id,
                org_path=assignment.org_path,
                province_id=assignment.province_id,
                city_id=assignment.city_id,
                county_id=assignment.county_id,
                township_id=assignment.township_id,
                period=spec.period,
                period_start=spec.period_start,
                due_date=spec.due_date,
                required_count=spec.required_count,
            )
            slots.append(slot)
    Slot.objects.bulk_create(slots, batch_size=2000, ignore_conflicts=True)


def _resync_slots(task: Task) -> None:
    """After a timing change: open slots of periods that remain move to the new due dates,
    unreported open slots of periods that went away are dropped, new periods are added.
    Slots already reported on stay as they are: they are the record of what was done."""
    schedule = slot_schedule(task)
    slots = Slot.objects.filter(assignment__task=task)
    starts = [spec.period_start for spec in schedule]
    reported = Exists(ProgressReport.objects.filter(slot=OuterRef("pk")))
    slots.filter(status=Slot.Status.OPEN).exclude(period_start__in=starts).exclude(
        reported
    ).delete()
    by_start = {spec.period_start: spec for spec in schedule}
    slots.filter(status__in=OPEN_SLOT_STATES, period_start__in=starts).update(
        period=Case(*(When(period_start=s, then=Value(by_start[s].period)) for s in starts)),
        due_date=Case(*(When(period_start=s, then=Value(by_start[s].due_date)) for s in starts)),
        required_count=Value(schedule[0].required_count),
        # A moved due date earns its reminders again.
        last_reminder=None,
    )
    _create_slots(task.assignments.all(), schedule)


# --- Progress reports ------------------------------------------------------------------------


def submit_progress_report(slot, *, user, text, percent_done, files=()) -> ProgressReport:
    """进展汇报 on a slot by its responsible unit; the slot awaits review."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("请填写工作进展。")})
    try:
        percent_done = int(percent_done)
    except (TypeError, ValueError):
        percent_done = -1
    if not 0 <= percent_done <= 100:
        raise ValidationError({"percent_done": _("完成比例应在0到100之间。")})
    files = list(files)
    names = [uploaded.name for uploaded in files]  # before validate_evidence renames them
    for uploaded in files:
        validate_evidence(uploaded)
    with transaction.atomic():
        locked = _locked(
            Slot, slot, user, ScopeAction.ADD, _("只有责任单位的工作人员才能报送进展。")
        )
        if locked.status not in OPEN_SLOT_STATES:
            raise ValidationError(
                _("该报送节点%(status)s，不能重复报送。") % {"status": locked.get_status_display()}
            )
        report = ProgressReport(
            slot=locked,
            org_unit_id=locked.org_unit_id,
            text=text,
            percent_done=percent_done,
            submitted_by=user,
        )
        report.copy_location()
        report.full_clean()
        report._history_user = user
        report.save()
        for uploaded, name in zip(files, names, strict=True):
            ProgressAttachment.objects.create(
                report=report, file=uploaded, original_name=name[:200], uploaded_by=user
            )
        locked.status = Slot.Status.SUBMITTED
        locked.save(update_fields=["status"])
        assignment = Assignment.objects.select_for_update().get(pk=locked.assignment_id)
        if assignment.status == Assignment.Status.PENDING:
            assignment.status = Assignment.Status.IN_PROGRESS
            assignment._history_user = user
            assignment.save()
    return report


def review_progress_report(
    report, *, user, accept, comment="", expected_version=None
) -> ProgressReport:
    """审核: accept the report, or return it with a comment. The reviewer is a leader above
    the responsible unit or of the plan's owner — never the reporting unit itself."""
    comment = (comment or "").strip()
    if not accept and not comment:
        raise ValidationError({"comment": _("退回时请填写审核意见。")})
    with transaction.atomic():
        locked = _locked(
            ProgressReport, report, user, ScopeAction.APPROVE, _("无权审核该进展汇报。")
        )
        _check_version(locked, expected_version, _("该汇报已被他人处理，请刷新后查看。"))
        slot = (
            Slot.objects.select_for_update()
            .select_related("assignment__task")
            .get(pk=locked.slot_id)
        )
        _check_reviewer(user, locked, slot.assignment.task)
        if locked.status != ProgressReport.Status.SUBMITTED:
            raise ValidationError(_("该汇报已审核。"))
        now = timezone.now()
        locked.status = ProgressReport.Status.ACCEPTED if accept else ProgressReport.Status.RETURNED
        locked.reviewed_by, locked.reviewed_at, locked.review_comment = user, now, comment
        locked.version += 1
        locked._history_user = user
        locked.save()
        if accept:
            slot.status, slot.accepted_at = Slot.Status.ACCEPTED, now
        else:
            slot.status = Slot.Status.RETURNED
        slot.save(update_fields=["status", "accepted_at"])
        if accept:
            _complete_assignment_if_done(slot.assignment, user, now)
        transaction.on_commit(lambda: _notify_reviewed(locked, slot))
    return locked


def _check_reviewer(user, report: ProgressReport, task: Task) -> None:
    if report.submitted_by_id == user.pk:
        raise ValidationError(_("不能审核自己报送的汇报。"))
    if user.is_superuser:
        return
    for grant in scope_for(user).grants:
        path = grant.subtree_path
        if grant.role != Role.LEADER or not path or path.startswith(report.org_path):
            continue
        if report.org_path.startswith(path) or task.org_path.startswith(path):
            return
    raise ValidationError(_("只有上级单位或方案制定单位的领导才能审核，本单位不能审核自己的汇报。"))


def _complete_assignment_if_done(assignment: Assignment, user, now) -> None:
    # Locked first: two reviews finishing an assignment's last slots at once both see it.
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.slots.exclude(status=Slot.Status.ACCEPTED).exists():
        return
    assignment.status = Assignment.Status.DONE
    assignment.completed_at = now
    assignment._history_user = user
    assignment.save()


def _notify_reviewed(report: ProgressReport, slot: Slot) -> None:
    task = slot.assignment.task
    if report.status == ProgressReport.Status.ACCEPTED:
        title = _("进展汇报已通过：任务%(number)s（%(period)s）")
    else:
        title = _("进展汇报被退回：任务%(number)s（%(period)s），请修改后重新报送")
    notify(
        [report.submitted_by],
        title % {"number": task.number, "period": slot.period},
        body=report.review_comment,
        link=task.get_absolute_url(),
        sender=report.reviewed_by,
        dedup_key=f"report:{report.pk}:v{report.version}",
    )


# --- Checklists ------------------------------------------------------------------------------


def create_checklist(*, user, org_unit, kind, title, year=None, plan=None, items=()) -> Checklist:
    """责任清单 / 年度重点工作任务清单 of a unit, with its items in order."""
    checklist = Checklist(
        org_unit=org_unit, kind=kind, title=(title or "").strip(), year=year, plan=plan
    )
    if not checklist.title:
        raise ValidationError({"title": _("请填写清单名称。")})
    if plan is not None and plan.org_unit_id != org_unit.pk:
        raise ValidationError({"plan": _("清单只能关联本单位的方案。")})
    texts = [text.strip() for text in items if text and text.strip()]
    checklist.copy_location()
    checklist.full_clean()
    with transaction.atomic():
        if not _may_add(user, Checklist, org_unit):
            raise ValidationError({"org_unit": _("该单位不在您的管辖范围内。")})
        checklist._history_user = user
        checklist.save()
        bulk_create_with_history(
            [
                ChecklistItem(checklist=checklist, ordinal=index, text=text)
                for index, text in enumerate(texts, start=1)
            ],
            ChecklistItem,
            default_user=user,
            custom_historical_attrs=_history_attrs(),
        )
    return checklist


def tick_checklist_item(item, *, user, done, note="", evidence=None) -> ChecklistItem:
    """Tick an item off (or undo it) with a note on what was done and optional evidence."""
    if evidence is not None:
        validate_evidence(evidence)
    with transaction.atomic():
        _locked(Checklist, item.checklist, user, ScopeAction.CHANGE, _("无权修改该清单。"))
        locked = ChecklistItem.objects.select_for_update().get(pk=item.pk)
        locked.done = bool(done)
        locked.done_at = timezone.now() if done else None
        locked.done_by = user if done else None
        locked.evidence_note = (note or "").strip()
        if evidence is not None:
            locked.evidence = evidence
        locked._history_user = user
        locked.save()
    return locked


# --- Importing a plan's text -----------------------------------------------------------------


def import_parsed_plan(
    parsed,
    *,
    user,
    org_unit,
    campaign,
    parent=None,
    title=None,
    document_number=None,
    issue_date=None,
) -> Plan:
    """Save what `campaigns.parsing.parse_plan` read (after the user's corrections): the plan,
    its sections, its own phases, its actions and tasks — all or nothing."""
    plan = Plan(
        org_unit=org_unit,
        campaign=campaign,
        title=(title or parsed.title or "").strip(),
        document_number=(
            document_number if document_number is not None else parsed.document_number or ""
        ).strip(),
        issue_date=issue_date if issue_date is not None else parsed.issue_date,
        parent=parent,
        created_by=user,
    )
    with transaction.atomic():
        _validate_new_plan(plan, user)
        if parent is not None:
            _locked(Plan, parent, user, ScopeAction.VIEW, _("上级方案不存在或无权查看。"))
        plan._history_user = user
        plan.save()
        history = {"default_user": user, "custom_historical_attrs": _history_attrs()}
        sections = [
            PlanSection(plan=plan, kind=s.kind, heading=s.heading[:200], text=s.text, order=i)
            for i, s in enumerate(parsed.sections, start=1)
        ]
        bulk_create_with_history(sections, PlanSection, **history)
        phases = [
            Phase(campaign=campaign, plan=plan, name=p.name[:50], order=i, start=p.start, end=p.end)
            for i, p in enumerate(parsed.phases, start=1)
        ]
        bulk_create_with_history(phases, Phase, **history)
        actions = [
            Action(
                plan=plan, number=a.number[:12], ordinal=a.ordinal, title=a.title[:200], text=a.text
            )
            for a in parsed.actions
        ]
        actions = bulk_create_with_history(actions, Action, **history)
        tasks = [
            _imported_task(task, plan, action)
            for action, parsed_action in zip(actions, parsed.actions, strict=True)
            for task in parsed_action.tasks
        ]
        tasks += [_imported_task(task, plan, None) for task in parsed.tasks]
        bulk_create_with_history(tasks, Task, **history)
    return plan


def _imported_task(parsed_task, plan: Plan, action: Action | None) -> Task:
    task = Task(
        plan=plan,
        org_unit=plan.org_unit,
        action=action,
        number=parsed_task.number[:12],
        ordinal=parsed_task.ordinal,
        title=(parsed_task.title or "")[:200],
        text=parsed_task.text,
        deadline=parsed_task.deadline,
        deadline_phrase=(parsed_task.deadline_phrase or "")[:100],
        recurrence=parsed_task.recurrence or "",
        times_per_period=parsed_task.times_per_period if parsed_task.recurrence else None,
        target=(parsed_task.target or "")[:200],
    )
    try:
        _validate_task(task, plan)
    except ValidationError as error:
        where = _("第%(line)d行任务%(number)s") % {
            "line": parsed_task.line,
            "number": parsed_task.number,
        }
        raise ValidationError(f"{where}：{'；'.join(error.messages)}") from error
    return task
