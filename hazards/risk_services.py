"""风险分级管控: entering, re-grading and retiring risk points.

Every write is one transaction. The level is always recomputed from the method's inputs
(hazards.risk_levels), never taken from the caller; edits carry the version the editor read
and a newer one raises core.exceptions.StaleVersionError with nothing written. Scope is the
one mechanism's: the row as written must be in the user's scope for the action.
"""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import StaleVersionError
from hazards.models import Risk
from hazards.risk_constants import RiskAction, RiskMethod
from hazards.risk_levels import grade
from orgs.constants import Kind
from orgs.models import Enterprise, OrgUnit
from orgs.validators import validate_phone

# What a risk's editor may set; the location (enterprise or area) is fixed at creation.
EDITABLE_FIELDS = (
    "industry",
    "name",
    "place",
    "hazard_factors",
    "accident_types",
    "method",
    "lec_likelihood",
    "lec_exposure",
    "lec_consequence",
    "matrix_likelihood",
    "matrix_severity",
    "control_measures",
    "emergency_actions",
    "responsible_unit",
    "responsible_person",
    "responsible_phone",
    "identified_date",
    "review_date",
    "is_public",
    "public_fields",
    "public_summary",
)
METHOD_INPUTS = {
    RiskMethod.LEC: ("lec_likelihood", "lec_exposure", "lec_consequence"),
    RiskMethod.MATRIX: ("matrix_likelihood", "matrix_severity"),
}
_TEXT_FIELDS = {
    f.name for f in Risk._meta.fields if f.get_internal_type() in ("CharField", "TextField")
}
_NOT_CLEANED = ["org_path", "score", "level", *(f.name for f in Risk._meta.fields if f.is_relation)]


def _assign(risk: Risk, data: dict) -> None:
    for name in EDITABLE_FIELDS:
        if name not in data:
            continue
        value = data[name]
        if isinstance(value, str):
            value = value.strip()
        if value is None and name in _TEXT_FIELDS:
            value = ""
        if name in ("accident_types", "public_fields"):
            # Stored in the choices' order, each once, so that an unchanged list is unchanged.
            value = sorted(set(value or ()))
        setattr(risk, name, value)


def _grade(risk: Risk) -> None:
    """Recompute score and level; the other method's inputs are cleared."""
    for method, fields in METHOD_INPUTS.items():
        if method != risk.method:
            for name in fields:
                setattr(risk, name, None)
    risk.score, risk.level = grade(
        risk.method, **{name: getattr(risk, name) for name in METHOD_INPUTS.get(risk.method, ())}
    )


def validate_risk(risk: Risk) -> None:
    """Field and cross-field checks and the grading, with every message at once."""
    errors: dict[str, list] = {}
    try:
        risk.clean_fields(exclude=_NOT_CLEANED)
    except ValidationError as exc:
        errors.update(exc.error_dict)
    try:
        _grade(risk)
    except ValidationError as exc:
        for name, messages in exc.error_dict.items():
            errors.setdefault(name, []).extend(messages)
    today = timezone.localdate()
    identified, review = risk.identified_date, risk.review_date
    if isinstance(identified, date) and identified > today:
        errors.setdefault("identified_date", []).append(_("辨识评估日期不能晚于今天。"))
    if isinstance(identified, date) and isinstance(review, date) and review <= identified:
        errors.setdefault("review_date", []).append(_("下次复评日期应晚于辨识评估日期。"))
    if risk.responsible_phone:
        try:
            validate_phone(risk.responsible_phone)
        except ValidationError as exc:
            errors.setdefault("responsible_phone", []).extend(exc.messages)
    if risk.public_fields and not risk.is_public:
        errors.setdefault("public_fields", []).append(_("未选择“向社会公布”时不能选择公开内容。"))
    if errors:
        raise ValidationError(errors)


def _require_scope(risk: Risk, user, action: str, message: str) -> None:
    if not Risk.objects.restrict(user, action).filter(pk=risk.pk).exists():
        raise PermissionDenied(message)


def _save(risk: Risk, user) -> None:
    risk._history_user = user
    risk.save()


@transaction.atomic
def create_risk(data: dict, *, user) -> Risk:
    """Enter a risk point, graded from its inputs.

    `data`: enterprise (an Enterprise in scope; its org unit and industry are the risk's
    defaults) or, for an area's risk, org_unit (a region in scope) and industry; and the
    fields of EDITABLE_FIELDS. Enterprise users enter risks of their own enterprise only.
    """
    enterprise = data.get("enterprise")
    risk = Risk(created_by=user)
    if enterprise is not None:
        enterprise = (
            Enterprise.objects.restrict(user, RiskAction.VIEW)
            .filter(pk=getattr(enterprise, "pk", enterprise), is_active=True)
            .select_related("org_unit", "industry")
            .first()
        )
        if enterprise is None:
            raise ValidationError({"enterprise": _("该单位不在您的管辖范围内或已注销。")})
        risk.enterprise, risk.org_unit = enterprise, enterprise.org_unit
        risk.industry = data.get("industry") or enterprise.industry
    else:
        unit = data.get("org_unit")
        unit = (
            OrgUnit.objects.restrict(user, RiskAction.VIEW)
            .filter(pk=getattr(unit, "pk", unit), kind=Kind.REGION)
            .first()
            if unit is not None
            else None
        )
        if unit is None:
            raise ValidationError({"org_unit": _("请选择风险所在单位，区域性风险请选择所在地区。")})
        risk.org_unit = unit
    _assign(risk, {name: value for name, value in data.items() if name != "industry"})
    if data.get("industry") is not None:
        risk.industry = data["industry"]
    if risk.industry_id is None:
        raise ValidationError({"industry": _("请选择行业领域。")})
    validate_risk(risk)
    _save(risk, user)
    # The row's location, industry and enterprise decide its scope: checked as written.
    _require_scope(risk, user, RiskAction.ADD, _("您无权在该单位或地区登记安全风险。"))
    return risk


def _lock(risk: Risk, user, action: str, message: str) -> Risk:
    locked = (
        Risk.objects.restrict(user, action)
        .select_for_update(of=("self",))
        .filter(pk=risk.pk)
        .first()
    )
    if locked is None:
        raise PermissionDenied(message)
    return locked


def _check_version(risk: Risk, expected_version) -> None:
    if expected_version is None:
        raise StaleVersionError(_("修改须提供读取时的版本号。"))
    if risk.version != int(expected_version):
        raise StaleVersionError(
            _("该风险已被他人修改（当前第%(current)d版，您编辑的是第%(yours)d版），请刷新后重试。")
            % {"current": risk.version, "yours": int(expected_version)}
        )


def _require_active(risk: Risk) -> None:
    if risk.status != Risk.Status.ACTIVE:
        raise ValidationError(_("该风险已撤销，不能再修改。"), code="retired")


@transaction.atomic
def update_risk(risk: Risk, data: dict, *, user, expected_version) -> Risk:
    """Edit and re-grade an active risk; a level change is recorded in its history."""
    locked = _lock(risk, user, RiskAction.CHANGE, _("您无权修改该风险。"))
    _check_version(locked, expected_version)
    _require_active(locked)
    before = {name: getattr(locked, name) for name in EDITABLE_FIELDS}
    _assign(locked, data)
    if "industry" in data and data["industry"] is None:
        raise ValidationError({"industry": _("请选择行业领域。")})
    validate_risk(locked)
    if all(getattr(locked, name) == value for name, value in before.items()):
        return locked
    locked.version += 1
    _save(locked, user)
    _require_scope(locked, user, RiskAction.CHANGE, _("修改后的风险不在您的管辖范围内。"))
    return locked


@transaction.atomic
def retire_risk(risk: Risk, *, user, reason: str, expected_version) -> Risk:
    """撤销: the risk no longer exists (equipment removed, process stopped); kept with history."""
    locked = _lock(risk, user, RiskAction.RETIRE, _("您无权撤销该风险。"))
    _check_version(locked, expected_version)
    _require_active(locked)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写撤销原因。")})
    locked.status = Risk.Status.RETIRED
    locked.retire_reason = reason
    locked.version += 1
    _save(locked, user)
    return locked
