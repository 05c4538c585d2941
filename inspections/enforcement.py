"""Enforcement actions (执法措施) and special campaigns (专项行动): every write goes through here.

Pages and the API call these functions. Each validates what it can up front, then writes inside
one transaction, re-checking the user's scope on the row as written (a foreign key outside the
user's scope reads as "not found"; a row the user may not write is PermissionDenied), stores a
history row with the user and bumps `version` on edits.

The rules of each kind of action (seed 002; 安全生产法 第一百一十条 etc.):
- 责令限期整改: a deadline, not before the decision;
- 责令停产停业: may later be lifted (解除) — the lift date is then required and not before the
  decision; only a suspension is ever lifted;
- 罚款: who is fined — the unit, the person (主要负责人 and others), or both (一案双罚) — with an
  amount above zero for each party fined, and the person's name when a person is fined;
- 移送: the authority the case goes to.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hazards.services import is_enterprise_user
from inspections import documents
from inspections.models import EnforcementAction, Inspection, SpecialCampaign
from inspections.services import check_version, lock_row
from orgs.constants import Action
from orgs.models import Enterprise, OrgUnit

ActionKind = EnforcementAction.Kind
FinedParty = EnforcementAction.FinedParty

ACTION_FIELDS = (
    "kind",
    "decided_on",
    "document_number",
    "reason",
    "deadline",
    "lifted_on",
    "fined_party",
    "fine_unit_amount",
    "fined_person_name",
    "fine_person_amount",
    "transferred_to",
)
CAMPAIGN_FIELDS = ("name", "start_date", "end_date", "description", "work_groups_sent")

NOT_FOUND = {
    "enterprise": _("该单位不存在或不在您的管辖范围内。"),
    "inspection": _("该检查不存在或不在您的管辖范围内。"),
    "issuing_unit": _("该执法单位不存在或不在您的管辖范围内。"),
    "special_campaign": _("该专项行动不存在或不在您的管辖范围内。"),
    "org_unit": _("该单位不存在或不在您的管辖范围内。"),
    "participating_units": _("参加单位不存在或不在您的管辖范围内。"),
}


# --- Small shared steps ---------------------------------------------------------------------


def resolve(model, value, user, field: str):
    """The instance `value` (an instance or a primary key) names, if the user may see it."""
    if value in (None, ""):
        return None
    found = model.objects.restrict(user, Action.VIEW).filter(pk=getattr(value, "pk", value)).first()
    if found is None:
        raise ValidationError({field: NOT_FOUND[field]})
    return found


def lock(obj, user, action: str):
    """The row as it is now, locked until the transaction ends, if the user may `action` it."""
    return lock_row(type(obj), obj, user, action)


def assign(obj, data: dict, fields) -> None:
    for name in fields:
        if name in data:
            value = data[name]
            if isinstance(value, str):
                value = value.strip()
            field = obj._meta.get_field(name)
            if value is None and field.get_internal_type() in ("CharField", "TextField"):
                value = ""
            setattr(obj, name, value)


def full_check(obj, errors: dict) -> None:
    """Field checks (foreign keys were resolved in scope already) plus `errors` found before."""
    exclude = [f.name for f in obj._meta.fields if f.is_relation or not f.editable]
    try:
        obj.clean_fields(exclude=exclude)
    except ValidationError as exc:
        for name, messages in exc.error_dict.items():
            errors.setdefault(name, []).extend(messages)
    if not errors:
        try:
            obj.validate_constraints()
        except ValidationError as exc:
            for name, messages in exc.update_error_dict({}).items():
                errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def save(obj, user, *, bump: bool) -> None:
    if bump:
        obj.version += 1
    obj._history_user = user
    obj.save()


def require_scope(obj, user, action: str, message: str) -> None:
    if not type(obj).objects.restrict(user, action).filter(pk=obj.pk).exists():
        raise PermissionDenied(message)


def refuse_enterprise_users(user) -> None:
    # Enterprises read the actions taken against them; only regulators take them.
    if is_enterprise_user(user):
        raise PermissionDenied(_("企业用户不能录入执法措施或专项行动。"))


# --- Enforcement actions --------------------------------------------------------------------


def _validate_action(action: EnforcementAction, errors: dict) -> None:
    today = timezone.localdate()
    decided = action.decided_on
    if decided and decided > today:
        errors.setdefault("decided_on", []).append(_("决定日期不能晚于今天。"))
    kind = action.kind
    if kind == ActionKind.RECTIFY_ORDER:
        if not action.deadline:
            errors.setdefault("deadline", []).append(_("责令限期整改须填写整改期限。"))
        elif decided and action.deadline < decided:
            errors.setdefault("deadline", []).append(_("整改期限不能早于决定日期。"))
    if action.lifted_on:
        if kind != ActionKind.SUSPENSION:
            errors.setdefault("lifted_on", []).append(_("只有责令停产停业才有解除日期。"))
        elif decided and action.lifted_on < decided:
            errors.setdefault("lifted_on", []).append(_("解除停产停业日期不能早于决定日期。"))
        elif action.lifted_on > today:
            errors.setdefault("lifted_on", []).append(_("解除停产停业日期不能晚于今天。"))
    if kind == ActionKind.FINE:
        _validate_fine(action, errors)
    elif (
        action.fined_party
        or action.fine_unit_amount is not None
        or action.fine_person_amount is not None
        or action.fined_person_name
    ):
        errors.setdefault("fined_party", []).append(_("只有罚款才填写处罚对象和罚款金额。"))
    if kind == ActionKind.TRANSFER and not action.transferred_to:
        errors.setdefault("transferred_to", []).append(_("移送须填写移送机关。"))


def _validate_fine(action: EnforcementAction, errors: dict) -> None:
    party = action.fined_party
    if not party:
        errors.setdefault("fined_party", []).append(
            _("罚款须选择处罚对象：单位、个人，或单位和个人(一案双罚)。")
        )
        return
    fines_unit = party in (FinedParty.UNIT, FinedParty.BOTH)
    fines_person = party in (FinedParty.PERSON, FinedParty.BOTH)
    for fined, field, name_label in (
        (fines_unit, "fine_unit_amount", _("单位罚款金额")),
        (fines_person, "fine_person_amount", _("个人罚款金额")),
    ):
        amount = getattr(action, field)
        if fined and (amount is None or amount <= Decimal(0)):
            errors.setdefault(field, []).append(_("%(label)s须大于0。") % {"label": name_label})
        if not fined and amount is not None:
            errors.setdefault(field, []).append(
                _("处罚对象不含%(party)s，不填%(label)s。")
                % {
                    "party": _("单位") if field == "fine_unit_amount" else _("个人"),
                    "label": name_label,
                }
            )
    if fines_person and not action.fined_person_name:
        errors.setdefault("fined_person_name", []).append(_("处罚个人须填写被处罚人姓名。"))
    if not fines_person and action.fined_person_name:
        errors.setdefault("fined_person_name", []).append(_("处罚对象不含个人，不填被处罚人。"))


def _place_action(action: EnforcementAction, data: dict, user, errors: dict) -> None:
    """Resolve the inspection, enterprise, issuing unit and special campaign in scope.

    An action taken at an inspection concerns one of its enterprises; the issuing unit and
    special campaign default to the inspection's.
    """
    inspection = resolve(Inspection, data.get("inspection"), user, "inspection")
    enterprise = resolve(Enterprise, data.get("enterprise"), user, "enterprise")
    if inspection is not None:
        if inspection.status != Inspection.Status.SUBMITTED:
            errors.setdefault("inspection", []).append(_("检查提交后才能录入执法措施。"))
        if enterprise is not None and not inspection.targets.filter(enterprise=enterprise).exists():
            errors.setdefault("enterprise", []).append(_("该单位不是本次检查的被检查企业。"))
    if enterprise is None:
        errors.setdefault("enterprise", []).append(_("请选择被采取措施的单位。"))
    issuing_unit = resolve(OrgUnit, data.get("issuing_unit"), user, "issuing_unit")
    if issuing_unit is None and inspection is not None:
        issuing_unit = inspection.inspecting_unit
    if issuing_unit is None:
        errors.setdefault("issuing_unit", []).append(_("请选择执法单位。"))
    campaign = resolve(SpecialCampaign, data.get("special_campaign"), user, "special_campaign")
    if campaign is None and inspection is not None and "special_campaign" not in data:
        campaign = inspection.special_campaign
    action.inspection = inspection
    action.enterprise = enterprise
    action.issuing_unit = issuing_unit
    action.special_campaign = campaign


@transaction.atomic
def record_action(data, *, user) -> EnforcementAction:
    """Record an enforcement action. `data`: enterprise, kind, decided_on and the fields of
    its kind (see the module docstring); optionally inspection, issuing_unit,
    special_campaign, document_number, reason."""
    refuse_enterprise_users(user)
    action = EnforcementAction(created_by=user)
    errors: dict[str, list] = {}
    _place_action(action, data, user, errors)
    assign(action, data, ACTION_FIELDS)
    _validate_action(action, errors)
    if errors:
        raise ValidationError(errors)
    full_check(action, errors)
    save(action, user, bump=False)
    require_scope(action, user, Action.ADD, _("您无权对该单位录入执法措施。"))
    return action


@transaction.atomic
def update_action(action, data, *, user, expected_version=None) -> EnforcementAction:
    """Correct an action's details (not its enterprise or inspection)."""
    refuse_enterprise_users(user)
    locked = lock(action, user, Action.CHANGE)
    check_version(locked, expected_version)
    assign(locked, data, ACTION_FIELDS)
    errors: dict[str, list] = {}
    for field in ("enterprise", "inspection"):
        value = data.get(field)
        if field in data and getattr(value, "pk", value) != getattr(locked, f"{field}_id"):
            errors.setdefault(field, []).append(_("执法措施的单位和检查不能更改，请另行录入。"))
    if "issuing_unit" in data:
        locked.issuing_unit = resolve(OrgUnit, data["issuing_unit"], user, "issuing_unit")
        if locked.issuing_unit is None:
            errors.setdefault("issuing_unit", []).append(_("请选择执法单位。"))
    if "special_campaign" in data:
        locked.special_campaign = resolve(
            SpecialCampaign, data["special_campaign"], user, "special_campaign"
        )
    _validate_action(locked, errors)
    full_check(locked, errors)
    save(locked, user, bump=True)
    return locked


@transaction.atomic
def lift_suspension(action, lifted_on, *, user, expected_version=None) -> EnforcementAction:
    """解除停产停业 on `lifted_on`."""
    refuse_enterprise_users(user)
    locked = lock(action, user, Action.CHANGE)
    check_version(locked, expected_version)
    if locked.kind != ActionKind.SUSPENSION:
        raise ValidationError({"lifted_on": _("只有责令停产停业才能解除。")})
    if locked.lifted_on:
        raise ValidationError(
            {"lifted_on": _("该停产停业已于%(day)s解除。") % {"day": locked.lifted_on}}
        )
    if not lifted_on:
        raise ValidationError({"lifted_on": _("请填写解除停产停业日期。")})
    return update_action(locked, {"lifted_on": lifted_on}, user=user)


@transaction.atomic
def generate_document(action, document_kind, *, user) -> EnforcementAction:
    """Generate the 督办函 or 警示函 of an action as a PDF and keep it with the action.

    A later generation replaces the file (the letter of the action as it is now); the history
    keeps when each was generated and by whom.
    """
    if document_kind not in EnforcementAction.DocumentKind.values:
        raise ValidationError({"document_kind": _("请选择文书类别：督办函或警示函。")})
    refuse_enterprise_users(user)
    locked = lock(action, user, Action.CHANGE)
    pdf = documents.render_letter(locked, document_kind)
    label = EnforcementAction.DocumentKind(document_kind).label
    locked.document_kind = document_kind
    locked.document_file.save(f"{label}.pdf", ContentFile(pdf), save=False)
    locked.document_generated_at = timezone.now()
    save(locked, user, bump=True)
    return locked


def document_filename(action) -> str:
    """The name a downloaded letter gets: kind, enterprise and date, as filed."""
    return f"{action.get_document_kind_display()}-{action.enterprise.name}-{action.decided_on}.pdf"


# --- Special campaigns ----------------------------------------------------------------------


def _campaign_units(data: dict, user) -> list[OrgUnit] | None:
    if "participating_units" not in data:
        return None
    ids = [getattr(unit, "pk", unit) for unit in data["participating_units"] or ()]
    units = list(OrgUnit.objects.restrict(user, Action.VIEW).filter(pk__in=ids))
    if len(units) != len(set(ids)):
        raise ValidationError({"participating_units": NOT_FOUND["participating_units"]})
    return units


@transaction.atomic
def create_campaign(data, *, user) -> SpecialCampaign:
    """Create a special campaign. `data`: org_unit (the organiser), name, start_date,
    end_date; optionally participating_units, description, work_groups_sent."""
    refuse_enterprise_users(user)
    campaign = SpecialCampaign(created_by=user)
    campaign.org_unit = resolve(OrgUnit, data.get("org_unit"), user, "org_unit")
    if campaign.org_unit is None:
        raise ValidationError({"org_unit": _("请选择组织单位。")})
    assign(campaign, data, CAMPAIGN_FIELDS)
    units = _campaign_units(data, user)
    full_check(campaign, {})
    save(campaign, user, bump=False)
    require_scope(campaign, user, Action.ADD, _("您无权为该单位创建专项行动。"))
    if units is not None:
        campaign.participating_units.set(units)
    return campaign


@transaction.atomic
def update_campaign(campaign, data, *, user, expected_version=None) -> SpecialCampaign:
    locked = lock(campaign, user, Action.CHANGE)
    check_version(locked, expected_version)
    assign(locked, data, CAMPAIGN_FIELDS)
    units = _campaign_units(data, user)
    full_check(locked, {})
    save(locked, user, bump=True)
    if units is not None:
        locked.participating_units.set(units)
    return locked
