"""The rollup builder: every figure of every org unit for every period, set-wise in SQL.

A build is five statements, whatever the size of the province:

1. **Deltas.** One scan per source table emits, per row and metric, a *flow* (counted in the
   month of its date: hazards found, accidents, deaths…) or a *state* change (+value in the
   month the state starts, −value in the month it ends: a hazard open from its found date
   until its close-out, a certificate valid until it expires). Grouped by (location, industry,
   metric, month).
2. **Units.** The deltas grouped once by the row's own unit (`own`) and once per level id
   column — province, city, county, township, which every scoped row carries — for the
   subtree figures: one GROUP BY per level, no walk of the tree. A department's subtree is
   its own rows (departments have no data below them). The industry breakdown is kept for
   regions above the township, where a sectoral view asks for it.
3. **Months.** A dense month grid per (unit, industry, metric): a state's value at a month's
   end is the running sum of its deltas (a window), a flow's value is the month's own sum.
4. **Periods.** Month, quarter, year and year-to-date of the current and the previous year
   (for 同比): flows sum over the period's months, states take the value at its last month.
   Rows where both values are zero are not stored; readers take a missing row as 0.
5. **Swap.** Rows go into a new `RollupGeneration`; the `RollupState` pointer moves to it in
   one transaction and older generations are deleted. A build that fails (or is killed)
   leaves its generation `building`/`failed`, never pointed at, and the previous one intact.

The open period (containing `as_of`) is counted up to `as_of`: nothing dated after it counts.
A nightly build recomputes the periods still open at the previous build and copies the
closed ones from it (a closed period is frozen as its last build saw it); a quarter close or
an on-demand build recomputes everything.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from orgs.constants import Kind, Level
from reports.models import PeriodKind, Rollup, RollupGeneration, RollupState

ABANDONED_AFTER = timedelta(hours=6)
TEMP_TABLES = (
    "rollup_delta",
    "rollup_unit_month",
    "rollup_month_value",
    "rollup_periods",
    "rollup_copied",
)
FLOW = "flow"
STATE = "state"


@dataclass(frozen=True)
class Source:
    """A table the rollups read: how to find a row's unit and industry, and which rows count."""

    key: str
    label: str
    model: str
    industry: str = "s.industry_id"
    where: str = "TRUE"
    joins: str = ""


@dataclass(frozen=True)
class Metric:
    """One figure. A flow counts `value` in the month of `date`; a state holds `value` from
    `start` (inclusive) to `end` (exclusive; NULL = still holds), read at a period's end."""

    code: str
    label: str
    unit: str
    source: str
    kind: str = FLOW
    date: str = ""
    start: str = ""
    end: str = "NULL"
    where: str = "TRUE"
    value: str = "1"
    # For rankings: is more of it better?
    higher_is_better: bool = False
    extra: dict = field(default_factory=dict)


def _local(column: str) -> str:
    return f"({column} AT TIME ZONE '{settings.TIME_ZONE}')::date"


SOURCES = [
    Source("hazards", _("隐患排查治理"), "hazards.Hazard", where="NOT s.is_void"),
    Source("accidents", _("生产安全事故"), "accidents.Accident"),
    Source("campaign_slots", _("任务报送"), "campaigns.Slot", industry="NULL::bigint"),
    Source(
        "progress_reports",
        _("进展汇报"),
        "campaigns.ProgressReport",
        industry="NULL::bigint",
    ),
    Source("assignments", _("任务分派"), "campaigns.Assignment", industry="NULL::bigint"),
    Source("training_sessions", _("培训"), "training.TrainingSession", industry="NULL::bigint"),
    Source("certificates", _("持证"), "training.Certificate", where="NOT s.is_void"),
    Source("drills", _("应急演练"), "training.Drill"),
    Source("inspections", _("督导检查"), "inspections.Inspection", where="s.status = 'submitted'"),
    Source("enforcement", _("执法处罚"), "inspections.EnforcementAction"),
    Source("risks", _("安全风险"), "hazards.Risk"),
    Source("public_reports", _("群众举报"), "hazards.PublicReport"),
]

_CLOSED = _local("s.closed_at")
_REQUESTED = _local("s.close_out_requested_at")
_OCCURRED = _local("s.occurred_at")
_LARGER_PLUS = "s.grade IN ('larger', 'major', 'extraordinary')"

METRICS = [
    # The ledger's statistics (hazards.stats), as flows and states.
    Metric(
        "hazards_found", _("排查隐患"), "项", "hazards", date="s.found_date", higher_is_better=True
    ),
    Metric(
        "hazards_major_found",
        _("排查重大隐患"),
        "项",
        "hazards",
        date="s.found_date",
        where="s.grade = 'major'",
        higher_is_better=True,
    ),
    Metric(
        "hazards_rectified",
        _("已整改隐患"),
        "项",
        "hazards",
        date="s.found_date",
        where="s.status IN ('close_out_requested', 'closed')",
        higher_is_better=True,
    ),
    Metric("hazards_closed", _("销号隐患"), "项", "hazards", date=_CLOSED, higher_is_better=True),
    Metric(
        "hazards_open", _("未销号隐患"), "项", "hazards", STATE, start="s.found_date", end=_CLOSED
    ),
    Metric(
        "hazards_major_open",
        _("未销号重大隐患"),
        "项",
        "hazards",
        STATE,
        start="s.found_date",
        end=_CLOSED,
        where="s.grade = 'major'",
    ),
    Metric(
        "hazards_overdue",
        _("逾期未整改隐患"),
        "项",
        "hazards",
        STATE,
        start="GREATEST(s.found_date, s.deadline + 1)",
        end=f"LEAST({_CLOSED}, {_REQUESTED})",
        where="s.deadline IS NOT NULL",
    ),
    Metric(
        "hazards_listed_open",
        _("挂牌督办未销号隐患"),
        "项",
        "hazards",
        STATE,
        start="GREATEST(s.found_date, s.listed_date)",
        end=_CLOSED,
        where="s.listed_supervision AND s.listed_date IS NOT NULL",
    ),
    Metric(
        "hazards_stock_remaining",
        _("存量隐患未销号"),
        "项",
        "hazards",
        STATE,
        start="s.found_date",
        end=_CLOSED,
        where="s.is_stock",
    ),
    Metric(
        "hazards_increment_found",
        _("新增隐患"),
        "项",
        "hazards",
        date="s.found_date",
        where="NOT s.is_stock",
    ),
    Metric(
        "hazards_increment_open",
        _("增量隐患未销号"),
        "项",
        "hazards",
        STATE,
        start="s.found_date",
        end=_CLOSED,
        where="NOT s.is_stock",
    ),
    # Accidents: the register's figures by occurrence, and by grade.
    Metric("accidents", _("事故起数"), "起", "accidents", date=_OCCURRED),
    Metric("accident_deaths", _("死亡人数"), "人", "accidents", date=_OCCURRED, value="s.deaths"),
    Metric(
        "accident_serious_injuries",
        _("重伤人数"),
        "人",
        "accidents",
        date=_OCCURRED,
        value="s.serious_injuries",
    ),
    Metric(
        "accident_injuries", _("轻伤人数"), "人", "accidents", date=_OCCURRED, value="s.injuries"
    ),
    Metric(
        "accident_loss",
        _("直接经济损失"),
        "万元",
        "accidents",
        date=_OCCURRED,
        value="s.direct_loss",
    ),
    Metric(
        "accidents_general",
        _("一般事故"),
        "起",
        "accidents",
        date=_OCCURRED,
        where="s.grade = 'general'",
    ),
    Metric(
        "accidents_larger_plus",
        _("较大及以上事故"),
        "起",
        "accidents",
        date=_OCCURRED,
        where=_LARGER_PLUS,
    ),
    Metric(
        "accidents_major_plus",
        _("重大及以上事故"),
        "起",
        "accidents",
        date=_OCCURRED,
        where="s.grade IN ('major', 'extraordinary')",
    ),
    # Campaign tasks: reporting slots due, accepted and overdue; progress reports; assignments.
    Metric("slots_due", _("应报送任务节点"), "个", "campaign_slots", date="s.due_date"),
    Metric(
        "slots_accepted",
        _("已通过任务节点"),
        "个",
        "campaign_slots",
        date=_local("s.accepted_at"),
        higher_is_better=True,
    ),
    Metric(
        "slots_overdue",
        _("逾期未报送任务节点"),
        "个",
        "campaign_slots",
        STATE,
        start="s.due_date + 1",
        end=_local("s.accepted_at"),
    ),
    Metric(
        "progress_reports",
        _("进展汇报"),
        "份",
        "progress_reports",
        date=_local("s.submitted_at"),
        higher_is_better=True,
    ),
    Metric(
        "progress_reports_accepted",
        _("审核通过的进展汇报"),
        "份",
        "progress_reports",
        date=_local("s.reviewed_at"),
        where="s.status = 'accepted'",
        higher_is_better=True,
    ),
    Metric("assignments", _("分派任务"), "项", "assignments", date=_local("s.created_at")),
    Metric(
        "assignments_done",
        _("完成任务"),
        "项",
        "assignments",
        date=_local("s.completed_at"),
        higher_is_better=True,
    ),
    # Training, certificates and drills.
    Metric(
        "training_sessions",
        _("培训班次"),
        "期",
        "training_sessions",
        date="s.end_date",
        higher_is_better=True,
    ),
    Metric(
        "training_attendance",
        _("参训人次"),
        "人次",
        "training_sessions",
        date="s.end_date",
        value="s.attendance_count",
        higher_is_better=True,
    ),
    Metric(
        "certificates_valid",
        _("有效证书"),
        "本",
        "certificates",
        STATE,
        start="s.issued_on",
        end="s.expires_on + 1",
        higher_is_better=True,
    ),
    Metric(
        "certificates_expired",
        _("过期证书"),
        "本",
        "certificates",
        STATE,
        start="s.expires_on + 1",
    ),
    Metric("drills", _("应急演练"), "次", "drills", date="s.held_on", higher_is_better=True),
    # Inspections and enforcement.
    Metric(
        "inspections",
        _("检查次数"),
        "次",
        "inspections",
        date="s.inspection_date",
        higher_is_better=True,
    ),
    Metric(
        "enforcement_actions",
        _("执法措施"),
        "项",
        "enforcement",
        date="s.decided_on",
        higher_is_better=True,
    ),
    Metric(
        "enforcement_suspensions",
        _("责令停产停业"),
        "家次",
        "enforcement",
        date="s.decided_on",
        where="s.kind = 'suspension'",
    ),
    Metric(
        "enforcement_fines",
        _("罚款金额"),
        "元",
        "enforcement",
        date="s.decided_on",
        where="s.kind = 'fine'",
        value="COALESCE(s.fine_unit_amount, 0) + COALESCE(s.fine_person_amount, 0)",
    ),
    # Risks in control (a retired risk leaves on the day it was last changed) and reports.
    Metric(
        "risks_active",
        _("管控中的风险点"),
        "处",
        "risks",
        STATE,
        start="s.identified_date",
        end=f"CASE WHEN s.status = 'retired' THEN {_local('s.updated_at')} END",
    ),
    Metric(
        "risks_major",
        _("重大风险点"),
        "处",
        "risks",
        STATE,
        start="s.identified_date",
        end=f"CASE WHEN s.status = 'retired' THEN {_local('s.updated_at')} END",
        where="s.level = 'major'",
    ),
    Metric("public_reports", _("群众举报"), "件", "public_reports", date=_local("s.created_at")),
    Metric(
        "public_reports_verified",
        _("举报查实"),
        "件",
        "public_reports",
        date=_local("s.concluded_at"),
        where="s.status = 'verified'",
    ),
]

METRIC_BY_CODE = {metric.code: metric for metric in METRICS}
# The choices of every `metric` field (API schema: MetricEnum).
METRIC_CHOICES = [(metric.code, metric.label) for metric in METRICS]


def metric_choices():
    return METRIC_CHOICES


# --- Periods -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    kind: str
    start: date
    end: date

    @property
    def key(self):
        return (self.kind, self.start, self.end)


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def quarter_of(day: date) -> Period:
    first = 3 * ((day.month - 1) // 3) + 1
    return Period(PeriodKind.QUARTER, date(day.year, first, 1), month_end(day.year, first + 2))


def period_for(kind: str, day: date) -> Period:
    """The period of `kind` that `day` falls in (year-to-date: through the day's month)."""
    if kind == PeriodKind.MONTH:
        return Period(kind, date(day.year, day.month, 1), month_end(day.year, day.month))
    if kind == PeriodKind.QUARTER:
        return quarter_of(day)
    if kind == PeriodKind.YEAR:
        return Period(kind, date(day.year, 1, 1), date(day.year, 12, 31))
    return Period(PeriodKind.YTD, date(day.year, 1, 1), month_end(day.year, day.month))


def same_period_last_year(period: Period) -> Period:
    start, end = period.start, period.end
    return Period(
        period.kind,
        start.replace(year=start.year - 1),
        month_end(end.year - 1, end.month),
    )


def periods_for(as_of: date) -> list[Period]:
    """Every period stored for `as_of`: the previous year's and this year's up to `as_of`."""
    periods = []
    for year in (as_of.year - 1, as_of.year):
        last_month = 12 if year < as_of.year else as_of.month
        for month in range(1, last_month + 1):
            day = date(year, month, 1)
            periods.append(period_for(PeriodKind.MONTH, day))
            periods.append(period_for(PeriodKind.YTD, day))
            if month % 3 == 0 or (year == as_of.year and month == last_month):
                periods.append(quarter_of(day))
        periods.append(period_for(PeriodKind.YEAR, date(year, 1, 1)))
    return periods


def open_periods(as_of: date) -> list[Period]:
    return [period_for(kind, as_of) for kind in PeriodKind.values]


# --- SQL -----------------------------------------------------------------------------------


def _source_table(source: Source) -> str:
    return apps.get_model(source.model)._meta.db_table


def installed_sources() -> list[Source]:
    """Sources whose app is installed (apps under construction join as their models land)."""
    found = []
    for source in SOURCES:
        try:
            apps.get_model(source.model)
        except LookupError:
            continue
        found.append(source)
    return found


def _delta_select(source: Source, metrics: list[Metric], base: date, as_of: date) -> str:
    lo, hi = f"DATE '{base.isoformat()}'", f"DATE '{as_of.isoformat()}'"

    def flow_month(expr):
        return f"CASE WHEN {expr} BETWEEN {lo} AND {hi} THEN date_trunc('month', {expr})::date END"

    def state_month(expr):
        return (
            f"CASE WHEN {expr} <= {hi} THEN date_trunc('month', GREATEST({expr}, {lo}))::date END"
        )

    rows = []
    for metric in metrics:
        value = f"({metric.value})::numeric"
        if metric.kind == FLOW:
            rows.append(
                f"('{metric.code}', CASE WHEN {metric.where} THEN {flow_month(metric.date)} END, "
                f"{value}, 0::numeric)"
            )
        else:
            # An end before the start (a record corrected backwards) nets to nothing;
            # GREATEST alone would also turn a missing end (NULL: still holds) into the start.
            end = (
                f"CASE WHEN {metric.end} IS NOT NULL "
                f"THEN GREATEST({metric.end}, {metric.start}) END"
            )
            rows.append(
                f"('{metric.code}', CASE WHEN {metric.where} THEN {state_month(metric.start)} END, "
                f"0::numeric, {value})"
            )
            if metric.end != "NULL":
                rows.append(
                    f"('{metric.code}', CASE WHEN {metric.where} THEN {state_month(end)} END, "
                    f"0::numeric, -{value})"
                )
    values = ",\n            ".join(rows)
    return f"""
        SELECT s.org_unit_id, {source.industry} AS industry_id, e.metric, e.month,
               sum(e.flow) AS flow, sum(e.delta) AS delta
        FROM {_source_table(source)} s {source.joins}
        CROSS JOIN LATERAL (VALUES
            {values}
        ) AS e(metric, month, flow, delta)
        WHERE ({source.where}) AND e.month IS NOT NULL
        GROUP BY 1, 2, 3, 4
    """


def _unit_month_sql() -> str:
    """Own and subtree monthly deltas per unit: one grouping per level column."""
    parts = [
        # Own figures, all industries; and by industry above the township.
        """
        SELECT d.org_unit_id AS unit_id, 0 AS ind, d.metric, d.month,
               sum(d.flow) AS own_flow, sum(d.delta) AS own_delta, 0 AS sub_flow, 0 AS sub_delta
        FROM rollup_delta d GROUP BY 1, 3, 4
        """,
        f"""
        SELECT d.org_unit_id, d.industry_id, d.metric, d.month, sum(d.flow), sum(d.delta), 0, 0
        FROM rollup_delta d JOIN orgs_orgunit u ON u.id = d.org_unit_id
        WHERE d.industry_id IS NOT NULL AND u.level <> '{Level.TOWNSHIP}'
        GROUP BY 1, 2, 3, 4
        """,
        # A department's subtree is its own rows.
        f"""
        SELECT d.org_unit_id, COALESCE(d.industry_id, 0), d.metric, d.month, 0, 0,
               sum(d.flow), sum(d.delta)
        FROM rollup_delta d JOIN orgs_orgunit u ON u.id = d.org_unit_id
        WHERE u.kind = '{Kind.DEPARTMENT}'
          AND (d.industry_id IS NULL OR u.level <> '{Level.TOWNSHIP}')
        GROUP BY 1, 2, 3, 4
        """,
    ]
    for level in (Level.PROVINCE, Level.CITY, Level.COUNTY, Level.TOWNSHIP):
        if level == Level.TOWNSHIP:
            industry, grouping, having = "0", f"u.{level}_id, d.metric, d.month", "TRUE"
        else:
            # The all-industries total and the by-industry rows in one pass.
            industry = "CASE WHEN GROUPING(d.industry_id) = 1 THEN 0 ELSE d.industry_id END"
            grouping = (
                f"GROUPING SETS ((u.{level}_id, d.metric, d.month), "
                f"(u.{level}_id, d.industry_id, d.metric, d.month))"
            )
            having = "GROUPING(d.industry_id) = 1 OR d.industry_id IS NOT NULL"
        parts.append(
            f"""
            SELECT u.{level}_id, {industry}, d.metric, d.month, 0, 0, sum(d.flow), sum(d.delta)
            FROM rollup_delta d JOIN orgs_orgunit u ON u.id = d.org_unit_id
            WHERE u.{level}_id IS NOT NULL
            GROUP BY {grouping}
            HAVING {having}
            """
        )
    union = "\nUNION ALL\n".join(parts)
    return f"""
        CREATE TEMP TABLE rollup_unit_month ON COMMIT DROP AS
        SELECT unit_id, ind, metric, month, sum(own_flow) AS own_flow,
               sum(own_delta) AS own_delta, sum(sub_flow) AS sub_flow, sum(sub_delta) AS sub_delta
        FROM ({union}) AS parts (unit_id, ind, metric, month, own_flow, own_delta, sub_flow,
                                 sub_delta)
        GROUP BY 1, 2, 3, 4
    """


MONTH_VALUES_SQL = """
    CREATE TEMP TABLE rollup_month_value ON COMMIT DROP AS
    SELECT k.unit_id, k.ind, k.metric, m.month,
           COALESCE(um.own_flow, 0) AS own_flow, COALESCE(um.sub_flow, 0) AS sub_flow,
           sum(COALESCE(um.own_delta, 0)) OVER w AS own_state,
           sum(COALESCE(um.sub_delta, 0)) OVER w AS sub_state
    FROM (SELECT DISTINCT unit_id, ind, metric FROM rollup_unit_month) AS k
    CROSS JOIN (
        SELECT generate_series(%(base)s::date, %(last)s::date, interval '1 month')::date AS month
    ) AS m
    LEFT JOIN rollup_unit_month um
        ON um.unit_id = k.unit_id AND um.ind = k.ind AND um.metric = k.metric
       AND um.month = m.month
    WINDOW w AS (PARTITION BY k.unit_id, k.ind, k.metric ORDER BY m.month)
"""

INSERT_SQL = """
    INSERT INTO reports_rollup (
        generation_id, org_unit_id, org_path, province_id, city_id, county_id, township_id,
        period_kind, period_start, period_end, metric, industry_id, own_value, subtree_value
    )
    SELECT %(generation)s, u.id, u.path, u.province_id, u.city_id, u.county_id, u.township_id,
           p.kind, p.start_date, p.end_date, v.metric, NULLIF(v.ind, 0),
           sum(CASE WHEN NOT f.is_state THEN v.own_flow
                    WHEN v.month = p.end_month THEN v.own_state ELSE 0 END),
           sum(CASE WHEN NOT f.is_state THEN v.sub_flow
                    WHEN v.month = p.end_month THEN v.sub_state ELSE 0 END)
    FROM rollup_month_value v
    JOIN rollup_periods p ON v.month BETWEEN p.start_month AND p.end_month
    JOIN orgs_orgunit u ON u.id = v.unit_id
    CROSS JOIN LATERAL (SELECT v.metric = ANY(%(states)s) AS is_state) AS f
    -- By industry: quarters, years and year-to-date only (months stay all-industries).
    WHERE v.ind = 0 OR p.kind <> 'month'
    GROUP BY u.id, p.kind, p.start_date, p.end_date, v.metric, v.ind
    HAVING sum(CASE WHEN NOT f.is_state THEN v.own_flow
                    WHEN v.month = p.end_month THEN v.own_state ELSE 0 END) <> 0
        OR sum(CASE WHEN NOT f.is_state THEN v.sub_flow
                    WHEN v.month = p.end_month THEN v.sub_state ELSE 0 END) <> 0
"""

COPY_SQL = """
    INSERT INTO reports_rollup (
        generation_id, org_unit_id, org_path, province_id, city_id, county_id, township_id,
        period_kind, period_start, period_end, metric, industry_id, own_value, subtree_value
    )
    SELECT %(generation)s, r.org_unit_id, u.path, u.province_id, u.city_id, u.county_id,
           u.township_id, r.period_kind, r.period_start, r.period_end, r.metric,
           r.industry_id, r.own_value, r.subtree_value
    FROM reports_rollup r
    JOIN orgs_orgunit u ON u.id = r.org_unit_id
    JOIN rollup_copied c ON (c.kind, c.start_date, c.end_date)
                          = (r.period_kind, r.period_start, r.period_end)
    WHERE r.generation_id = %(previous)s
"""


class BuildInterrupted(RuntimeError):
    """Raised by a progress callback (or a test) to abandon a build midway."""


Progress = Callable[[int, str], None]


def _periods_table(cursor, name: str, periods: list[Period], as_of: date) -> None:
    # The open period's state is read at the last month counted (that of `as_of`).
    last = date(as_of.year, as_of.month, 1)
    cursor.execute(
        f"CREATE TEMP TABLE {name} (kind varchar(10), start_date date, end_date date, "
        "start_month date, end_month date) ON COMMIT DROP"
    )
    if periods:
        cursor.executemany(
            f"INSERT INTO {name} VALUES (%s, %s, %s, %s, %s)",
            [
                (p.kind, p.start, p.end, p.start, min(date(p.end.year, p.end.month, 1), last))
                for p in periods
            ],
        )


def current_generation() -> RollupGeneration | None:
    state = RollupState.objects.select_related("current").filter(pk=RollupState.SINGLETON_ID)
    state = state.first()
    return state.current if state else None


def _plan(kind: str, as_of: date, previous: RollupGeneration | None):
    """(periods to compute, periods to copy from `previous`)."""
    periods = periods_for(as_of)
    if kind != RollupGeneration.Kind.NIGHTLY or previous is None or previous.as_of > as_of:
        return periods, []
    previous_keys = {p.key for p in periods_for(previous.as_of)}
    # Closed at the previous build: ended before its day and stored by it.
    copied = [p for p in periods if p.key in previous_keys and p.end < previous.as_of]
    computed = [p for p in periods if p not in copied]
    return computed, copied


def build(
    kind: str = RollupGeneration.Kind.ON_DEMAND,
    as_of: date | None = None,
    job_id: int | None = None,
    progress: Progress | None = None,
) -> RollupGeneration:
    """Build a generation and swap it in; returns it. On failure the generation is marked
    failed (outside the build's transaction, which is rolled back) and the error re-raised."""
    as_of = as_of or timezone.localdate()
    report = progress or (lambda percent, message: None)
    previous = current_generation()
    generation = RollupGeneration.objects.create(kind=kind, as_of=as_of, job_id=job_id)
    try:
        with transaction.atomic():
            rows = _fill(generation, previous, report)
            _swap(generation, rows)
    except BaseException as error:
        RollupGeneration.objects.filter(pk=generation.pk).update(
            status=RollupGeneration.Status.FAILED,
            finished_at=timezone.now(),
            error=str(error)[:2000] or error.__class__.__name__,
        )
        raise
    # A generation replaces most of the table: without fresh statistics the planner reads a
    # dashboard's dozen child regions by scanning the whole subtree's period (40,000 rows)
    # instead of probing the per-unit index.
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Rollup._meta.db_table}")
    report(100, str(_("汇总完成")))
    generation.refresh_from_db()
    return generation


def _fill(generation: RollupGeneration, previous, report: Progress) -> int:
    as_of = generation.as_of
    base = date(as_of.year - 1, 1, 1)
    computed, copied = _plan(generation.kind, as_of, previous)
    sources = installed_sources()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL work_mem = '256MB'")
        # Dropped at commit; a build nested in an outer transaction (tests, a caller's
        # atomic block) meets the previous build's tables still there.
        cursor.execute(f"DROP TABLE IF EXISTS {', '.join(TEMP_TABLES)}")
        report(5, str(_("读取业务数据")))
        selects = []
        for source in sources:
            metrics = [m for m in METRICS if m.source == source.key]
            selects.append(_delta_select(source, metrics, base, as_of))
        cursor.execute(
            "CREATE TEMP TABLE rollup_delta ON COMMIT DROP AS " + "\nUNION ALL\n".join(selects)
        )
        report(40, str(_("按层级汇总")))
        cursor.execute(_unit_month_sql())
        report(55, str(_("逐月累计")))
        cursor.execute(MONTH_VALUES_SQL, {"base": base, "last": date(as_of.year, as_of.month, 1)})
        report(70, str(_("按周期写入")))
        _periods_table(cursor, "rollup_periods", computed, as_of)
        cursor.execute(
            INSERT_SQL,
            {
                "generation": generation.pk,
                "states": [m.code for m in METRICS if m.kind == STATE],
            },
        )
        rows = cursor.rowcount
        if copied:
            report(90, str(_("沿用已结账周期")))
            _periods_table(cursor, "rollup_copied", copied, as_of)
            cursor.execute(COPY_SQL, {"generation": generation.pk, "previous": previous.pk})
            rows += cursor.rowcount
    return rows


def _swap(generation: RollupGeneration, rows: int) -> None:
    """Point readers at the new generation and drop the old ones, in the build's transaction."""
    state, _created = RollupState.objects.select_for_update().get_or_create(
        pk=RollupState.SINGLETON_ID
    )
    now = timezone.now()
    RollupGeneration.objects.filter(pk=generation.pk).update(
        status=RollupGeneration.Status.READY, finished_at=now, row_count=rows
    )
    state.current = generation
    state.swapped_at = now
    state.save(update_fields=["current", "swapped_at"])
    # A build still running elsewhere keeps its generation; one killed hours ago left only
    # its row (its inserts were rolled back with its transaction).
    abandoned = Q(status=RollupGeneration.Status.BUILDING, started_at__lt=now - ABANDONED_AFTER)
    stale = list(
        RollupGeneration.objects.exclude(pk=generation.pk)
        .filter(~Q(status=RollupGeneration.Status.BUILDING) | abandoned)
        .values_list("pk", flat=True)
    )
    if stale:
        # Set-wise: a generation is millions of rows, never loaded into Python.
        Rollup.objects.filter(generation_id__in=stale)._raw_delete(Rollup.objects.db)
        RollupGeneration.objects.filter(pk__in=stale).delete()
