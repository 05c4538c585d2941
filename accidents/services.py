"""Accident rules: statutory grading, re-grading within the 补报 window, reporting timers,
recording and editing, and the 一票否决 the rankings read.

Errors: ValidationError (Chinese, by field where there is one) for what the user can correct;
PermissionDenied for what this user may not do; core.exceptions.StaleVersionError when an
edit was based on an older version.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from accidents.constants import (
    GRADE_ORDER,
    GRADE_THRESHOLDS,
    LEVEL_REPORT_LIMIT,
    REGRADE_WINDOW_DAYS,
    REPORT_LEVELS,
    REQUIRED_REPORT_LEVELS,
    UNIT_REPORT_LIMIT,
    VETO_GRADES,
    AccidentAction,
    Grade,
)
from accidents.models import Accident
from core.exceptions import StaleVersionError
from orgs.constants import Kind
from orgs.models import Enterprise, OrgUnit

# What grading reads: a change to any of these within the window re-grades the accident.
GRADING_FIELDS = ("deaths", "serious_injuries", "direct_loss")
REPORT_FIELDS = (
    "unit_reported_at",
    "county_reported_at",
    "city_reported_at",
    "province_reported_at",
)
EDITABLE_FIELDS = (
    "title",
    "occurred_at",
    "place",
    "org_unit",
    "enterprise",
    "industry",
    "category",
    "kind",
    *GRADING_FIELDS,
    "injuries",
    "narrative",
    "investigation_status",
    "listed_supervision",
    "elevated_investigation",
    *REPORT_FIELDS,
)
LEVEL_LABELS = {"county": _lazy("县级"), "city": _lazy("市级"), "province": _lazy("省级")}


# -- grading ---------------------------------------------------------------------------------


def grade_for(deaths: int, serious_injuries: int, direct_loss: Decimal) -> str:
    """The statutory grade (art. 3): the highest grade any one of the three figures reaches."""
    for grade, min_deaths, min_serious, min_loss in GRADE_THRESHOLDS:
        if deaths >= min_deaths or serious_injuries >= min_serious or direct_loss >= min_loss:
            return grade
    return Grade.GENERAL


def grade_rank(grade: str) -> int:
    return GRADE_ORDER.index(grade)


def regrade_deadline(occurred_at: datetime, category: str) -> datetime:
    """The first moment after the 补报 window: midnight (local) ending its last day.

    The accident day is not counted (民法典 art. 201), so a 30-day window for an accident on
    1 March lasts to the end of 31 March.
    """
    local_day = timezone.localtime(occurred_at).date()
    last_day = local_day + timedelta(days=REGRADE_WINDOW_DAYS[category])
    start = datetime.combine(last_day + timedelta(days=1), datetime.min.time())
    return timezone.make_aware(start)


def in_regrade_window(accident: Accident, at: datetime) -> bool:
    return at < regrade_deadline(accident.occurred_at, accident.category)


def statutory_grade(accident: Accident) -> str:
    """The grade the current figures give — differs from `grade` only once frozen."""
    return grade_for(accident.deaths, accident.serious_injuries, accident.direct_loss)


# -- reporting timers ------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportStep:
    """One link of the reporting chain: who reports, when it was due, when it was done."""

    field: str
    label: str
    due_at: datetime | None
    reported_at: datetime | None
    late: bool


def reporting_steps(accident: Accident, now: datetime | None = None) -> list[ReportStep]:
    """The chain the accident's grade requires, each step timed against the one below.

    A step is late when done after its deadline, or not done and the deadline has passed. A
    step whose lower step is not done has no deadline yet (the lower step is the late one).
    """
    now = now or timezone.now()
    steps = []
    due = accident.occurred_at + UNIT_REPORT_LIMIT
    steps.append(_step("unit_reported_at", _("事故单位报告"), due, accident.unit_reported_at, now))
    previous = accident.unit_reported_at
    for level in REQUIRED_REPORT_LEVELS[accident.grade]:
        field = f"{level}_reported_at"
        due = previous + LEVEL_REPORT_LIMIT if previous else None
        label = _("%(level)s上报") % {"level": LEVEL_LABELS[level]}
        steps.append(_step(field, label, due, getattr(accident, field), now))
        previous = getattr(accident, field)
    return steps


def _step(field, label, due, reported, now) -> ReportStep:
    late = due is not None and (reported > due if reported else now > due)
    return ReportStep(field=field, label=label, due_at=due, reported_at=reported, late=late)


def is_late(accident: Accident, now: datetime | None = None) -> bool:
    return any(step.late for step in reporting_steps(accident, now))


def late_q(now: datetime | None = None) -> Q:
    """`is_late` as one SQL condition, so lists filter and flag late reports in the query.

    Every comparison is guarded by IS NOT NULL so the condition is never NULL: rows are
    flagged exactly as `is_late` flags them, and negating it selects the rows on time.
    """
    now = now or timezone.now()
    q = Q(unit_reported_at__isnull=False, unit_reported_at__gt=F("occurred_at") + UNIT_REPORT_LIMIT)
    q |= Q(unit_reported_at__isnull=True, occurred_at__lt=now - UNIT_REPORT_LIMIT)
    previous = "unit_reported_at"
    for level in REPORT_LEVELS:
        field = f"{level}_reported_at"
        grades = [g for g, levels in REQUIRED_REPORT_LEVELS.items() if level in levels]
        done_late = Q(
            **{
                f"{field}__isnull": False,
                f"{previous}__isnull": False,
                f"{field}__gt": F(previous) + LEVEL_REPORT_LIMIT,
            }
        )
        overdue = Q(
            **{
                f"{field}__isnull": True,
                f"{previous}__isnull": False,
                f"{previous}__lt": now - LEVEL_REPORT_LIMIT,
            }
        )
        q |= Q(grade__in=grades) & (done_late | overdue)
        previous = field
    return q


def with_late(queryset: QuerySet, now: datetime | None = None) -> QuerySet:
    return queryset.annotate(is_late=ExpressionWrapper(late_q(now), output_field=BooleanField()))


# -- recording and editing -------------------------------------------------------------------


def validate_accident(accident: Accident, now: datetime | None = None) -> None:
    now = now or timezone.now()
    errors = {}
    if accident.occurred_at and accident.occurred_at > now:
        errors["occurred_at"] = _("发生时间不能晚于当前时间。")
    if accident.org_unit_id and accident.org_unit.kind != Kind.REGION:
        errors["org_unit"] = _("事故发生地应为行政区域，不能是部门。")
    if accident.direct_loss is not None and accident.direct_loss < 0:
        errors["direct_loss"] = _("直接经济损失不能为负数。")
    if not (accident.title or "").strip():
        errors["title"] = _("请填写事故名称。")
    previous = accident.occurred_at
    for field in REPORT_FIELDS:
        value = getattr(accident, field)
        if value is None:
            continue
        if value > now:
            errors[field] = _("报告时间不能晚于当前时间。")
        elif previous is not None and value < previous:
            errors[field] = _("报告时间不能早于发生时间或下一级的报告时间。")
        previous = value
    if errors:
        raise ValidationError(errors)


def _resolve_location(accident: Accident, user) -> None:
    if accident.enterprise_id:
        enterprise = (
            Enterprise.objects.restrict(user, AccidentAction.VIEW)
            .select_related("org_unit", "industry")
            .filter(pk=accident.enterprise_id)
            .first()
        )
        if enterprise is None:
            raise ValidationError({"enterprise": _("该单位不在您的管辖范围内。")})
        accident.enterprise = enterprise
        if not accident.org_unit_id:
            accident.org_unit = enterprise.org_unit
        if not accident.industry_id:
            accident.industry = enterprise.industry
    if not accident.org_unit_id:
        raise ValidationError({"org_unit": _("请选择事故发生地。")})
    if not accident.industry_id:
        raise ValidationError({"industry": _("请选择行业领域。")})


def _assign(accident: Accident, data: dict) -> None:
    for name, value in data.items():
        if name not in EDITABLE_FIELDS:
            continue
        if name in ("org_unit", "enterprise", "industry"):
            setattr(accident, f"{name}_id", getattr(value, "pk", value))
        else:
            setattr(accident, name, value)


def _require_scope(accident: Accident, user, action: str, message: str) -> None:
    if not Accident.objects.restrict(user, action).filter(pk=accident.pk).exists():
        raise PermissionDenied(message)


@transaction.atomic
def record_accident(data: dict, *, user, now: datetime | None = None) -> Accident:
    """Enter an accident in the register, graded by its figures.

    `data`: title, occurred_at, kind, and enterprise or org_unit (the enterprise's location and
    industry are the defaults), plus the other EDITABLE_FIELDS.
    """
    accident = Accident(recorded_by=user)
    _assign(accident, data)
    _resolve_location(accident, user)
    accident.direct_loss = accident.direct_loss if accident.direct_loss is not None else 0
    validate_accident(accident, now)
    accident.grade = statutory_grade(accident)
    accident._history_user = user
    accident._change_reason = _("录入，定为%(grade)s") % {"grade": accident.get_grade_display()}
    accident.save()
    # The row's location and industry decide its scope: checked on the row as written.
    _require_scope(accident, user, AccidentAction.ADD, _("您无权在该地录入事故。"))
    return accident


@transaction.atomic
def update_accident(
    accident: Accident, data: dict, *, user, expected_version, now: datetime | None = None
) -> Accident:
    """Edit an accident; figures changed within the 补报 window re-grade it, later ones don't.

    Past the window the statistics grade stays as it was (the change is still recorded, with
    a note in the history that the grade is frozen). `expected_version` is the version the
    editor loaded; a newer one raises StaleVersionError and nothing is written.
    """
    now = now or timezone.now()
    locked = Accident.objects.select_for_update().filter(pk=accident.pk).first()
    if locked is None:
        raise ValidationError(_("该事故记录不存在。"))
    _require_scope(locked, user, AccidentAction.CHANGE, _("您无权修改该事故。"))
    if expected_version is not None and locked.version != int(expected_version):
        raise StaleVersionError(
            _("该事故已被他人修改（当前第%(current)d版，您编辑的是第%(yours)d版），请刷新后重试。")
            % {"current": locked.version, "yours": int(expected_version)}
        )
    before = {name: getattr(locked, name) for name in GRADING_FIELDS}
    window_open = in_regrade_window(locked, now)
    _assign(locked, data)
    if locked.direct_loss is None:
        locked.direct_loss = Decimal("0")
    _resolve_location(locked, user)
    validate_accident(locked, now)
    figures_changed = any(getattr(locked, name) != before[name] for name in GRADING_FIELDS)
    reason = _("修改")
    if figures_changed:
        new_grade = statutory_grade(locked)
        if window_open:
            if new_grade != locked.grade:
                reason = _("补报伤亡/损失，等级由%(old)s调整为%(new)s") % {
                    "old": Grade(locked.grade).label,
                    "new": Grade(new_grade).label,
                }
            locked.grade = new_grade
        elif new_grade != locked.grade:
            reason = _("已过补报期限，统计等级保持%(old)s（按现数据应为%(new)s）") % {
                "old": Grade(locked.grade).label,
                "new": Grade(new_grade).label,
            }
    locked.version += 1
    locked._history_user = user
    locked._change_reason = reason
    locked.save()
    _require_scope(locked, user, AccidentAction.CHANGE, _("您无权将事故改到该地。"))
    return locked


# -- 一票否决 ---------------------------------------------------------------------------------


def vetoed_unit_ids(year: int, within: OrgUnit | None = None) -> set[int]:
    """Units vetoed for `year` (一票否决): where a 较大 or worse accident happened that year.

    The veto reaches the unit where the accident happened and every region above it, since
    each answers for its whole territory — but only within the ranking: with `within` (the
    unit whose subordinates are ranked), only units strictly below it, never `within` itself
    nor its own superiors. The year is the accident's local calendar year.
    """
    start = timezone.make_aware(datetime(year, 1, 1))
    end = timezone.make_aware(datetime(year + 1, 1, 1))
    qs = Accident.objects.filter(
        occurred_at__gte=start, occurred_at__lt=end, grade__in=sorted(VETO_GRADES)
    )
    excluded: set[int] = set()
    if within is not None:
        qs = qs.filter(org_path__startswith=within.path)
        excluded = {
            pk
            for pk in (
                within.pk,
                within.province_id,
                within.city_id,
                within.county_id,
                within.township_id,
            )
            if pk is not None
        }
    ids: set[int] = set()
    for row in qs.values_list("org_unit_id", "province_id", "city_id", "county_id", "township_id"):
        ids.update(pk for pk in row if pk is not None)
    return ids - excluded
