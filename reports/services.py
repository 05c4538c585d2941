"""Reading the rollups for a place and period, and the long jobs that rebuild them.

Readers go through `Rollup.objects.current().restrict(user)` so a figure is visible exactly
where the rows it sums are; each helper here is one query whatever the number of metrics.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from orgs.constants import Action, Kind, Role
from orgs.models import OrgUnit
from orgs.scoping import scope_for
from reports.models import Job, RankingScheme, Rollup
from reports.rollups import Period, same_period_last_year
from reports.yoy import year_on_year

ZERO = Decimal(0)


def _period_rows(user, period: Period):
    return (
        Rollup.objects.current()
        .restrict(user)
        .filter(period_kind=period.kind, period_start=period.start, period_end=period.end)
    )


def territory(unit: OrgUnit) -> tuple[OrgUnit, list[int] | None]:
    """The region whose figures `unit` reads and, for a department, its industries (管行业
    必须管安全: a department reads its industries' rows of its jurisdiction)."""
    if unit.kind == Kind.REGION:
        return unit, None
    return unit.jurisdiction or unit, [industry.pk for industry in unit.industries.all()]


def key_figures(user, unit: OrgUnit, period: Period, metrics) -> dict[str, dict]:
    """{metric: {"current", "previous", "yoy"}} for `period` and the same period last year,
    in one query. A department's figures are the sum of its industries' rows."""
    last = same_period_last_year(period)
    region, industries = territory(unit)
    rows = (
        Rollup.objects.current()
        .restrict(user)
        .filter(org_unit=region, metric__in=metrics, period_kind=period.kind)
        .filter(period_start__in=[period.start, last.start], period_end__in=[period.end, last.end])
    )
    rows = (
        rows.filter(industry=None) if industries is None else rows.filter(industry__in=industries)
    )
    current, previous = defaultdict(lambda: ZERO), defaultdict(lambda: ZERO)
    for start, metric, value in rows.values_list("period_start", "metric", "subtree_value"):
        (current if start == period.start else previous)[metric] += value
    return {
        metric: {
            "current": current[metric],
            "previous": previous[metric],
            "yoy": year_on_year(current[metric], previous[metric]),
        }
        for metric in metrics
    }


def child_regions(unit: OrgUnit):
    return OrgUnit.objects.filter(
        path__startswith=unit.path, depth=unit.depth + 1, kind=Kind.REGION
    ).order_by("path")


def by_child_region(user, unit: OrgUnit, period: Period, metrics) -> list[dict]:
    """One row per child region of `unit` (zeros included), each {"unit", metric: value}.
    Regions only: a department's figures have no breakdown below its jurisdiction."""
    if unit.kind != Kind.REGION:
        return []
    children = list(child_regions(unit))
    values = defaultdict(dict)
    rows = _period_rows(user, period).filter(
        org_unit__in=children, industry=None, metric__in=metrics
    )
    for unit_id, metric, value in rows.values_list("org_unit_id", "metric", "subtree_value"):
        values[unit_id][metric] = value
    return [
        {"unit": child, **{m: values[child.pk].get(m, ZERO) for m in metrics}} for child in children
    ]


def by_industry(user, unit: OrgUnit, period: Period, metrics) -> list[dict]:
    """Rows by industry for `unit`'s subtree (non-empty industries only), largest first."""
    values = defaultdict(dict)
    names = {}
    region, industries = territory(unit)
    rows = _period_rows(user, period).filter(
        org_unit=region, industry__isnull=False, metric__in=metrics
    )
    if industries is not None:
        rows = rows.filter(industry__in=industries)
    for industry_id, name, metric, value in rows.values_list(
        "industry_id", "industry__name", "metric", "subtree_value"
    ):
        names[industry_id] = name
        values[industry_id][metric] = value
    result = [
        {"industry": names[pk], **{m: values[pk].get(m, ZERO) for m in metrics}} for pk in values
    ]
    return sorted(result, key=lambda row: -row[metrics[0]])


# --- Jobs ----------------------------------------------------------------------------------


def can_rebuild(user) -> bool:
    """Rebuilding rewrites every place's figures: a superuser's or an admin's act."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or Role.ADMIN in scope_for(user).roles()


def start_rebuild(user) -> Job:
    """Queue an on-demand rebuild the user watches; the task starts after commit."""
    from reports.tasks import rebuild_rollups_job

    if not can_rebuild(user):
        raise PermissionDenied(_("只有管理员可以重算汇总数据。"))
    running = Job.objects.filter(
        kind=Job.Kind.ROLLUP_REBUILD, status__in=[Job.Status.PENDING, Job.Status.RUNNING]
    ).first()
    if running is not None and running.owner_id == user.pk:
        return running
    if running is not None:
        raise ValidationError(_("已有一次汇总重算正在进行，请稍后再试。"))
    with transaction.atomic():
        job = Job.objects.create(kind=Job.Kind.ROLLUP_REBUILD, owner=user, message=_("等待开始"))
        transaction.on_commit(lambda: rebuild_rollups_job.delay(job.pk))
    return job


class JobProgress:
    """Writes a job's progress through its own connection, in autocommit, so the owner sees
    it while the build's transaction (which readers must not see) is still open."""

    def __init__(self, job_id: int):
        self.job_id = job_id
        self.connection = None

    def __call__(self, percent: int, message: str) -> None:
        if self.connection is None:
            default = connections["default"]
            self.connection = default.get_new_connection(default.get_connection_params())
            self.connection.autocommit = True
        with self.connection.cursor() as cursor:
            cursor.execute(
                "UPDATE reports_job SET progress = %s, message = %s WHERE id = %s",
                [min(percent, 100), str(message)[:200], self.job_id],
            )

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()


def finish_job(job_id: int, *, result=None, error: str | None = None) -> None:
    update = {"finished_at": timezone.now()}
    if error is None:
        update.update(status=Job.Status.SUCCEEDED, progress=100, result=result, message=_("已完成"))
    else:
        update.update(status=Job.Status.FAILED, message=error[:200])
    Job.objects.filter(pk=job_id).update(**update)


# --- Ranking schemes -------------------------------------------------------------------------


def _check_scope(user, scheme: RankingScheme, action: str) -> None:
    if not RankingScheme.objects.restrict(user, action).filter(pk=scheme.pk).exists():
        raise PermissionDenied(_("您无权在该单位设置赛马方案。"))


def save_scheme(user, data: dict, scheme: RankingScheme | None = None) -> RankingScheme:
    """Create or change a scheme; the unit must be one where the user may add (or change)."""
    from reports import rankings

    weights = rankings.validate_weights(data.get("weights"))
    org_unit = data.get("org_unit") or (scheme.org_unit if scheme else None)
    ranked_level = data.get("ranked_level") or (scheme.ranked_level if scheme else None)
    if org_unit is None:
        raise ValidationError({"org_unit": _("请选择组织单位。")})
    rankings.validate_scheme(org_unit, ranked_level)
    with transaction.atomic():
        if scheme is None:
            scheme = RankingScheme(created_by=user)
            action = Action.ADD
        else:
            _check_scope(user, scheme, Action.CHANGE)
            action = Action.CHANGE
        for name, value in data.items():
            setattr(scheme, name, value)
        scheme.weights = weights
        scheme.full_clean()
        scheme.save()
        _check_scope(user, scheme, action)
    return scheme
