"""Training, licences, drills and awareness events: every write goes through here.

Pages, API, imports and the daily jobs call these functions. Each validates what it can up
front, then writes inside one transaction, re-checking the user's scope on the row as it is
written (a revoked grant or a foreign key outside the user's scope is refused), stores a
history row with the user, and bumps `version` on edits.

Errors: ValidationError (Chinese, by field where there is one) for what the user can correct;
PermissionDenied for what this user may not do at all; core.exceptions.StaleVersionError when
an edit was based on an older version.

Foreign keys in `data` may be instances or primary keys; they are resolved within the user's
scope, so a key the user cannot see reads as "not found".
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import record_event
from core.exceptions import StaleVersionError
from core.importing import ImportResult
from core.models import AuditEvent
from core.uploads import validate_evidence
from orgs.constants import Action
from orgs.models import Enterprise, Industry, OrgUnit
from training import idnumbers
from training.constants import (
    MAX_PHOTOS_PER_UPLOAD,
    PERSON_CATEGORIES,
    REVIEW_INTERVAL_YEARS,
    VALIDITY_YEARS,
    Audience,
    TrainingStatus,
)
from training.dates import add_years
from training.models import (
    Attendance,
    AwarenessEvent,
    Certificate,
    Drill,
    DrillPhoto,
    Person,
    TrainingSession,
)

ID_NUMBER_PERMISSION = "training.view_id_number"

SESSION_FIELDS = (
    "title",
    "audience",
    "start_date",
    "end_date",
    "hours",
    "place",
    "trainer",
    "materials",
    "attendance_count",
)
PERSON_FIELDS = ("name", "category", "position", "phone", "is_active")
CERTIFICATE_FIELDS = (
    "kind",
    "operation",
    "number",
    "issuing_authority",
    "issued_on",
    "review_due_on",
    "expires_on",
)
DRILL_FIELDS = (
    "held_on",
    "kind",
    "unscripted",
    "participants",
    "scenario",
    "evaluation",
    "plan_revision",
)
AWARENESS_FIELDS = ("kind", "title", "held_on", "place", "reach", "description")

NOT_FOUND = {
    "org_unit": _("该单位不存在或不在您的管辖范围内。"),
    "enterprise": _("该企业不存在或不在您的管辖范围内。"),
    "holder": _("该人员不存在或不在您的管辖范围内。"),
    "person": _("该人员不存在或不在您的管辖范围内。"),
}


# --- Small shared steps ------------------------------------------------------------------


def _resolve(model, value, user, field: str):
    """The instance `value` names, if the user may see it; None when `value` is empty."""
    if value in (None, ""):
        return None
    instance = model.objects.restrict(user, Action.VIEW).filter(pk=getattr(value, "pk", value))
    if model is Enterprise:
        instance = instance.select_related("industry", "org_unit")
    found = instance.first()
    if found is None:
        raise ValidationError({field: NOT_FOUND[field]})
    return found


def _lock(obj, user, action: str):
    """The row as it is now, locked until the transaction ends, if the user may `action` it."""
    locked = (
        type(obj)
        .objects.restrict(user, action)
        .select_for_update(of=("self",))
        .filter(pk=obj.pk)
        .first()
    )
    if locked is None:
        raise PermissionDenied(_("您无权修改该记录。"))
    return locked


def _check_version(obj, expected_version) -> None:
    if expected_version is not None and obj.version != int(expected_version):
        raise StaleVersionError(
            _("该记录已被他人修改（当前第%(current)d版，您编辑的是第%(yours)d版），请刷新后重试。")
            % {"current": obj.version, "yours": int(expected_version)}
        )


def _assign(obj, data: dict, fields) -> None:
    for name in fields:
        if name in data:
            value = data[name]
            if isinstance(value, str):
                value = value.strip()
            field = obj._meta.get_field(name)
            if value is None and field.get_internal_type() in ("CharField", "TextField"):
                value = ""
            setattr(obj, name, value)


def _clean(obj, errors: dict | None = None) -> None:
    """Field checks (foreign keys were resolved in scope already) plus `errors` found before."""
    errors = dict(errors or {})
    exclude = [f.name for f in obj._meta.fields if f.is_relation or not f.editable]
    try:
        obj.clean_fields(exclude=exclude)
    except ValidationError as exc:
        for name, messages in exc.error_dict.items():
            errors.setdefault(name, []).extend(messages)
    try:
        # Constraints over columns the service sets itself (hashes) are its own to check,
        # with a message under the field the user typed.
        obj.validate_constraints(exclude=exclude)
    except ValidationError as exc:
        for name, messages in exc.update_error_dict({}).items():
            errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def _save(obj, user, *, bump: bool = True) -> None:
    if bump and obj.pk:
        obj.version += 1
    obj._history_user = user
    obj.save()


def _require_scope(obj, user, action: str, message: str) -> None:
    if not type(obj).objects.restrict(user, action).filter(pk=obj.pk).exists():
        raise PermissionDenied(message)


def _not_in_future(value, field: str, label: str, errors: dict) -> None:
    if isinstance(value, date) and value > timezone.localdate():
        errors.setdefault(field, []).append(_("%(label)s不能晚于今天。") % {"label": label})


def _place(obj, data: dict, user) -> None:
    """Set the row's organiser: an enterprise (located at its township) or a unit."""
    enterprise = _resolve(Enterprise, data.get("enterprise"), user, "enterprise")
    if enterprise is not None:
        obj.enterprise = enterprise
        obj.org_unit = enterprise.org_unit
        return
    obj.enterprise = None
    unit = _resolve(OrgUnit, data.get("org_unit"), user, "org_unit")
    if unit is None:
        raise ValidationError({"org_unit": _("请选择主办单位。")})
    obj.org_unit = unit


# --- Training sessions -------------------------------------------------------------------


def _validate_session(session: TrainingSession) -> None:
    errors: dict[str, list] = {}
    _not_in_future(session.start_date, "start_date", _("开始日期"), errors)
    if isinstance(session.hours, Decimal | int) and session.hours <= 0:
        errors.setdefault("hours", []).append(_("学时必须大于0。"))
    _clean(session, errors)


def _set_industries(session, data) -> None:
    if "industries" not in data:
        return
    ids = [getattr(i, "pk", i) for i in data["industries"] or ()]
    industries = list(Industry.objects.filter(pk__in=ids))
    if len(industries) != len(set(ids)):
        raise ValidationError({"industries": _("行业领域不存在。")})
    session.industries.set(industries)


@transaction.atomic
def record_session(data, *, user) -> TrainingSession:
    """Record a training class. `data`: org_unit or enterprise (the organiser), title,
    audience, start_date, end_date, hours, and optionally industries, place, trainer,
    materials, attendance_count (reported head count; a roster import replaces it)."""
    session = TrainingSession(created_by=user)
    _place(session, data, user)
    _assign(session, data, SESSION_FIELDS)
    _validate_session(session)
    _save(session, user)
    _require_scope(session, user, Action.ADD, _("您无权为该单位录入培训班。"))
    _set_industries(session, data)
    return session


@transaction.atomic
def update_session(session, data, *, user, expected_version=None) -> TrainingSession:
    """Edit a session. Its organiser does not change; the head count is the roster's once a
    roster is imported. Changing the end date or hours re-dates the roster's credits."""
    locked = _lock(session, user, Action.CHANGE)
    _check_version(locked, expected_version)
    fields = [
        name for name in SESSION_FIELDS if name != "attendance_count" or not locked.has_roster
    ]
    if (
        locked.has_roster
        and "attendance_count" in data
        and int(data["attendance_count"] or 0) != locked.attendance_count
    ):
        raise ValidationError({"attendance_count": _("已导入名单，参训人数以名单为准。")})
    old_hours = locked.hours
    _assign(locked, data, fields)
    _validate_session(locked)
    _save(locked, user)
    _set_industries(locked, data)
    # Credits follow the session: the full hours unless a roster row said otherwise.
    locked.attendances.update(completed_on=locked.end_date)
    if locked.hours != old_hours:
        locked.attendances.filter(hours=old_hours).update(hours=locked.hours)
    return locked


def import_roster(session, file, *, user) -> ImportResult:
    """Import a session's attendee roster from .xlsx/.csv (training.importers): each row
    matched to a person by ID number, or by name within the enterprise; unknown people are
    registered. Every row is checked first; on any error nothing is written."""
    from training.importers import RosterImporter

    if not TrainingSession.objects.restrict(user, Action.CHANGE).filter(pk=session.pk).exists():
        raise PermissionDenied(_("您无权修改该培训班。"))
    return RosterImporter(session, user=user).run(file)


# --- People ------------------------------------------------------------------------------


def _set_id_number(person: Person, value: str | None, errors: dict) -> None:
    if value is None:
        return
    if not str(value).strip():
        person.id_number_hash = person.id_number_last4 = person.id_number_encrypted = ""
        return
    try:
        number = idnumbers.validate_id_number(value)
    except ValidationError as exc:
        errors.setdefault("id_number", []).extend(exc.messages)
        return
    person.id_number_hash = idnumbers.lookup_hash(number)
    person.id_number_last4 = number[-4:]
    person.id_number_encrypted = idnumbers.encrypt(number)


def _validate_person(person: Person, errors: dict) -> None:
    if person.category not in dict(PERSON_CATEGORIES):
        errors.setdefault("category", []).append(_("请选择人员类别。"))
    if person.id_number_hash:
        taken = Person.objects.filter(id_number_hash=person.id_number_hash)
        if person.pk:
            taken = taken.exclude(pk=person.pk)
        if taken.exists():
            errors.setdefault("id_number", []).append(_("该身份证号码已登记。"))
    # Field checks only: the unique-number constraint was checked above with a clearer word.
    exclude = [f.name for f in person._meta.fields if f.is_relation or not f.editable]
    try:
        person.clean_fields(exclude=exclude)
    except ValidationError as exc:
        for name, messages in exc.error_dict.items():
            errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def register_person(data, *, user) -> Person:
    """Register a person. `data`: name, category, enterprise or org_unit (where they work),
    and optionally id_number (validated, GB 11643), position, phone, is_active."""
    person = Person()
    _place(person, data, user)
    _assign(person, data, PERSON_FIELDS)
    errors: dict[str, list] = {}
    _set_id_number(person, data.get("id_number"), errors)
    _validate_person(person, errors)
    _save(person, user)
    _require_scope(person, user, Action.ADD, _("您无权在该单位登记人员。"))
    return person


@transaction.atomic
def update_person(person, data, *, user, expected_version=None) -> Person:
    """Edit a person; `enterprise`/`org_unit` move them, `id_number` replaces the number
    (an empty string removes it; absent keeps it)."""
    locked = _lock(person, user, Action.CHANGE)
    _check_version(locked, expected_version)
    if "enterprise" in data or "org_unit" in data:
        _place(locked, data, user)
    _assign(locked, data, PERSON_FIELDS)
    errors: dict[str, list] = {}
    _set_id_number(locked, data.get("id_number"), errors)
    _validate_person(locked, errors)
    _save(locked, user)
    _require_scope(locked, user, Action.CHANGE, _("您无权将人员调到该单位。"))
    # Certificates lie with their holder.
    for certificate in locked.certificates.select_related("holder"):
        certificate._history_user = user
        certificate.save()
    return locked


def can_reveal_id_number(user) -> bool:
    return user.is_active and user.has_perm(ID_NUMBER_PERMISSION)


def _reveal(obj, encrypted_field: str, field: str, *, user, request, out_of_scope) -> str:
    """The decrypted `encrypted_field` of `obj` ("" when it has none), for users granted
    `training.view_id_number` who can also see `obj`; every reveal is in the audit log."""
    if not can_reveal_id_number(user):
        raise PermissionDenied(_("您没有查看完整身份证号码的权限。"))
    model = type(obj)
    visible = model.objects.restrict(user, Action.VIEW).filter(pk=obj.pk).first()
    if visible is None:
        raise PermissionDenied(out_of_scope)
    token = getattr(visible, encrypted_field)
    if not token:
        return ""
    record_event(
        AuditEvent.Kind.SENSITIVE_VIEWED,
        actor=user,
        request=request,
        org_path=visible.org_path,
        object=model._meta.label_lower,
        object_id=visible.pk,
        field=field,
    )
    return idnumbers.decrypt(token)


def reveal_id_number(person, *, user, request=None) -> str:
    """The full ID number, for users granted `training.view_id_number` (by an admin, to the
    user or a group) who can also see the person; every reveal is in the audit log."""
    number = _reveal(
        person,
        "id_number_encrypted",
        "id_number",
        user=user,
        request=request,
        out_of_scope=_("您无权查看该人员。"),
    )
    if not number:
        raise ValidationError(_("该人员未登记身份证号码。"))
    return number


def reveal_certificate_number(certificate, *, user, request=None) -> str:
    """A certificate's number in full; one that is an ID number is revealed as
    `reveal_id_number` reveals a person's (same permission, audited)."""
    number = _reveal(
        certificate,
        "number_encrypted",
        "number",
        user=user,
        request=request,
        out_of_scope=_("您无权查看该证书。"),
    )
    return number or certificate.number


def person_training_status(person, today: date) -> dict:
    """{status, shortfall, required (initial/annual), hours_total, hours_last_year} for one
    person, by the same SQL that annotates lists (training.stats.with_training_status)."""
    from training.stats import with_training_status

    row = (
        with_training_status(Person.objects.filter(pk=person.pk), today)
        .values(
            "training_status",
            "training_shortfall",
            "initial_required",
            "annual_required",
            "hours_total",
            "hours_last_year",
            "first_trained_on",
        )
        .get()
    )
    return {
        "status": TrainingStatus(row["training_status"]),
        "shortfall": row["training_shortfall"],
        "initial_required": row["initial_required"],
        "annual_required": row["annual_required"],
        "hours_total": row["hours_total"],
        "hours_last_year": row["hours_last_year"],
        "first_trained_on": row["first_trained_on"],
    }


# --- Certificates ------------------------------------------------------------------------


def _default_dates(certificate: Certificate, data: dict) -> None:
    issued = certificate.issued_on
    if not isinstance(issued, date):
        return
    if not data.get("review_due_on"):
        certificate.review_due_on = add_years(issued, REVIEW_INTERVAL_YEARS)
    if not data.get("expires_on"):
        certificate.expires_on = add_years(issued, VALIDITY_YEARS)


def set_certificate_number(certificate: Certificate, value, errors: dict) -> None:
    """Store a certificate number, protecting it when it is an ID number (as most
    特种作业操作证 numbers are): the mask in `number`, the clear value encrypted. A number
    shaped like an ID number must pass the GB 11643 check, so a mistyped ID number is never
    kept in clear."""
    number = idnumbers.normalise(value)
    if not number:
        errors.setdefault("number", []).append(_("请填写证书编号。"))
        return
    certificate.number_hash = idnumbers.lookup_hash(number)
    if not idnumbers.looks_like_id_number(number):
        certificate.number, certificate.number_encrypted = str(value).strip(), ""
        return
    try:
        idnumbers.validate_id_number(number)
    except ValidationError as exc:
        errors.setdefault("number", []).extend(
            _("证书编号为身份证号码时须正确：%(reason)s") % {"reason": message}
            for message in exc.messages
        )
        return
    certificate.number = idnumbers.mask(number[-4:])
    certificate.number_encrypted = idnumbers.encrypt(number)


def certificate_number_q(query: str) -> Q:
    """Certificates whose number contains `query`, or is exactly it (an ID number too)."""
    return Q(number__icontains=query.strip()) | Q(
        number_hash=idnumbers.lookup_hash(idnumbers.normalise(query))
    )


def _validate_certificate(certificate: Certificate, errors: dict | None = None) -> None:
    errors = dict(errors or {})
    _not_in_future(certificate.issued_on, "issued_on", _("初领日期"), errors)
    issued, review, expiry = (
        certificate.issued_on,
        certificate.review_due_on,
        certificate.expires_on,
    )
    if all(isinstance(d, date) for d in (issued, review, expiry)):
        if expiry <= issued:
            errors.setdefault("expires_on", []).append(_("有效期须晚于初领日期。"))
        if not issued < review <= expiry:
            errors.setdefault("review_due_on", []).append(
                _("应复审日期须在初领日期之后、有效期截止之前。")
            )
    if certificate.number_hash:
        taken = Certificate.objects.filter(
            kind=certificate.kind, number_hash=certificate.number_hash
        )
        if certificate.pk:
            taken = taken.exclude(pk=certificate.pk)
        if taken.exists():
            errors.setdefault("number", []).append(_("该证书编号已登记。"))
    _clean(certificate, errors)


@transaction.atomic
def record_certificate(data, *, user) -> Certificate:
    """Record a licence. `data`: holder, kind, number, issued_on, and optionally operation,
    issuing_authority, review_due_on (default +3 years), expires_on (default +6 years)."""
    holder = _resolve(Person, data.get("holder"), user, "holder")
    if holder is None:
        raise ValidationError({"holder": _("请选择持证人。")})
    certificate = Certificate(holder=holder)
    _assign(certificate, data, [f for f in CERTIFICATE_FIELDS if f != "number"])
    errors: dict[str, list] = {}
    set_certificate_number(certificate, data.get("number"), errors)
    _default_dates(certificate, data)
    certificate.copy_location()
    _validate_certificate(certificate, errors)
    _save(certificate, user)
    _require_scope(certificate, user, Action.ADD, _("您无权为该人员登记证书。"))
    return certificate


@transaction.atomic
def renew_certificate(certificate, data, *, user, expected_version=None) -> Certificate:
    """复审 or 换证. `data`: reviewed_on (a review passed: the next review falls 3 years
    later, not beyond expiry) and/or, for a new card, issued_on with optional number and
    expires_on (the dates restart as for a new certificate). Reminders start afresh, since
    they are keyed by the dates they are about."""
    locked = _lock(certificate, user, Action.CHANGE)
    _check_version(locked, expected_version)
    if locked.is_void:
        raise ValidationError(_("该证书已注销。"))
    reviewed_on, issued_on = data.get("reviewed_on"), data.get("issued_on")
    if not reviewed_on and not issued_on:
        raise ValidationError({"reviewed_on": _("请填写复审日期或换证日期。")})
    errors: dict[str, list] = {}
    if issued_on:
        locked.issued_on = issued_on
        locked.reviewed_on = None
        _assign(locked, data, ("issuing_authority",))
        if data.get("number"):
            set_certificate_number(locked, data["number"], errors)
        locked.review_due_on = add_years(issued_on, REVIEW_INTERVAL_YEARS)
        locked.expires_on = data.get("expires_on") or add_years(issued_on, VALIDITY_YEARS)
    else:
        _not_in_future(reviewed_on, "reviewed_on", _("复审日期"), errors)
        if isinstance(reviewed_on, date) and reviewed_on < locked.issued_on:
            errors.setdefault("reviewed_on", []).append(_("复审日期不能早于初领日期。"))
        if errors:
            raise ValidationError(errors)
        locked.reviewed_on = reviewed_on
        locked.review_due_on = min(add_years(reviewed_on, REVIEW_INTERVAL_YEARS), locked.expires_on)
    _validate_certificate(locked, errors)
    _save(locked, user)
    return locked


# --- Drills and awareness events ---------------------------------------------------------


def check_photos(files) -> list:
    files = list(files or ())
    if len(files) > MAX_PHOTOS_PER_UPLOAD:
        raise ValidationError(
            {"photos": _("一次最多上传%(n)d个文件。") % {"n": MAX_PHOTOS_PER_UPLOAD}}
        )
    messages, names = [], []
    for uploaded in files:
        original = (getattr(uploaded, "name", "") or "upload").rsplit("/", 1)[-1][:200]
        try:
            validate_evidence(uploaded)
        except ValidationError as exc:
            messages.extend(exc.messages)
            continue
        names.append((uploaded, original))
    if messages:
        raise ValidationError({"photos": messages})
    return names


def _store_photos(drill, checked, user) -> None:
    for uploaded, original in checked:
        photo = DrillPhoto(drill=drill, file=uploaded, original_name=original, uploaded_by=user)
        photo._history_user = user
        photo.save()


@transaction.atomic
def record_drill(data, *, user, files=()) -> Drill:
    """Record a drill. `data`: enterprise or org_unit, held_on, kind, scenario, and optionally
    unscripted, participants, evaluation, plan_revision; `files`: photos (core.uploads)."""
    checked = check_photos(files)
    drill = Drill(created_by=user)
    _place(drill, data, user)
    _assign(drill, data, DRILL_FIELDS)
    errors: dict[str, list] = {}
    _not_in_future(drill.held_on, "held_on", _("演练日期"), errors)
    _clean(drill, errors)
    _save(drill, user)
    _require_scope(drill, user, Action.ADD, _("您无权为该单位录入演练。"))
    _store_photos(drill, checked, user)
    return drill


@transaction.atomic
def update_drill(drill, data, *, user, expected_version=None, files=()) -> Drill:
    """Edit a drill's record (not its unit) and add photos."""
    checked = check_photos(files)
    locked = _lock(drill, user, Action.CHANGE)
    _check_version(locked, expected_version)
    _assign(locked, data, DRILL_FIELDS)
    errors: dict[str, list] = {}
    _not_in_future(locked.held_on, "held_on", _("演练日期"), errors)
    _clean(locked, errors)
    _save(locked, user)
    _store_photos(locked, checked, user)
    return locked


@transaction.atomic
def record_awareness_event(data, *, user) -> AwarenessEvent:
    """Record an awareness event. `data`: org_unit or enterprise, kind, title, held_on, and
    optionally place, reach, description."""
    event = AwarenessEvent(created_by=user)
    _place(event, data, user)
    _assign(event, data, AWARENESS_FIELDS)
    errors: dict[str, list] = {}
    _not_in_future(event.held_on, "held_on", _("活动日期"), errors)
    _clean(event, errors)
    _save(event, user)
    _require_scope(event, user, Action.ADD, _("您无权为该单位录入宣传活动。"))
    return event


def session_audience_category(session) -> str | None:
    """The person category a session's audience registers new attendees under."""
    return None if session.audience == Audience.PUBLIC else session.audience


@transaction.atomic
def add_attendance(session, person, hours=None, passed=True, *, user=None) -> Attendance:
    """Put one person on a session's roster, credited `hours` (default: the session's).

    With `user`, both must be in the user's scope (the session to change); without, the
    caller is the system itself (jobs, demo, fixtures). The reported head count never drops
    below the roster's size.
    """
    if user is not None:
        session = _lock(session, user, Action.CHANGE)
        person = _resolve(Person, person, user, "person")
    hours = session.hours if hours is None else Decimal(hours)
    if not 0 < hours <= session.hours:
        raise ValidationError(
            {"hours": _("学时应大于0且不超过本期培训的%(h)s学时。") % {"h": session.hours}}
        )
    if session.attendances.filter(person=person).exists():
        raise ValidationError({"person": _("该人员已在本期培训名单中。")})
    attendance = Attendance.objects.create(
        session=session, person=person, hours=hours, completed_on=session.end_date, passed=passed
    )
    roster = session.attendances.count()
    if session.attendance_count < roster:
        TrainingSession.objects.filter(pk=session.pk).update(attendance_count=roster)
    return attendance
