"""赛马: a quarter's ranking of a unit's subordinate regions, computed from the rollups.

Computed on read (never stored): the figures are the current generation's, so a ranking
always agrees with the dashboard and the bulletins of the same period.

Score: each metric's subtree value is normalised across the ranked units to 0–100 in its
direction (higher is better: (v − min) ÷ (max − min) × 100; lower is better: (max − v) ÷
(max − min) × 100; all equal: 100 for everyone), the score is Σ weight × normalised ÷ Σ
weight, rounded half up to 2 decimals. Ties: units with the same rounded score share a rank
and the next rank skips (1, 2, 2, 4 — 标准竞赛排名), listed by division code. 一票否决: a unit
with a 较大 or worse accident in the quarter's year (accidents.services.vetoed_unit_ids) is
flagged and never rated 先进, whatever its score; a unit is 先进 when it is not vetoed and
fewer than `advanced_count` non-vetoed units scored higher (so a tie at the last place
rates all the tied units).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from accidents.services import vetoed_unit_ids
from orgs.constants import LEVEL_ORDER, Kind
from orgs.models import OrgUnit
from reports.models import PeriodKind, RankingScheme, Rollup
from reports.rollups import METRIC_BY_CODE, Period, period_for

HIGHER = "higher"
LOWER = "lower"
DIRECTIONS = {HIGHER: _("越高越好"), LOWER: _("越低越好")}
HUNDRED = Decimal(100)
HUNDREDTH = Decimal("0.01")


def validate_weights(weights) -> list[dict]:
    """The scheme's weights, checked: known metrics, positive weights, a direction each."""
    if not isinstance(weights, list) or not weights:
        raise ValidationError({"weights": _("请至少设置一个指标及其权重。")})
    cleaned, seen = [], set()
    for item in weights:
        if not isinstance(item, dict):
            raise ValidationError({"weights": _("指标权重格式不正确。")})
        metric = item.get("metric")
        if metric not in METRIC_BY_CODE:
            raise ValidationError({"weights": _("未知指标：%(metric)s") % {"metric": metric}})
        if metric in seen:
            raise ValidationError({"weights": _("指标重复：%(metric)s") % {"metric": metric}})
        seen.add(metric)
        try:
            weight = Decimal(str(item.get("weight")))
        except ArithmeticError:
            weight = Decimal(0)
        if not weight.is_finite() or weight <= 0:
            raise ValidationError({"weights": _("权重必须是正数。")})
        direction = item.get("direction") or (
            HIGHER if METRIC_BY_CODE[metric].higher_is_better else LOWER
        )
        if direction not in DIRECTIONS:
            raise ValidationError({"weights": _("方向只能是 higher 或 lower。")})
        cleaned.append({"metric": metric, "weight": float(weight), "direction": direction})
    return cleaned


def validate_scheme(org_unit: OrgUnit, ranked_level: str) -> None:
    if org_unit.kind != Kind.REGION:
        raise ValidationError({"org_unit": _("赛马由行政区域组织。")})
    if LEVEL_ORDER.index(ranked_level) <= LEVEL_ORDER.index(org_unit.level):
        raise ValidationError({"ranked_level": _("排名对象必须是组织单位的下级行政区域。")})


@dataclass
class RankedUnit:
    unit: OrgUnit
    values: dict = field(default_factory=dict)
    normalised: dict = field(default_factory=dict)
    score: Decimal = Decimal(0)
    rank: int = 0
    vetoed: bool = False
    advanced: bool = False


@dataclass
class Ranking:
    scheme: RankingScheme
    period: Period
    rows: list[RankedUnit]
    formula: str


def quarter(year: int, number: int) -> Period:
    if not 1 <= number <= 4:
        raise ValidationError({"quarter": _("季度只能是1到4。")})
    return period_for(PeriodKind.QUARTER, date(year, 3 * number - 2, 1))


def last_closed_quarter(today: date) -> Period:
    current = period_for(PeriodKind.QUARTER, today)
    return period_for(PeriodKind.QUARTER, current.start - timedelta(days=1))


def period_from_query(params, today: date | None = None) -> Period:
    """`?year=&quarter=` (defaults: the last quarter that has ended); bad input → 400/表单错误."""
    today = today or timezone.localdate()
    default = last_closed_quarter(today)
    try:
        year = int(params.get("year") or default.start.year)
        number = int(params.get("quarter") or (default.start.month + 2) // 3)
    except (TypeError, ValueError) as error:
        raise ValidationError({"quarter": _("年度和季度必须是数字。")}) from error
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": _("年度超出范围。")})
    return quarter(year, number)


def formula(scheme: RankingScheme) -> str:
    terms = " + ".join(
        f"{item['weight']:g}×{METRIC_BY_CODE[item['metric']].label}"
        f"（{DIRECTIONS[item['direction']]}）"
        for item in scheme.weights
    )
    total = sum(item["weight"] for item in scheme.weights)
    return _(
        "得分 = （%(terms)s）÷ %(total)s；各指标标准分 = (数值 − 最小值) ÷ (最大值 − 最小值) × 100"
        "（越低越好的指标为 (最大值 − 数值) ÷ (最大值 − 最小值) × 100，各单位数值相同时均为100）；"
        "得分相同名次并列；较大及以上事故一票否决，不得评为先进。"
    ) % {"terms": terms, "total": f"{total:g}"}


def ranked_units(scheme: RankingScheme):
    return OrgUnit.objects.filter(
        path__startswith=scheme.org_path, level=scheme.ranked_level, kind=Kind.REGION
    ).order_by("division_code", "path")


def compute(scheme: RankingScheme, period: Period) -> Ranking:
    """The ranking for `period` (a quarter): three queries whatever the number of units."""
    weights = scheme.weights
    codes = [item["metric"] for item in weights]
    rows = [RankedUnit(unit=unit) for unit in ranked_units(scheme)]
    by_id = {row.unit.pk: row for row in rows}
    figures = Rollup.objects.current().filter(
        org_unit_id__in=list(by_id),
        industry=None,
        metric__in=codes,
        period_kind=period.kind,
        period_start=period.start,
        period_end=period.end,
    )
    for unit_id, metric, value in figures.values_list("org_unit_id", "metric", "subtree_value"):
        by_id[unit_id].values[metric] = value
    for row in rows:
        for code in codes:
            row.values.setdefault(code, Decimal(0))
    for item in weights:
        code = item["metric"]
        values = [row.values[code] for row in rows]
        low, high = (min(values), max(values)) if values else (0, 0)
        for row in rows:
            if high == low:
                row.normalised[code] = HUNDRED
            elif item["direction"] == HIGHER:
                row.normalised[code] = (row.values[code] - low) * HUNDRED / (high - low)
            else:
                row.normalised[code] = (high - row.values[code]) * HUNDRED / (high - low)
    total = sum(Decimal(str(item["weight"])) for item in weights)
    for row in rows:
        score = sum(Decimal(str(i["weight"])) * row.normalised[i["metric"]] for i in weights)
        row.score = (score / total).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)
    vetoed = vetoed_unit_ids(period.start.year, within=scheme.org_unit)
    rows.sort(key=lambda row: (-row.score, row.unit.division_code, row.unit.path))
    for index, row in enumerate(rows):
        tied = index and rows[index - 1].score == row.score
        row.rank = rows[index - 1].rank if tied else index + 1
        row.vetoed = row.unit.pk in vetoed
    for row in rows:
        # Units tied at the last 先进 place are all 先进.
        ahead = sum(1 for other in rows if not other.vetoed and other.score > row.score)
        row.advanced = not row.vetoed and ahead < scheme.advanced_count
    return Ranking(scheme=scheme, period=period, rows=rows, formula=formula(scheme))
