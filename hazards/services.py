"""Workflow of the hazard ledger: report, 五落实, rectify, close out, 挂牌督办, void, escalate.

Pages, API, imports, integrations and the daily jobs all change hazards through here. Each
function validates what it can up front, then writes inside one transaction with the hazard
row locked and the user's scope re-checked under the lock — a revoked grant or a concurrent
transition is seen — records a HazardTransition and a history row, and bumps `version`.

Errors: ValidationError (Chinese, by field where there is one) for what the user can correct;
django.core.exceptions.PermissionDenied for what this user may not do at all;
core.exceptions.StaleVersionError when an edit was based on an older version.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from core.exceptions import StaleVersionError
from core.models import Notification
from core.notifications import notify, record_external_notice
from core.uploads import validate_evidence
from hazards.constants import (
    HAZARD_ROLE_ACTIONS,
    MAX_FILES_PER_UPLOAD,
    HazardAction,
    TransitionAction,
)
from hazards.models import (
    Escalation,
    Hazard,
    HazardFile,
    HazardNotice,
    HazardTransition,
    LedgerSequence,
)
from orgs.constants import Kind, Role
from orgs.models import Enterprise, OrgUnit
from orgs.scoping import scope_for
from orgs.validators import validate_phone

Status = Hazard.Status

# 五落实: 责任、措施、资金、时限、预案.
PLAN_FIELDS = (
    "responsible_person",
    "responsible_phone",
    "measures",
    "funds",
    "deadline",
    "contingency_plan",
)
# What describes the hazard itself; officials edit these until close-out is requested.
DESCRIPTION_FIELDS = ("grade", "criterion", "description", "place", "found_date", "finder_name")
# Enterprise users correct their own report until an official confirms it.
ENTERPRISE_DESCRIPTION_FIELDS = ("description", "place", "found_date", "finder_name")
REPORT_FIELDS = (
    "enterprise",
    "industry",
    "source",
    *DESCRIPTION_FIELDS,
    *PLAN_FIELDS,
    "external_source",
    "external_id",
)
# Statuses in which a deadline can be missed: once close-out is requested the rectification
# is done, whatever the verifier's pace.
OVERDUE_STATUSES = (Status.REPORTED, Status.CONFIRMED, Status.RECTIFYING)
OPEN_STATUSES = (*OVERDUE_STATUSES, Status.CLOSE_OUT_REQUESTED)
EDITABLE_STATUSES = OVERDUE_STATUSES

PLAN_LABELS = {
    "responsible_person": _lazy("整改责任人"),
    "measures": _lazy("整改措施"),
    "funds": _lazy("整改资金"),
    "deadline": _lazy("整改时限"),
    "contingency_plan": _lazy("应急预案"),
}

# What a user is told when their scope does not cover the action on this hazard.
SCOPE_DENIED = {
    HazardAction.VIEW: _lazy("您无权查看该隐患。"),
    HazardAction.CHANGE: _lazy("您无权修改该隐患。"),
    HazardAction.CONFIRM: _lazy("只有属地或行业监管部门的工作人员才能确认或退回隐患。"),
    HazardAction.VERIFY: _lazy(
        "审核销号须由隐患所在地的上级单位或行业主管部门办理，您无权审核该隐患。"
    ),
    HazardAction.LIST: _lazy("挂牌督办须由隐患所在地的上级单位办理，您无权挂牌或摘牌。"),
    HazardAction.VOID: _lazy("您无权作废或恢复该隐患。"),
    HazardAction.ISSUE: _lazy("督办措施须由隐患所在地的上级单位发出，您无权办理。"),
}


# --- Who the user is ---------------------------------------------------------------------


def is_enterprise_user(user) -> bool:
    """Whether the user acts for an enterprise: all their (active) grants bind one."""
    if user.is_superuser:
        return False
    grants = scope_for(user).grants
    return bool(grants) and all(grant.enterprise_id is not None for grant in grants)


def acts_for(user, unit: OrgUnit, action: str) -> bool:
    """Whether the user holds `action` through a role at `unit` or at a unit above it.

    挂牌督办 is done in the name of a unit (省/市/县 or a department): the user must belong to
    it or to its superiors, not merely be able to see it.
    """
    if user.is_superuser:
        return True
    return any(
        grant.subtree_path
        and unit.path.startswith(grant.subtree_path)
        and action in HAZARD_ROLE_ACTIONS.get(grant.role, ())
        for grant in scope_for(user).grants
    )


def _acting_unit(user, org_path: str, industry_id: int) -> OrgUnit | None:
    """The unit in whose name the user acts on a row located at `org_path`: their nearest
    unit above it, or the sectoral department governing its industry."""
    paths = [
        grant.subtree_path
        for grant in scope_for(user).grants
        if grant.subtree_path
        and (
            (org_path.startswith(grant.subtree_path) and org_path != grant.subtree_path)
            or (
                grant.sectoral_path
                and org_path.startswith(grant.sectoral_path)
                and industry_id in grant.industry_ids
            )
        )
    ]
    if not paths:
        return None
    return OrgUnit.objects.get(path=max(paths, key=len))


# --- Small shared steps ------------------------------------------------------------------


def _lock(hazard, user, action=None) -> Hazard:
    """The hazard as it is now, its row locked until the transaction ends; with `action`,
    only if the user's scope allows it on the row as locked."""
    locked = (
        Hazard.objects.restrict(user, HazardAction.VIEW)
        # Only the hazard's row: locking its enterprise and org unit would serialise every
        # transition of a whole township.
        .select_for_update(of=("self",))
        .select_related("enterprise")
        .filter(pk=hazard.pk)
        .first()
    )
    if locked is None:
        raise PermissionDenied(SCOPE_DENIED[HazardAction.VIEW])
    if action is not None:
        _require_scope(locked, user, action)
    return locked


def _require_scope(hazard, user, action) -> None:
    if not Hazard.objects.restrict(user, action).filter(pk=hazard.pk).exists():
        raise PermissionDenied(SCOPE_DENIED[action])


def _check_version(hazard, expected_version) -> None:
    if expected_version is not None and hazard.version != int(expected_version):
        raise StaleVersionError(
            _("该隐患已被他人修改（当前第%(current)d版，您编辑的是第%(yours)d版），请刷新后重试。")
            % {"current": hazard.version, "yours": int(expected_version)}
        )


def _require_not_void(hazard) -> None:
    if hazard.is_void:
        raise ValidationError(_("该隐患已作废，请先恢复后再办理。"), code="void")


def _require_status(hazard, *statuses, doing: str) -> None:
    if hazard.status not in statuses:
        raise ValidationError(
            _("该隐患当前为“%(status)s”，不能%(doing)s。")
            % {"status": hazard.get_status_display(), "doing": doing},
            code="status",
        )


def _require_text(value: str, field: str, message: str) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError({field: message})
    return text


def _save(hazard: Hazard, user) -> None:
    hazard.version += 1
    hazard._history_user = user
    hazard.save()


def _record(hazard, *, user, action, from_status, note="") -> HazardTransition:
    return HazardTransition.objects.create(
        hazard=hazard,
        from_status=from_status,
        to_status=hazard.status,
        action=action,
        note=note,
        actor=user,
    )


def is_overdue_on(hazard, day: date) -> bool:
    """Open, past its deadline and not yet handed over for verification."""
    return bool(
        not hazard.is_void
        and hazard.status in OVERDUE_STATUSES
        and hazard.deadline
        and hazard.deadline < day
    )


def hazard_link(pk) -> str:
    """The ledger page of a hazard, for notifications."""
    return reverse("hazards:hazard_detail", args=[pk])


def missing_plan_parts(hazard) -> list[str]:
    """The parts of the 五落实 not yet recorded, as users name them."""
    return [
        str(label) for name, label in PLAN_LABELS.items() if getattr(hazard, name) in (None, "")
    ]


# --- Building and validating a hazard ------------------------------------------------------


def _assign(hazard: Hazard, data: dict, fields: Iterable[str]) -> None:
    for name in fields:
        if name in data:
            value = data[name]
            if isinstance(value, str) and name not in ("description", "measures"):
                value = value.strip()
            setattr(hazard, name, "" if value is None and _is_text(name) else value)


def _is_text(name: str) -> bool:
    field = Hazard._meta.get_field(name)
    return field.get_internal_type() in ("CharField", "TextField")


# Numbered and located on save; foreign keys arrive as instances their callers resolved
# within scope (checking each again would cost a query per key, per imported row).
_NOT_CLEANED = [
    "ledger_number",
    "org_path",
    *(field.name for field in Hazard._meta.fields if field.is_relation),
]


def validate_hazard(hazard: Hazard) -> None:
    """Field and cross-field checks, with every message at once (as a form shows them)."""
    errors: dict[str, list] = {}
    try:
        hazard.clean_fields(exclude=_NOT_CLEANED)
    except ValidationError as exc:
        errors.update(exc.error_dict)
    today = timezone.localdate()
    if isinstance(hazard.found_date, date) and hazard.found_date > today:
        errors.setdefault("found_date", []).append(_("发现日期不能晚于今天。"))
    if (
        isinstance(hazard.deadline, date)
        and isinstance(hazard.found_date, date)
        and hazard.deadline < hazard.found_date
    ):
        errors.setdefault("deadline", []).append(_("整改时限不能早于发现日期。"))
    if hazard.responsible_phone:
        try:
            validate_phone(hazard.responsible_phone)
        except ValidationError as exc:
            errors.setdefault("responsible_phone", []).extend(exc.messages)
    if hazard.funds is not None and hazard.funds < 0:
        errors.setdefault("funds", []).append(_("整改资金不能为负数。"))
    if hazard.criterion_id and not hazard.criterion.is_active:
        errors.setdefault("criterion", []).append(_("该判定依据已停用。"))
    if hazard.grade == Hazard.Grade.GENERAL and hazard.criterion_id:
        errors.setdefault("criterion", []).append(_("一般事故隐患不填判定依据。"))
    if errors:
        raise ValidationError(errors)


def _county_code(org_unit: OrgUnit) -> str:
    county = org_unit.county if org_unit.county_id else None
    return (county.division_code if county else org_unit.division_code)[:6]


def allocate_ledger_numbers(org_unit: OrgUnit, year: int, count: int = 1) -> list[str]:
    """`count` consecutive ledger numbers `<county code>-<year>-<seq>`; call inside the
    writing transaction: the sequence row stays locked until it commits, so numbers are
    never handed out twice and a rolled-back report gives its number back."""
    code = _county_code(org_unit)
    # Creates the row the first time (a concurrent creator makes this a no-op), then locks it.
    LedgerSequence.objects.bulk_create(
        [LedgerSequence(division_code=code, year=year)], ignore_conflicts=True
    )
    sequence = LedgerSequence.objects.select_for_update().get(division_code=code, year=year)
    first = sequence.last + 1
    sequence.last += count
    sequence.save(update_fields=["last"])
    return [f"{code}-{year}-{number:06d}" for number in range(first, first + count)]


# --- Files ---------------------------------------------------------------------------------


@dataclass
class CheckedFile:
    uploaded: object
    original_name: str
    extension: str


def check_files(files) -> list[CheckedFile]:
    """Validate uploads by content before anything is written; errors under `files`."""
    files = list(files or ())
    if len(files) > MAX_FILES_PER_UPLOAD:
        raise ValidationError(
            {"files": _("一次最多上传%(n)d个文件。") % {"n": MAX_FILES_PER_UPLOAD}}
        )
    checked, messages = [], []
    for uploaded in files:
        original = os.path.basename(getattr(uploaded, "name", "") or "")[:200] or "upload"
        try:
            extension = validate_evidence(uploaded)
        except ValidationError as exc:
            messages.extend(exc.messages)
            continue
        checked.append(CheckedFile(uploaded, original, extension))
    if messages:
        raise ValidationError({"files": messages})
    return checked


def _store_files(hazard, checked: list[CheckedFile], *, user, kind=None) -> list[HazardFile]:
    stored = []
    for item in checked:
        # After-rectification photos and the scanned documents that prove the work.
        file_kind = kind or (
            HazardFile.Kind.EVIDENCE if item.extension == ".pdf" else HazardFile.Kind.AFTER
        )
        record = HazardFile(
            hazard=hazard,
            kind=file_kind,
            file=item.uploaded,
            original_name=item.original_name,
            uploaded_by=user,
        )
        record._history_user = user
        record.save()
        stored.append(record)
    return stored


@transaction.atomic
def add_files(hazard, files, *, user, kind) -> list[HazardFile]:
    """Attach photos or documents to an open hazard (not a transition: no version bump)."""
    if kind not in HazardFile.Kind.values:
        raise ValidationError({"kind": _("未知的附件类别。")})
    checked = check_files(files)
    if not checked:
        raise ValidationError({"files": _("请选择要上传的文件。")})
    locked = _lock(hazard, user, HazardAction.CHANGE)
    _require_not_void(locked)
    _require_status(locked, *OPEN_STATUSES, doing=_("上传附件"))
    return _store_files(locked, checked, user=user, kind=kind)


# --- Notices -------------------------------------------------------------------------------


def enterprise_users(enterprise_id):
    return (
        get_user_model()
        .objects.filter(memberships__role=Role.ENTERPRISE, memberships__enterprise_id=enterprise_id)
        .distinct()
    )


def location_staff(org_unit_id):
    return (
        get_user_model()
        .objects.filter(memberships__org_unit_id=org_unit_id, memberships__role=Role.STAFF)
        .distinct()
    )


def notice_people(enterprise: Enterprise) -> list[tuple[str, str]]:
    """The 主要负责人 and, when another person, the 实际控制人: (name, phone)."""
    people = [(enterprise.principal_name, enterprise.principal_phone)]
    controller = (enterprise.controller_name, enterprise.controller_phone)
    if controller[0] and controller not in people:
        people.append(controller)
    return people


def notice_text(hazard) -> tuple[str, str]:
    title = _("重大事故隐患告知：%(number)s") % {"number": hazard.ledger_number}
    body = _(
        "%(enterprise)s存在重大事故隐患（%(place)s）：%(description)s。"
        "请主要负责人、实际控制人组织落实整改责任、措施、资金、时限和预案，按期整改。"
    ) % {
        "enterprise": hazard.enterprise.name,
        "place": hazard.place or _("部位未注明"),
        "description": hazard.description[:200],
    }
    return title, body


def notify_enterprise_of_major_hazard(hazard, *, sender, channel=None) -> list[HazardNotice]:
    """Tell the enterprise's 主要负责人/实际控制人 (seeds 002, 003: 及时通知到…) and record
    when, how and by whom; its users also get the notice in the app."""
    channel = channel or Notification.Channel.SMS
    title, body = notice_text(hazard)
    link = hazard_link(hazard.pk)
    notices = []
    for name, phone in notice_people(hazard.enterprise):
        notification = record_external_notice(
            recipient_name=name,
            recipient_phone=phone,
            channel=channel,
            title=title,
            body=body,
            sender=sender,
            link=link,
        )
        notices.append(HazardNotice.objects.create(hazard=hazard, notification=notification))
    notify(
        enterprise_users(hazard.enterprise_id),
        title,
        body=body,
        link=link,
        sender=sender,
        dedup_key=f"hazard:{hazard.pk}:major-notice",
    )
    return notices


def _tell(hazard, recipients, title, *, sender, key, body=""):
    notify(recipients, title, body=body, link=hazard_link(hazard.pk), sender=sender, dedup_key=key)


# --- Reporting and editing -----------------------------------------------------------------


@transaction.atomic
def report_hazard(data, *, user, files=()) -> Hazard:
    """Enter a hazard in the ledger through any channel; returns it saved as `reported`.

    `data`: enterprise (required), grade, source, description, found_date, and optionally
    criterion, place, finder_name, industry (default: the enterprise's), the 五落实 fields,
    `notice_channel` (how the enterprise's principal is told of a major hazard: a
    core Notification channel, default SMS) and, for integrations, external_source/id.
    Enterprise users report for their own enterprise through 企业自查上报 only.
    """
    data = dict(data)
    checked = check_files(files)
    enterprise_user = is_enterprise_user(user)
    if enterprise_user:
        source = data.get("source") or Hazard.Source.SELF_INSPECTION
        if source != Hazard.Source.SELF_INSPECTION:
            raise ValidationError({"source": _("企业用户只能通过“企业自查上报”渠道上报隐患。")})
        data["source"] = source
    enterprise = data.get("enterprise")
    if enterprise is None:
        raise ValidationError({"enterprise": _("请选择隐患所在单位。")})
    enterprise = (
        Enterprise.objects.restrict(user, HazardAction.VIEW)
        .select_related("org_unit__county", "industry")
        .filter(pk=getattr(enterprise, "pk", enterprise))
        .first()
    )
    if enterprise is None:
        raise ValidationError({"enterprise": _("该单位不在您的管辖范围内。")})
    if not enterprise.is_active:
        raise ValidationError({"enterprise": _("该单位已注销，不能再上报隐患。")})

    hazard = Hazard(enterprise=enterprise, org_unit=enterprise.org_unit)
    _assign(hazard, data, [name for name in REPORT_FIELDS if name != "enterprise"])
    if not hazard.industry_id:
        hazard.industry = enterprise.industry
    hazard.finder_name = hazard.finder_name or str(user)
    hazard.reported_by = user
    hazard.status = Status.REPORTED
    validate_hazard(hazard)

    year = hazard.found_date.year
    (hazard.ledger_number,) = allocate_ledger_numbers(enterprise.org_unit, year)
    hazard._history_user = user
    hazard.save()
    # The row's location and industry decide its scope: checked on the row as written.
    if not Hazard.objects.restrict(user, HazardAction.ADD).filter(pk=hazard.pk).exists():
        raise PermissionDenied(_("您无权为该单位上报隐患。"))
    _record(hazard, user=user, action=TransitionAction.REPORT, from_status="")
    _store_files(hazard, checked, user=user, kind=HazardFile.Kind.FOUND)
    if hazard.grade == Hazard.Grade.MAJOR:
        notify_enterprise_of_major_hazard(hazard, sender=user, channel=data.get("notice_channel"))
    return hazard


def _editable_fields(hazard, user) -> tuple[str, ...]:
    if is_enterprise_user(user):
        if hazard.status != Status.REPORTED:
            return PLAN_FIELDS
        return (*ENTERPRISE_DESCRIPTION_FIELDS, *PLAN_FIELDS)
    return (*DESCRIPTION_FIELDS, *PLAN_FIELDS)


def _changed(hazard, data) -> dict:
    """The entries of `data` that differ from the hazard (forms pass every field)."""
    changed = {}
    for name, value in data.items():
        current = getattr(hazard, name, None)
        if isinstance(value, str):
            value = value.strip()
        if value in (None, "") and current in (None, ""):
            continue
        if getattr(current, "pk", current) != getattr(value, "pk", value):
            changed[name] = value
    return changed


@transaction.atomic
def update_hazard(hazard, data, *, user, expected_version) -> Hazard:
    """Edit a hazard's description and 五落实 while it is open and before close-out.

    `expected_version` is the version the editor loaded; a newer one in the database raises
    StaleVersionError and nothing is written. Enterprise users may correct their own report
    until it is confirmed, and fill in the 五落实 after.
    """
    locked = _lock(hazard, user, HazardAction.CHANGE)
    _check_version(locked, expected_version)
    _require_not_void(locked)
    _require_status(locked, *EDITABLE_STATUSES, doing=_("修改"))
    changes = _changed(locked, data)
    allowed = _editable_fields(locked, user)
    refused = sorted(set(changes) - set(allowed))
    if refused:
        raise ValidationError(
            {name: _("当前不能修改此项。") for name in refused}, code="not_editable"
        )
    if not changes:
        return locked
    was_major = locked.grade == Hazard.Grade.MAJOR
    _assign(locked, changes, changes)
    if locked.grade == Hazard.Grade.GENERAL:
        locked.criterion = None
    _validate_plan_kept(locked)
    _validate_major_criterion(locked)
    validate_hazard(locked)
    resubmitted = locked.status == Status.REPORTED and bool(locked.return_reason)
    locked.return_reason = "" if resubmitted else locked.return_reason
    locked.is_overdue = is_overdue_on(locked, timezone.localdate())
    _save(locked, user)
    if resubmitted:
        _record(
            locked,
            user=user,
            action=TransitionAction.REPORT,
            from_status=locked.status,
            note=_("退回后修改，重新上报"),
        )
    if not was_major and locked.grade == Hazard.Grade.MAJOR and not locked.notices.exists():
        notify_enterprise_of_major_hazard(locked, sender=user)
    return locked


def _validate_plan_kept(hazard) -> None:
    if hazard.status == Status.RECTIFYING and missing_plan_parts(hazard):
        raise ValidationError(
            _("整改中的隐患须保持五落实完整，缺少：%(parts)s。")
            % {"parts": "、".join(missing_plan_parts(hazard))},
            code="plan_incomplete",
        )


def _validate_major_criterion(hazard) -> None:
    if (
        hazard.grade == Hazard.Grade.MAJOR
        and hazard.status != Status.REPORTED
        and not hazard.criterion_id
    ):
        raise ValidationError({"criterion": _("重大事故隐患须注明判定依据。")})


@transaction.atomic
def set_rectification_plan(hazard, data, *, user, expected_version=None) -> Hazard:
    """Record or change the 五落实 (责任、措施、资金、时限、预案).

    Allowed until close-out is requested; while rectifying the plan must stay complete.
    """
    unknown = sorted(set(data) - set(PLAN_FIELDS))
    if unknown:
        raise ValidationError({name: _("整改方案不包括此项。") for name in unknown})
    locked = _lock(hazard, user, HazardAction.CHANGE)
    _check_version(locked, expected_version)
    _require_not_void(locked)
    _require_status(locked, *EDITABLE_STATUSES, doing=_("制定整改方案"))
    changes = _changed(locked, data)
    if not changes:
        return locked
    _assign(locked, changes, changes)
    if "deadline" in changes and locked.deadline and locked.deadline < timezone.localdate():
        raise ValidationError({"deadline": _("新的整改时限不能早于今天。")})
    _validate_plan_kept(locked)
    validate_hazard(locked)
    locked.is_overdue = is_overdue_on(locked, timezone.localdate())
    _save(locked, user)
    _record(locked, user=user, action=TransitionAction.PLAN, from_status=locked.status)
    return locked


# --- Transitions ---------------------------------------------------------------------------


def _pre_confirm(hazard, user) -> None:
    _require_not_void(hazard)
    if is_enterprise_user(user):
        raise PermissionDenied(SCOPE_DENIED[HazardAction.CONFIRM])
    _require_status(hazard, Status.REPORTED, doing=_("确认"))


@transaction.atomic
def confirm(hazard, *, user, grade=None, criterion=None, expected_version=None) -> Hazard:
    """reported → confirmed, by an official; may (re)grade it and name the criterion.

    A major hazard needs its 判定依据. Upgrading to major notifies the enterprise's principal.
    """
    locked = _lock(hazard, user, HazardAction.CONFIRM)
    _check_version(locked, expected_version)
    _pre_confirm(locked, user)
    was_major = locked.grade == Hazard.Grade.MAJOR
    if grade is not None:
        locked.grade = grade
    if criterion is not None:
        locked.criterion = criterion
    if locked.grade == Hazard.Grade.GENERAL:
        locked.criterion = None
    validate_hazard(locked)
    before = locked.status
    locked.status = Status.CONFIRMED
    locked.return_reason = ""
    _validate_major_criterion(locked)
    _save(locked, user)
    _record(locked, user=user, action=TransitionAction.CONFIRM, from_status=before)
    if not was_major and locked.grade == Hazard.Grade.MAJOR and not locked.notices.exists():
        notify_enterprise_of_major_hazard(locked, sender=user)
    return locked


def _pre_start_rectification(hazard, user) -> None:
    _require_not_void(hazard)
    _require_status(hazard, Status.CONFIRMED, doing=_("开始整改"))
    missing = missing_plan_parts(hazard)
    if missing:
        raise ValidationError(
            _("五落实不完整，缺少：%(parts)s。请先完善整改方案。") % {"parts": "、".join(missing)},
            code="plan_incomplete",
        )


@transaction.atomic
def start_rectification(hazard, *, user, expected_version=None) -> Hazard:
    """confirmed → rectifying; needs the complete 五落实."""
    locked = _lock(hazard, user, HazardAction.CHANGE)
    _check_version(locked, expected_version)
    _pre_start_rectification(locked, user)
    before = locked.status
    locked.status = Status.RECTIFYING
    _save(locked, user)
    _record(locked, user=user, action=TransitionAction.START_RECTIFICATION, from_status=before)
    return locked


def _pre_request_close_out(hazard, user) -> None:
    _require_not_void(hazard)
    _require_status(hazard, Status.RECTIFYING, doing=_("申请销号"))


@transaction.atomic
def request_close_out(hazard, *, user, note="", files=(), expected_version=None) -> Hazard:
    """rectifying → close_out_requested, with after-photos or evidence (uploaded now or
    before); photos are filed as 整改后照片, PDFs as 佐证材料."""
    checked = check_files(files)
    locked = _lock(hazard, user, HazardAction.CHANGE)
    _check_version(locked, expected_version)
    _pre_request_close_out(locked, user)
    has_evidence = locked.files.filter(
        kind__in=[HazardFile.Kind.AFTER, HazardFile.Kind.EVIDENCE]
    ).exists()
    if not checked and not has_evidence:
        raise ValidationError(
            {"files": _("申请销号须上传整改后照片或佐证材料。")}, code="evidence_missing"
        )
    _store_files(locked, checked, user=user)
    before = locked.status
    locked.status = Status.CLOSE_OUT_REQUESTED
    locked.close_out_requested_at = timezone.now()
    locked.return_reason = ""
    locked.is_overdue = False
    _save(locked, user)
    _record(
        locked,
        user=user,
        action=TransitionAction.REQUEST_CLOSE_OUT,
        from_status=before,
        note=(note or "").strip(),
    )
    return locked


def _pre_close(hazard, user) -> None:
    _require_not_void(hazard)
    if hazard.reported_by_id is not None and hazard.reported_by_id == user.pk:
        raise PermissionDenied(_("隐患上报人不能审核销号本人上报的隐患。"))
    _require_status(hazard, Status.CLOSE_OUT_REQUESTED, doing=_("审核销号"))


@transaction.atomic
def close(hazard, *, user, note, expected_version=None) -> Hazard:
    """close_out_requested → closed (审核把关销号): by a regulator above the location or the
    sectoral department, never the reporter, with a verification note."""
    note = _require_text(note, "note", _("请填写审核意见。"))
    locked = _lock(hazard, user, HazardAction.VERIFY)
    _check_version(locked, expected_version)
    _pre_close(locked, user)
    before = locked.status
    locked.status = Status.CLOSED
    locked.verified_by = user
    locked.verification_note = note
    locked.closed_at = timezone.now()
    locked.is_overdue = False
    _save(locked, user)
    _record(locked, user=user, action=TransitionAction.CLOSE, from_status=before, note=note)
    recipients = [*enterprise_users(locked.enterprise_id), *_reporter(locked)]
    _tell(
        locked,
        recipients,
        _("隐患已审核销号：%(number)s") % {"number": locked.ledger_number},
        sender=user,
        key=f"hazard:{locked.pk}:closed",
        body=note,
    )
    return locked


def _reporter(hazard) -> list:
    return [hazard.reported_by] if hazard.reported_by_id else []


def _return_scope(hazard) -> str:
    """Returning is the reviewer's act: the confirmer's at confirmation, the verifier's at
    close-out review."""
    if hazard.status == Status.CLOSE_OUT_REQUESTED:
        return HazardAction.VERIFY
    return HazardAction.CONFIRM


def _pre_return(hazard, user) -> None:
    _require_not_void(hazard)
    if is_enterprise_user(user):
        raise PermissionDenied(SCOPE_DENIED[HazardAction.CONFIRM])
    _require_status(hazard, Status.REPORTED, Status.CLOSE_OUT_REQUESTED, doing=_("退回"))


@transaction.atomic
def return_hazard(hazard, *, user, reason, expected_version=None) -> Hazard:
    """Send a hazard back one step with a reason, at either review step.

    At confirmation the report goes back to its reporter to correct (it stays `reported`,
    marked by its return reason, until edited); at close-out review the hazard goes back to
    `rectifying`.
    """
    reason = _require_text(reason, "reason", _("请填写退回原因。"))
    locked = _lock(hazard, user)
    _require_scope(locked, user, _return_scope(locked))
    _check_version(locked, expected_version)
    _pre_return(locked, user)
    before = locked.status
    if locked.status == Status.CLOSE_OUT_REQUESTED:
        locked.status = Status.RECTIFYING
        locked.close_out_requested_at = None
        locked.is_overdue = is_overdue_on(locked, timezone.localdate())
    locked.return_reason = reason
    _save(locked, user)
    _record(locked, user=user, action=TransitionAction.RETURN, from_status=before, note=reason)
    recipients = [*enterprise_users(locked.enterprise_id), *_reporter(locked)]
    _tell(
        locked,
        [r for r in recipients if r.pk != user.pk],
        _("隐患被退回：%(number)s") % {"number": locked.ledger_number},
        sender=user,
        key=f"hazard:{locked.pk}:returned:{locked.version}",
        body=reason,
    )
    return locked


# --- 挂牌督办 --------------------------------------------------------------------------------


def _pre_list(hazard, user) -> None:
    _require_not_void(hazard)
    if hazard.grade != Hazard.Grade.MAJOR:
        raise ValidationError(_("只有重大事故隐患才能挂牌督办。"), code="grade")
    if hazard.listed_supervision:
        raise ValidationError(_("该隐患已挂牌督办。"), code="listed")
    _require_status(hazard, *OPEN_STATUSES, doing=_("挂牌督办"))


def _check_listing_unit(hazard, user, level, unit) -> None:
    if level not in Hazard.ListedLevel.values:
        raise ValidationError({"level": _("督办级别应为省级、市级或县级。")})
    if unit is None or unit.level != level:
        raise ValidationError({"unit": _("督办单位应为与督办级别相同层级的单位。")})
    if unit.kind == Kind.REGION:
        governs = hazard.org_path.startswith(unit.path) and hazard.org_path != unit.path
    else:
        territory = unit.jurisdiction or unit
        governs = hazard.org_path.startswith(territory.path) and (
            unit.industries.filter(pk=hazard.industry_id).exists()
        )
    if not governs:
        raise ValidationError({"unit": _("督办单位须是隐患所在地的上级单位或其行业主管部门。")})
    if not acts_for(user, unit, HazardAction.LIST):
        raise PermissionDenied(_("您不属于该督办单位，不能以其名义挂牌督办。"))


@transaction.atomic
def list_for_supervision(hazard, *, user, level, unit, listed_date, expected_version=None):
    """挂牌督办: a superior unit (province, city or county level) lists a major hazard."""
    locked = _lock(hazard, user, HazardAction.LIST)
    _check_version(locked, expected_version)
    _pre_list(locked, user)
    _check_listing_unit(locked, user, level, unit)
    if listed_date is None or listed_date > timezone.localdate():
        raise ValidationError({"listed_date": _("挂牌日期不能为空，也不能晚于今天。")})
    if listed_date < locked.found_date:
        raise ValidationError({"listed_date": _("挂牌日期不能早于发现日期。")})
    locked.listed_supervision = True
    locked.listed_level = level
    locked.listed_unit = unit
    locked.listed_date = listed_date
    _save(locked, user)
    note = f"{Hazard.ListedLevel(level).label}：{unit.name}"
    _record(locked, user=user, action=TransitionAction.LIST, from_status=locked.status, note=note)
    _tell(
        locked,
        [*enterprise_users(locked.enterprise_id), *location_staff(locked.org_unit_id)],
        _("重大事故隐患挂牌督办：%(number)s") % {"number": locked.ledger_number},
        sender=user,
        key=f"hazard:{locked.pk}:listed:{locked.version}",
        body=note,
    )
    return locked


def _pre_delist(hazard, user) -> None:
    if not hazard.listed_supervision:
        raise ValidationError(_("该隐患未挂牌督办。"), code="listed")
    if hazard.listed_unit_id and not acts_for(user, hazard.listed_unit, HazardAction.LIST):
        raise PermissionDenied(_("只有挂牌单位或其上级才能摘牌。"))


@transaction.atomic
def delist(hazard, *, user, note="", expected_version=None) -> Hazard:
    """摘牌: the listing unit (or a superior of it) ends the 挂牌督办."""
    locked = _lock(hazard, user, HazardAction.LIST)
    _check_version(locked, expected_version)
    _pre_delist(locked, user)
    listed = f"{locked.get_listed_level_display()}：{locked.listed_unit or ''}"
    locked.listed_supervision = False
    locked.listed_level = ""
    locked.listed_unit = None
    locked.listed_date = None
    _save(locked, user)
    text = "；".join(part for part in (listed, (note or "").strip()) if part)
    _record(locked, user=user, action=TransitionAction.DELIST, from_status=locked.status, note=text)
    return locked


# --- Void and restore ----------------------------------------------------------------------


@transaction.atomic
def void_hazard(hazard, *, user, reason, expected_version=None) -> Hazard:
    """作废: ledger rows are never deleted; a voided one leaves the ledger and its figures
    but keeps its history and can be restored."""
    reason = _require_text(reason, "reason", _("请填写作废原因。"))
    locked = _lock(hazard, user, HazardAction.VOID)
    _check_version(locked, expected_version)
    if locked.is_void:
        raise ValidationError(_("该隐患已作废。"), code="void")
    locked.is_void = True
    locked.void_reason = reason
    locked.is_overdue = False
    _save(locked, user)
    _record(locked, user=user, action=TransitionAction.VOID, from_status=locked.status, note=reason)
    return locked


@transaction.atomic
def restore_hazard(hazard, *, user, expected_version=None) -> Hazard:
    """Undo a void: the hazard returns to the ledger in the status it had."""
    locked = _lock(hazard, user, HazardAction.VOID)
    _check_version(locked, expected_version)
    if not locked.is_void:
        raise ValidationError(_("该隐患未作废，无需恢复。"), code="void")
    locked.is_void = False
    locked.void_reason = ""
    locked.is_overdue = is_overdue_on(locked, timezone.localdate())
    _save(locked, user)
    _record(locked, user=user, action=TransitionAction.RESTORE, from_status=locked.status)
    return locked


# --- Escalations ---------------------------------------------------------------------------


def _lock_escalation(escalation, user) -> Escalation:
    locked = (
        Escalation.objects.restrict(user, HazardAction.ISSUE)
        .select_for_update(of=("self",))
        .select_related("hazard")
        .filter(pk=escalation.pk)
        .first()
    )
    if locked is None:
        raise PermissionDenied(SCOPE_DENIED[HazardAction.ISSUE])
    if locked.status != Escalation.Status.PROPOSED:
        raise ValidationError(
            _("该督办措施已%(status)s，不能重复办理。") % {"status": locked.get_status_display()},
            code="status",
        )
    return locked


def escalation_refusal(escalation, user) -> str | None:
    """Why the user may not decide on this escalation now; None when they may."""
    if not Escalation.objects.restrict(user, HazardAction.ISSUE).filter(pk=escalation.pk).exists():
        return str(SCOPE_DENIED[HazardAction.ISSUE])
    if escalation.status != Escalation.Status.PROPOSED:
        return _("该督办措施已%(status)s。") % {"status": escalation.get_status_display()}
    return None


@transaction.atomic
def issue_escalation(escalation, *, user, note="") -> Escalation:
    """Issue a proposed 函告/通报/约谈/曝光 in the name of the user's unit above the hazard."""
    locked = _lock_escalation(escalation, user)
    hazard = locked.hazard
    if hazard.is_void or hazard.status == Status.CLOSED:
        raise ValidationError(_("该隐患已销号或作废，无需再督办。"), code="status")
    locked.status = Escalation.Status.ISSUED
    locked.issued_by = user
    locked.issued_at = timezone.now()
    locked.issuing_unit = _acting_unit(user, locked.org_path, hazard.industry_id)
    locked.note = (note or "").strip()
    locked._history_user = user
    locked.save()
    title = _("【%(step)s】重大事故隐患整改逾期：%(number)s") % {
        "step": locked.get_step_display(),
        "number": hazard.ledger_number,
    }
    _tell(
        hazard,
        [*enterprise_users(hazard.enterprise_id), *location_staff(hazard.org_unit_id)],
        title,
        sender=user,
        key=f"escalation:{locked.pk}:issued",
        body=locked.note,
    )
    return locked


@transaction.atomic
def dismiss_escalation(escalation, *, user, note) -> Escalation:
    """Decide not to take a proposed step (不予采取), with the reason."""
    note = _require_text(note, "note", _("请说明不予采取的理由。"))
    locked = _lock_escalation(escalation, user)
    locked.status = Escalation.Status.DISMISSED
    locked.issued_by = user
    locked.issued_at = timezone.now()
    locked.issuing_unit = _acting_unit(user, locked.org_path, locked.hazard.industry_id)
    locked.note = note
    locked._history_user = user
    locked.save()
    return locked


# --- Integrations --------------------------------------------------------------------------

# What another government system may set through the upsert: the ledger content, never the
# workflow (which needs its own people: a confirmer, a verifier).
EXTERNAL_FIELDS = ("enterprise", "industry", "source", *DESCRIPTION_FIELDS, *PLAN_FIELDS)


def upsert_external(source, external_id, data, *, user) -> tuple[Hazard, bool]:
    """Create or update the hazard another system knows as (source, external_id).

    Idempotent: sending the same data again writes nothing. Returns (hazard, created).
    """
    source, external_id = (source or "").strip(), (external_id or "").strip()
    if not source or len(source) > 50:
        raise ValidationError({"external_source": _("来源系统标识应为1至50个字符。")})
    if not external_id or len(external_id) > 100:
        raise ValidationError({"external_id": _("来源系统编号应为1至100个字符。")})
    data = {key: value for key, value in data.items() if key in EXTERNAL_FIELDS}
    existing = Hazard.objects.filter(external_source=source, external_id=external_id).first()
    if existing is None:
        data.setdefault("source", Hazard.Source.OTHER_SYSTEM)
        try:
            with transaction.atomic():
                hazard = report_hazard(
                    {**data, "external_source": source, "external_id": external_id}, user=user
                )
            return hazard, True
        except IntegrityError:
            # Another request created it between our lookup and our insert: update that one.
            existing = Hazard.objects.get(external_source=source, external_id=external_id)
    if not Hazard.objects.restrict(user, HazardAction.VIEW).filter(pk=existing.pk).exists():
        raise PermissionDenied(_("该来源系统编号对应的隐患不在您的管辖范围内。"))
    data.pop("source", None)
    if "enterprise" in data and getattr(data["enterprise"], "pk", None) != existing.enterprise_id:
        raise ValidationError(
            {"enterprise": _("隐患所在单位不能修改；如有错误，请作废后重新推送。")}
        )
    data.pop("enterprise", None)
    data.pop("industry", None)
    changes = _changed(existing, data)
    if not changes:
        return existing, False
    return update_hazard(existing, changes, user=user, expected_version=None), False


# --- What a user may do now ----------------------------------------------------------------

# Transition name → (scope action, the checks beyond scope). The same checks run inside the
# services under the row lock; this is what pages and the API show before the user acts.
TRANSITIONS = {
    "change": (HazardAction.CHANGE, None),
    "plan": (HazardAction.CHANGE, None),
    "confirm": (HazardAction.CONFIRM, _pre_confirm),
    "start_rectification": (HazardAction.CHANGE, _pre_start_rectification),
    "request_close_out": (HazardAction.CHANGE, _pre_request_close_out),
    "close": (HazardAction.VERIFY, _pre_close),
    "return": (None, _pre_return),
    "list": (HazardAction.LIST, _pre_list),
    "delist": (HazardAction.LIST, _pre_delist),
    "void": (HazardAction.VOID, None),
    "restore": (HazardAction.VOID, None),
    "upload": (HazardAction.CHANGE, None),
}


def _status_checks(name, hazard, user) -> None:
    """Checks of the transitions without a _pre_* function of their own."""
    if name == "change":
        _require_not_void(hazard)
        _require_status(hazard, *EDITABLE_STATUSES, doing=_("修改"))
    elif name == "plan":
        _require_not_void(hazard)
        _require_status(hazard, *EDITABLE_STATUSES, doing=_("制定整改方案"))
    elif name == "upload":
        _require_not_void(hazard)
        _require_status(hazard, *OPEN_STATUSES, doing=_("上传附件"))
    elif name == "void" and hazard.is_void:
        raise ValidationError(_("该隐患已作废。"))
    elif name == "restore" and not hazard.is_void:
        raise ValidationError(_("该隐患未作废，无需恢复。"))


def scope_flags(hazard, user) -> dict[str, bool]:
    """For each scope action, whether the user's scope covers this hazard: one query."""
    actions = sorted({a for a, _check in TRANSITIONS.values() if a} | {HazardAction.CONFIRM})
    annotations = {}
    flags = {}
    for action in actions:
        allowed = Hazard.objects.restrict(user, action)
        if allowed.query.is_empty():
            flags[action] = False
        else:
            annotations[action] = Exists(allowed.filter(pk=OuterRef("pk")))
    if annotations:
        row = Hazard.objects.filter(pk=hazard.pk).values(**annotations).first() or {}
        flags.update({action: bool(row.get(action)) for action in annotations})
    return flags


def available_actions(hazard, user) -> dict[str, str | None]:
    """Transition name → None when the user may do it now, else the reason in Chinese.

    For buttons on pages and for `GET` on the API's action routes; the services check again
    under the lock when the user acts.
    """
    flags = scope_flags(hazard, user)
    result = {}
    for name, (action, check) in TRANSITIONS.items():
        action = action or _return_scope(hazard)
        if not flags.get(action):
            result[name] = str(SCOPE_DENIED[action])
            continue
        try:
            if check is not None:
                check(hazard, user)
            _status_checks(name, hazard, user)
        except (ValidationError, PermissionDenied) as exc:
            result[name] = " ".join(getattr(exc, "messages", None) or [str(exc)])
            continue
        result[name] = None
    return result
