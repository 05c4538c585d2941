"""Citizens' reports (群众举报, 随手拍): filing without an account, triage, 查实 / 不实, rewards.

The public side (`submit_report`, `public_status`) takes no user: abuse is held off by a
per-IP rate limit counted in the cache under a salted hash of the address, a honeypot field,
and the photo's size and type checked by its content. A rejected submission writes nothing.

The staff side follows hazards.services: each step validates, then writes in one
transaction with the report's row locked and the user's scope re-checked under the lock,
bumps `version` and leaves a history row. 查实 creates the ledger hazard (source 群众举报查实)
through hazards.services.report_hazard in the same transaction, linked both ways.

The reporter's name and contact (ReporterIdentity) leave this module only through
`reveal_reporter`: for holders of `hazards.view_reporter_identity` and auditors, every
reveal written to the audit log. Notifications never carry them.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from core.audit import record_event
from core.exceptions import StaleVersionError
from core.models import AuditEvent
from core.notifications import notify
from core.uploads import validate_evidence
from hazards import services as ledger
from hazards.constants import RECEIPT_ALPHABET, RECEIPT_LENGTH, ReportAction
from hazards.models import Hazard, PublicReport, ReporterIdentity
from orgs.constants import Kind, Role
from orgs.models import OrgUnit
from orgs.scoping import scope_for

Status = PublicReport.Status

# Days the receiving unit has to conclude a report, unless its assignment sets another date.
REPORT_DEADLINE_DAYS = 15
# Accepted reports per IP address and hour: a citizen files one or two, a script hundreds.
REPORTS_PER_HOUR = 5
RATE_WINDOW_SECONDS = 3600
PHOTO_EXTENSIONS = (".jpg", ".png", ".gif", ".webp", ".heic")
OPEN_STATUSES = (Status.RECEIVED, Status.ASSIGNED, Status.INVESTIGATING)
IDENTITY_PERMISSION = "hazards.view_reporter_identity"

# What the citizen sees by receipt code: the stage, never the internal notes.
PUBLIC_STATUS_TEXT = {
    Status.RECEIVED: _lazy("已受理，等待核查"),
    Status.ASSIGNED: _lazy("已交办承办单位核查"),
    Status.INVESTIGATING: _lazy("正在核查"),
    Status.VERIFIED: _lazy("经核查，举报情况属实，已责令整改"),
    Status.UNFOUNDED: _lazy("经核查，举报情况不属实"),
}

SCOPE_DENIED = {
    ReportAction.VIEW: _lazy("您无权查看该举报。"),
    ReportAction.ASSIGN: _lazy("您无权交办该举报。"),
    ReportAction.HANDLE: _lazy("您无权核查办理该举报。"),
    ReportAction.REWARD: _lazy("举报奖励须由属地负责人或管理员决定，您无权办理。"),
}


# --- The public side ---------------------------------------------------------------------


def ip_hash(ip: str | None) -> str:
    """The submitter's address, keyed with a secret: comparable, not reversible."""
    key = hashlib.sha256(b"hazards.public_report.ip:" + settings.SECRET_KEY.encode()).digest()
    return hmac.new(key, (ip or "").encode(), hashlib.sha256).hexdigest()


def _rate_key(hashed: str) -> str:
    return f"public-report-rate:{hashed}"


def rate_limited(hashed: str) -> bool:
    return cache.get(_rate_key(hashed), 0) >= REPORTS_PER_HOUR


def _count_submission(hashed: str) -> None:
    key = _rate_key(hashed)
    if not cache.add(key, 1, RATE_WINDOW_SECONDS):
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, RATE_WINDOW_SECONDS)


RATE_LIMIT_MESSAGE = _lazy("提交过于频繁，请一小时后再试。如情况紧急，请拨打12350举报电话。")
HONEYPOT_MESSAGE = _lazy("提交未通过校验，请刷新页面后重新填写。")


def reporting_regions():
    """The regions a citizen may pick: active counties and townships."""
    return OrgUnit.objects.filter(kind=Kind.REGION, is_active=True)


def _check_photo(photo) -> None:
    if not photo:
        return
    try:
        extension = validate_evidence(photo)
    except ValidationError as exc:
        raise ValidationError({"photo": exc.messages}) from None
    if extension not in PHOTO_EXTENSIONS:
        raise ValidationError({"photo": _("请上传照片（JPG、PNG、WebP、HEIC）。")})


def _clean_text(data, name, *, required_message=None, max_length=None) -> str:
    value = (data.get(name) or "").strip()
    if required_message and not value:
        raise ValidationError({name: required_message})
    if max_length and len(value) > max_length:
        raise ValidationError({name: _("不能超过%(n)d个字。") % {"n": max_length}})
    return value


def submit_report(data, *, ip: str | None, photo=None, honeypot: str = "") -> PublicReport:
    """File a citizen's report; returns it saved with its receipt code.

    `data`: org_unit (a county or township), description, location_text, and optionally
    reporter_name, reporter_contact. Raises ValidationError (Chinese, by field) and writes
    nothing when anything is refused: the honeypot filled, the rate limit reached, the text
    or the photo wrong.
    """
    if honeypot:
        raise ValidationError(HONEYPOT_MESSAGE, code="honeypot")
    hashed = ip_hash(ip)
    if rate_limited(hashed):
        raise ValidationError(RATE_LIMIT_MESSAGE, code="rate_limited")
    region = data.get("org_unit")
    region_id = getattr(region, "pk", region)
    region = reporting_regions().filter(pk=region_id).first() if region_id else None
    if region is None:
        raise ValidationError({"org_unit": _("请选择隐患所在地区。")})
    description = _clean_text(
        data, "description", required_message=_("请描述发现的隐患。"), max_length=2000
    )
    if len(description) < 5:
        raise ValidationError({"description": _("请把隐患情况描述得具体一些（至少5个字）。")})
    location = _clean_text(
        data, "location_text", required_message=_("请填写具体地点。"), max_length=200
    )
    name = _clean_text(data, "reporter_name", max_length=50)
    contact = _clean_text(data, "reporter_contact", max_length=100)
    _check_photo(photo)

    with transaction.atomic():
        report = PublicReport(
            org_unit=region,
            description=description,
            location_text=location,
            ip_hash=hashed,
            deadline=timezone.localdate() + timedelta(days=REPORT_DEADLINE_DAYS),
        )
        if photo:
            report.photo = photo
        report.save()
        if name or contact:
            ReporterIdentity.objects.create(report=report, name=name, contact=contact)
        _tell_unit(
            report,
            _("收到群众举报：%(code)s") % {"code": report.receipt_code},
            key=f"public-report:{report.pk}:received",
        )
    # Counted once written, whatever happens to the surrounding transaction: a limit on
    # attempts that got this far, not on rows that stayed.
    _count_submission(hashed)
    return report


def normalise_receipt(code: str) -> str:
    """What a citizen types, as stored: capitals, no spaces or dashes."""
    return "".join((code or "").upper().split()).replace("-", "")


def format_receipt(code: str) -> str:
    """ABCD-EFGH-JKMN: easier to copy from a phone screen."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def find_by_receipt(code: str) -> PublicReport | None:
    code = normalise_receipt(code)
    if len(code) != RECEIPT_LENGTH or any(c not in RECEIPT_ALPHABET for c in code):
        return None
    return PublicReport.objects.filter(receipt_code=code).first()


def public_status(report: PublicReport) -> dict:
    """All the citizen learns: the stage and its dates."""
    return {
        "receipt_code": report.receipt_code,
        "status": report.status,
        "status_display": str(PUBLIC_STATUS_TEXT[report.status]),
        "received_at": report.created_at,
        "concluded_at": report.concluded_at,
        "rewarded": report.reward_decided_on is not None,
        "reward_paid": report.reward_paid_on is not None,
    }


# --- Who may do what ---------------------------------------------------------------------


def holds(user, action) -> bool:
    """Whether any of the user's grants allows `action` on some report."""
    return user.is_superuser or scope_for(user).q_for(PublicReport, action) is not None


def is_auditor(user) -> bool:
    return any(grant.role == Role.AUDITOR for grant in scope_for(user).grants)


def can_see_reporter(user) -> bool:
    """The explicit grant (a permission given to the user or their group) or the auditor."""
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.has_perm(IDENTITY_PERMISSION) or is_auditor(user))
    )


def reveal_reporter(report, *, user, request=None) -> ReporterIdentity | None:
    """The reporter's name and contact (None when anonymous); every reveal is audited."""
    if not can_see_reporter(user):
        raise PermissionDenied(_("您没有查看举报人信息的权限。"))
    visible = PublicReport.objects.restrict(user, ReportAction.VIEW).filter(pk=report.pk).first()
    if visible is None:
        raise PermissionDenied(SCOPE_DENIED[ReportAction.VIEW])
    record_event(
        AuditEvent.Kind.SENSITIVE_VIEWED,
        actor=user,
        request=request,
        org_path=visible.org_path,
        object="hazards.publicreport",
        object_id=visible.pk,
        field="reporter_identity",
    )
    return ReporterIdentity.objects.filter(report=visible).first()


def _lock(report, user, action) -> PublicReport:
    locked = (
        PublicReport.objects.restrict(user, ReportAction.VIEW)
        .select_for_update(of=("self",))
        .filter(pk=report.pk)
        .first()
    )
    if locked is None:
        raise PermissionDenied(SCOPE_DENIED[ReportAction.VIEW])
    if not PublicReport.objects.restrict(user, action).filter(pk=locked.pk).exists():
        raise PermissionDenied(SCOPE_DENIED[action])
    return locked


def _check_version(report, expected_version) -> None:
    if expected_version is not None and report.version != int(expected_version):
        raise StaleVersionError(
            _("该举报已被他人办理（当前第%(current)d版，您看到的是第%(yours)d版），请刷新后重试。")
            % {"current": report.version, "yours": int(expected_version)}
        )


def _require_status(report, *statuses, doing) -> None:
    if report.status not in statuses:
        raise ValidationError(
            _("该举报当前为“%(status)s”，不能%(doing)s。")
            % {"status": report.get_status_display(), "doing": doing},
            code="status",
        )


def _save(report, user) -> None:
    report.version += 1
    report._history_user = user
    report.save()


def report_link(pk) -> str:
    return reverse("hazards:report_detail", args=[pk])


def _handlers(unit_id):
    """Who triages at a unit: its staff and admins."""
    return (
        get_user_model()
        .objects.filter(
            memberships__org_unit_id=unit_id,
            memberships__role__in=(Role.STAFF, Role.ADMIN),
            is_active=True,
        )
        .distinct()
    )


def _tell_unit(report, title, *, key, sender=None) -> None:
    """Notify the handlers of the report's unit, or of its parent when it has none (a
    township whose staff have no accounts yet). The title and body name the receipt code
    and the place, never the reporter."""
    handlers = _handlers(report.org_unit_id)
    if not handlers.exists() and report.org_unit.parent_id:
        handlers = _handlers(report.org_unit.parent_id)
    notify(
        handlers,
        title,
        body=report.location_text,
        link=report_link(report.pk),
        sender=sender,
        dedup_key=key,
    )


# --- Triage ------------------------------------------------------------------------------


def _why_not(report, user, action, statuses, doing) -> str | None:
    if not PublicReport.objects.restrict(user, action).filter(pk=report.pk).exists():
        return str(SCOPE_DENIED[action])
    if report.status not in statuses:
        return _("该举报当前为“%(status)s”，不能%(doing)s。") % {
            "status": report.get_status_display(),
            "doing": doing,
        }
    return None


STEPS = {
    # name: (scope action, statuses it may start from, what it is called)
    "assign": (ReportAction.ASSIGN, OPEN_STATUSES, _lazy("交办")),
    "investigate": (ReportAction.HANDLE, (Status.RECEIVED, Status.ASSIGNED), _lazy("开始核查")),
    "verify": (ReportAction.HANDLE, OPEN_STATUSES, _lazy("认定查实")),
    "unfounded": (ReportAction.HANDLE, OPEN_STATUSES, _lazy("认定不实")),
    "reward": (ReportAction.REWARD, (Status.VERIFIED,), _lazy("决定奖励")),
}


def available_steps(report, user) -> dict[str, str | None]:
    """Each step → None if the user may take it now, else why not (Chinese)."""
    return {
        name: _why_not(report, user, action, statuses, doing)
        for name, (action, statuses, doing) in STEPS.items()
    }


def _start(report, user, step, expected_version) -> PublicReport:
    action, statuses, doing = STEPS[step]
    locked = _lock(report, user, action)
    _check_version(locked, expected_version)
    _require_status(locked, *statuses, doing=doing)
    return locked


@transaction.atomic
def assign(report, *, user, unit, deadline, assignee=None, note="", expected_version=None):
    """交办: hand the report to a unit in the user's scope (a township, a department), with
    a deadline and optionally one of the unit's staff. The report moves to that unit, so
    its staff see it in their queue."""
    locked = _start(report, user, "assign", expected_version)
    unit_id = getattr(unit, "pk", unit)
    unit = OrgUnit.objects.restrict(user, ReportAction.VIEW).filter(pk=unit_id).first()
    if unit is None:
        raise ValidationError({"unit": _("请选择您管辖范围内的承办单位。")})
    if deadline is None:
        raise ValidationError({"deadline": _("请填写办理时限。")})
    if deadline < timezone.localdate():
        raise ValidationError({"deadline": _("办理时限不能早于今天。")})
    if assignee is not None and not _handlers(unit.pk).filter(pk=assignee.pk).exists():
        raise ValidationError({"assignee": _("承办人须为承办单位的工作人员。")})
    locked.org_unit = unit
    locked.assigned_unit = unit
    locked.assigned_to = assignee
    locked.assigned_at = timezone.now()
    locked.deadline = deadline
    locked.status = Status.ASSIGNED
    if note:
        locked.conclusion = note.strip()
    _save(locked, user)
    title = _("群众举报交办：%(code)s，请于%(deadline)s前核查办结") % {
        "code": locked.receipt_code,
        "deadline": deadline.isoformat(),
    }
    recipients = [assignee] if assignee is not None else _handlers(unit.pk)
    notify(
        recipients,
        title,
        body=locked.location_text,
        link=report_link(locked.pk),
        sender=user,
        dedup_key=f"public-report:{locked.pk}:assigned:{locked.version}",
    )
    return locked


@transaction.atomic
def start_investigation(report, *, user, note="", expected_version=None) -> PublicReport:
    locked = _start(report, user, "investigate", expected_version)
    locked.status = Status.INVESTIGATING
    if note:
        locked.conclusion = note.strip()
    _save(locked, user)
    return locked


@transaction.atomic
def verify(report, data, *, user, expected_version=None) -> PublicReport:
    """查实: the report is true. Enters the hazard in the ledger (source 群众举报查实) with the
    report's photo, and links it to the report, all or nothing.

    `data`: enterprise, grade, description, place, conclusion, optionally criterion and the
    date found (default today).
    """
    locked = _start(report, user, "verify", expected_version)
    conclusion = _required(data.get("conclusion"), "conclusion", _("请填写核查结论。"))
    values = {
        "enterprise": data.get("enterprise"),
        "grade": data.get("grade"),
        "criterion": data.get("criterion"),
        "source": Hazard.Source.PUBLIC_REPORT,
        "description": data.get("description") or locked.description,
        "place": data.get("place") or locked.location_text[:200],
        "found_date": data.get("found_date") or timezone.localdate(),
        # Never the reporter's name: the ledger is read far more widely than the report.
        "finder_name": _("群众举报"),
    }
    if locked.photo:
        with locked.photo.open("rb") as stored:
            photo = File(stored, name=f"群众举报照片{_extension(locked.photo.name)}")
            hazard = ledger.report_hazard(values, user=user, files=[photo])
    else:
        hazard = ledger.report_hazard(values, user=user)
    locked.hazard = hazard
    locked.enterprise = hazard.enterprise
    locked.industry = hazard.industry
    locked.status = Status.VERIFIED
    locked.conclusion = conclusion
    locked.concluded_by = user
    locked.concluded_at = timezone.now()
    _save(locked, user)
    return locked


def _extension(name: str) -> str:
    return "." + name.rsplit(".", 1)[-1] if "." in name else ""


def _required(value, field, message) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError({field: message})
    return text


@transaction.atomic
def mark_unfounded(report, *, user, reason, expected_version=None) -> PublicReport:
    """不实: the report is not borne out; the reason is required and kept."""
    locked = _start(report, user, "unfounded", expected_version)
    locked.unfounded_reason = _required(reason, "reason", _("请填写不实的原因。"))
    locked.status = Status.UNFOUNDED
    locked.concluded_by = user
    locked.concluded_at = timezone.now()
    _save(locked, user)
    return locked


@transaction.atomic
def decide_reward(
    report, *, user, amount, decision, decided_on, paid_on=None, expected_version=None
) -> PublicReport:
    """举报奖励 of a verified report: amount, decision and its date; the paid date when paid.
    Called again to record the payment or correct the decision."""
    locked = _start(report, user, "reward", expected_version)
    if amount is None or Decimal(amount) <= 0:
        raise ValidationError({"amount": _("奖励金额须大于0。")})
    decision = _required(decision, "decision", _("请填写奖励决定。"))
    if decided_on is None:
        raise ValidationError({"decided_on": _("请填写奖励决定日期。")})
    today = timezone.localdate()
    if decided_on > today:
        raise ValidationError({"decided_on": _("奖励决定日期不能晚于今天。")})
    if paid_on is not None and not decided_on <= paid_on <= today:
        raise ValidationError({"paid_on": _("发放日期应在决定日期与今天之间。")})
    locked.reward_amount = Decimal(amount)
    locked.reward_decision = decision
    locked.reward_decided_on = decided_on
    locked.reward_paid_on = paid_on
    _save(locked, user)
    return locked


def is_overdue_on(report, day: date) -> bool:
    return bool(report.status in OPEN_STATUSES and report.deadline and report.deadline < day)
