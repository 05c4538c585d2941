"""Bulletins (简报): drafting, data blocks from the rollups, numbering at publication, inbox.

Every page, the API and the demo change bulletins through here. Numbers are assigned only at
publication, inside the transaction and with the series row locked (`select_for_update`): two
offices publishing at once get consecutive numbers, never the same one and never a gap. 第N期
restarts with the first publication of a new year, 总第M期 runs on for the series' life, and a
special issue also takes the series' next 专刊（K）.

Data blocks are computed from the swapped-in rollup generation for the bulletin's period and
scope while the bulletin is a draft; publication freezes each block's figures into
`DataBlock.frozen_value`, so a later rebuild of the rollups never changes an issued bulletin.

Errors: ValidationError (Chinese) for what the author can correct, PermissionDenied for what
the user may not do, StaleVersionError for an edit based on an older version.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import StaleVersionError
from core.notifications import notify
from orgs.constants import Action, Kind, Level
from orgs.models import Membership, OrgUnit
from reports import yoy
from reports.models import (
    Bulletin,
    BulletinArticle,
    BulletinSeries,
    DataBlock,
    Job,
    PeriodKind,
    Rollup,
)
from reports.rollups import METRIC_BY_CODE, Period, period_for, same_period_last_year

Status = Bulletin.Status
BlockKind = DataBlock.Kind

MARKER = re.compile(r"\{\{\s*([A-Za-z0-9_-]+)\s*\}\}")
# The sentence of seed 004: "全市发生事故673起，比上年同期少432起，下降39.09%".
DEFAULT_SENTENCE = "{scope}{label}{value}{unit}，比上年同期{change}"
# How the sentence names a figure ("发生事故673起", "死亡141人"); other metrics use their label.
SENTENCE_LABELS = {
    "accidents": "发生事故",
    "accident_deaths": "死亡",
    "accident_serious_injuries": "重伤",
    "accident_injuries": "轻伤",
    "hazards_found": "排查隐患",
    "hazards_major_found": "排查重大隐患",
    "hazards_closed": "销号隐患",
}
# What a template may use: "{more_less}{diff}{unit}，{direction}{pct}%" spells out {change}.
SENTENCE_FIELDS = (
    "scope",
    "label",
    "value",
    "unit",
    "last",
    "more_less",
    "diff",
    "direction",
    "pct",
    "change",
)
# Distribution lists go upward (抄报) and to peers (分送): every region down to county level
# of the issuing unit's province may be named, besides the units in the author's own scope.
DISTRIBUTION_LEVELS = (Level.PROVINCE, Level.CITY, Level.COUNTY)
SERIES_FIELDS = ("title", "org_unit", "issuer_name", "special_name", "is_active")
BULLETIN_FIELDS = (
    "series",
    "title",
    "is_special",
    "date",
    "scope_unit",
    "period_kind",
    "period_start",
    "period_end",
    "copy_to_text",
    "distribute_to_text",
)


# --- Who may do what ------------------------------------------------------------------------


def readable_bulletins(user):
    """Bulletins `user` may read: those in scope, and published ones sent to their units.

    The second part is the inbox: 抄报 / 分送 name units outside the issuer's subtree (its
    superiors and peers), whose officials read the issue without any scope over the issuer.
    """
    scoped = Bulletin.objects.restrict(user, Action.VIEW)
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return scoped
    return Bulletin.objects.filter(
        Q(pk__in=scoped.values("pk")) | Q(pk__in=inbox_bulletins(user).values("pk"))
    )


def inbox_bulletins(user):
    """Published bulletins whose 抄报 or 分送 list names a unit the user is a member of."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Bulletin.objects.none()
    units = Membership.objects.filter(user=user).exclude(role="enterprise").values("org_unit_id")
    copied = Bulletin.copy_to.through.objects.filter(
        bulletin_id=OuterRef("pk"), orgunit_id__in=units
    )
    distributed = Bulletin.distribute_to.through.objects.filter(
        bulletin_id=OuterRef("pk"), orgunit_id__in=units
    )
    return Bulletin.objects.filter(Exists(copied) | Exists(distributed), status=Status.PUBLISHED)


def distribution_units(user):
    """Units a 抄报 / 分送 list of this user's bulletins may name (see DISTRIBUTION_LEVELS)."""
    in_scope = OrgUnit.objects.restrict(user, Action.VIEW)
    provinces = in_scope.values("province_id")
    return OrgUnit.objects.filter(
        Q(pk__in=in_scope.values("pk"))
        | Q(kind=Kind.REGION, level__in=DISTRIBUTION_LEVELS, province_id__in=provinces)
    ).order_by("path")


def _check(user, obj, action, message):
    if not type(obj).objects.restrict(user, action).filter(pk=obj.pk).exists():
        raise PermissionDenied(message)


def can_publish(user, bulletin) -> bool:
    """签发: the editorial office that drafts (change) or a leader approving (approve)."""
    in_scope = Bulletin.objects.filter(pk=bulletin.pk)
    return (
        in_scope.restrict(user, Action.CHANGE).exists()
        or in_scope.restrict(user, Action.APPROVE).exists()
    )


# --- Series ---------------------------------------------------------------------------------


def _clean_unit(user, unit, field, *, region=False):
    if not OrgUnit.objects.restrict(user, Action.VIEW).filter(pk=unit.pk).exists():
        raise ValidationError({field: _("所选单位不在您的管辖范围内。")})
    if region and unit.kind != Kind.REGION:
        raise ValidationError({field: _("数据范围必须是行政区域。")})


def save_series(user, data, series=None) -> BulletinSeries:
    """Create or edit a series: its title, issuing unit and signature, special series name."""
    unknown = set(data) - set(SERIES_FIELDS)
    if unknown:
        raise ValidationError(_("不能修改这些字段：%s") % "、".join(sorted(unknown)))
    with transaction.atomic():
        if series is None:
            series = BulletinSeries(current_year=timezone.localdate().year)
        else:
            series = BulletinSeries.objects.select_for_update().get(pk=series.pk)
            _check(user, series, Action.CHANGE, _("您无权修改该简报系列。"))
        for name, value in data.items():
            setattr(series, name, value)
        if not series.title.strip():
            raise ValidationError({"title": _("请填写简报名称。")})
        if not series.issuer_name.strip():
            raise ValidationError({"issuer_name": _("请填写编发机关署名。")})
        _clean_unit(user, series.org_unit, "org_unit")
        series._history_user = user
        series.save()
        # The row's location decides the scope: checked on the row as written.
        _check(user, series, Action.CHANGE, _("您无权在该单位编发简报。"))
    return series


# --- Bulletins ------------------------------------------------------------------------------


def save_bulletin(
    user, data, *, copy_to=None, distribute_to=None, bulletin=None, version=None, articles=None
):
    """Create or edit a draft: metadata, period and scope of its figures, distribution lists;
    with `articles` (each a dict with its `blocks`), the draft's articles are replaced.

    Published bulletins are archived as issued: they cannot be edited.
    """
    unknown = set(data) - set(BULLETIN_FIELDS)
    if unknown:
        raise ValidationError(_("不能修改这些字段：%s") % "、".join(sorted(unknown)))
    with transaction.atomic():
        if bulletin is None:
            bulletin = Bulletin(created_by=user)
        else:
            bulletin = Bulletin.objects.select_for_update().get(pk=bulletin.pk)
            _check(user, bulletin, Action.CHANGE, _("您无权修改该简报。"))
            if bulletin.status != Status.DRAFT:
                raise ValidationError(_("简报已印发，不能再修改。"))
            if version is not None and version != bulletin.version:
                raise StaleVersionError(_("该简报已被他人修改，请刷新后重试。"))
            bulletin.version += 1
        for name, value in data.items():
            setattr(bulletin, name, value)
        series = bulletin.series
        if not BulletinSeries.objects.restrict(user, Action.VIEW).filter(pk=series.pk).exists():
            raise ValidationError({"series": _("所选简报系列不在您的管辖范围内。")})
        if not series.is_active:
            raise ValidationError({"series": _("该简报系列已停用。")})
        bulletin.org_unit = series.org_unit
        _clean_unit(user, bulletin.scope_unit, "scope_unit", region=True)
        if bulletin.is_special and not series.special_name:
            raise ValidationError({"is_special": _("该简报系列没有设置专刊名称。")})
        if not bulletin.period_end:
            raise ValidationError({"period_end": _("请选择统计截至月份。")})
        # Rollups are stored per whole period: the period is the one of its kind that the
        # chosen day falls in (年初至今: January through the chosen month).
        period = period_for(bulletin.period_kind, bulletin.period_end)
        bulletin.period_start, bulletin.period_end = period.start, period.end
        bulletin._history_user = user
        bulletin.save()
        _check(user, bulletin, Action.CHANGE, _("您无权在该单位编发简报。"))
        allowed = distribution_units(user)
        for field, units in (("copy_to", copy_to), ("distribute_to", distribute_to)):
            if units is None:
                continue
            ids = {unit.pk for unit in units}
            if len(allowed.filter(pk__in=ids)) != len(ids):
                raise ValidationError({field: _("发送单位不在可选范围内。")})
            getattr(bulletin, field).set(ids)
        if articles is not None:
            bulletin.articles.all().delete()
            for order, article_data in enumerate(articles, start=1):
                article = _write_article(
                    bulletin, {"order": order, **article_data}, BulletinArticle(bulletin=bulletin)
                )
                for block_data in article_data.get("blocks", []):
                    _write_block(article, block_data, DataBlock(article=article))
    return bulletin


def save_article(user, bulletin, data, article=None) -> BulletinArticle:
    """Add or edit an article of a draft (heading, order, body with {{标记}} markers)."""
    with transaction.atomic():
        bulletin = _locked_draft(user, bulletin)
        if article is None:
            article = BulletinArticle(bulletin=bulletin, order=bulletin.articles.count() + 1)
        elif article.bulletin_id != bulletin.pk:
            raise PermissionDenied(_("该文章不属于这期简报。"))
        _write_article(bulletin, data, article)
        _touch(bulletin)
    return article


def _write_article(bulletin, data, article) -> BulletinArticle:
    for name in ("heading", "body", "order"):
        if data.get(name) is not None:
            setattr(article, name, data[name])
    if not article.heading.strip():
        raise ValidationError({"heading": _("请填写文章标题。")})
    article._history_user = getattr(bulletin, "_history_user", None)
    article.save()
    return article


def delete_article(user, article) -> None:
    with transaction.atomic():
        bulletin = _locked_draft(user, article.bulletin)
        article.delete()
        _touch(bulletin)


def save_block(user, article, data, block=None) -> DataBlock:
    """Add or edit a data block: its marker, kind, metrics and parameters (checked here)."""
    with transaction.atomic():
        bulletin = _locked_draft(user, article.bulletin)
        block = _write_block(article, data, block or DataBlock(article=article))
        _touch(bulletin)
    return block


def _write_block(article, data, block) -> DataBlock:
    for name in ("key", "kind", "metrics", "params"):
        if name in data:
            setattr(block, name, data[name])
    _validate_block(block)
    if article.blocks.exclude(pk=block.pk).filter(key=block.key).exists():
        raise ValidationError({"key": _("本文已有标记为“%s”的数据块。") % block.key})
    block.save()
    return block


def delete_block(user, block) -> None:
    with transaction.atomic():
        bulletin = _locked_draft(user, block.article.bulletin)
        block.delete()
        _touch(bulletin)


def _validate_block(block):
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,30}", block.key or ""):
        raise ValidationError({"key": _("标记只能由字母、数字、下划线或连字符组成。")})
    if block.kind not in BlockKind.values:
        raise ValidationError({"kind": _("请选择数据块类型。")})
    metrics = block.metrics if isinstance(block.metrics, list) else []
    if not metrics:
        raise ValidationError({"metrics": _("请至少选择一个指标。")})
    unknown = [m for m in metrics if m not in METRIC_BY_CODE]
    if unknown:
        raise ValidationError({"metrics": _("未知指标：%s") % "、".join(map(str, unknown))})
    if block.kind != BlockKind.TABLE and len(metrics) != 1:
        raise ValidationError({"metrics": _("同比语句和图表只用一个指标。")})
    params = block.params if isinstance(block.params, dict) else None
    if params is None:
        raise ValidationError({"params": _("参数格式不正确。")})
    template = params.get("template")
    if template is not None:
        try:
            template.format(**dict.fromkeys(SENTENCE_FIELDS, ""))
        except (KeyError, IndexError, ValueError, AttributeError):
            raise ValidationError(
                {"params": _("语句模板只能使用这些占位符：%s") % "、".join(SENTENCE_FIELDS)}
            ) from None


def _locked_draft(user, bulletin) -> Bulletin:
    bulletin = Bulletin.objects.select_for_update().get(pk=bulletin.pk)
    _check(user, bulletin, Action.CHANGE, _("您无权修改该简报。"))
    if bulletin.status != Status.DRAFT:
        raise ValidationError(_("简报已印发，不能再修改。"))
    bulletin._history_user = user
    return bulletin


def _touch(bulletin):
    # Articles and blocks are part of the draft: an edit to them is an edit of the bulletin.
    bulletin.version += 1
    bulletin.save(update_fields=["version", "updated_at"])


# --- Figures --------------------------------------------------------------------------------


def child_regions(unit) -> list[OrgUnit]:
    return list(
        OrgUnit.objects.filter(parent=unit, kind=Kind.REGION, is_active=True).order_by("path")
    )


class Figures:
    """The rollup figures a bulletin's blocks read, fetched in two queries for all blocks."""

    def __init__(self, bulletin, blocks):
        self.bulletin = bulletin
        metrics = sorted({m for block in blocks for m in block.metrics})
        self.children = (
            child_regions(bulletin.scope_unit)
            if any(b.kind != BlockKind.SENTENCE for b in blocks)
            else []
        )
        units = [bulletin.scope_unit.pk, *(c.pk for c in self.children)]
        period = Period(bulletin.period_kind, bulletin.period_start, bulletin.period_end)
        self.this_year = self._read(units, metrics, period)
        needs_last = any(b.kind == BlockKind.SENTENCE for b in blocks)
        self.last_year = (
            self._read([bulletin.scope_unit.pk], metrics, same_period_last_year(period))
            if needs_last
            else {}
        )

    def _read(self, units, metrics, period) -> dict:
        if not metrics:
            return {}
        rows = (
            Rollup.objects.current()
            .filter(
                org_unit_id__in=units,
                metric__in=metrics,
                period_kind=period.kind,
                period_start=period.start,
                period_end=period.end,
                industry__isnull=True,
            )
            .values_list("org_unit_id", "metric", "subtree_value")
        )
        return {(unit_id, metric): value for unit_id, metric, value in rows}

    def value(self, unit_id, metric, *, previous=False) -> Decimal:
        source = self.last_year if previous else self.this_year
        return source.get((unit_id, metric), Decimal(0))


def scope_label(unit) -> str:
    """全省 / 全市 / 全县 / 全镇: how a bulletin names the scope of its own figures."""
    return {
        Level.PROVINCE: "全省",
        Level.CITY: "全市",
        Level.COUNTY: "全县",
        Level.TOWNSHIP: "全镇",
    }.get(unit.level, unit.name)


def compute_block(block, figures: Figures) -> dict:
    """A block's figures for the bulletin's period and scope, as frozen at publication."""
    bulletin = figures.bulletin
    scope = bulletin.scope_unit
    if block.kind == BlockKind.SENTENCE:
        metric = block.metrics[0]
        info = METRIC_BY_CODE[metric]
        current = figures.value(scope.pk, metric)
        previous = figures.value(scope.pk, metric, previous=True)
        change = yoy.year_on_year(current, previous)
        fields = {
            "scope": block.params.get("scope", scope_label(scope)),
            "label": block.params.get("label") or SENTENCE_LABELS.get(metric, str(info.label)),
            "value": yoy.format_number(current),
            "unit": info.unit,
            "last": yoy.format_number(previous),
            "more_less": change.more_or_less,
            "diff": yoy.format_number(change.change),
            "direction": change.direction,
            "pct": "" if change.percent is None else str(change.percent),
            "change": change.phrase(info.unit),
        }
        template = block.params.get("template") or DEFAULT_SENTENCE
        return {"text": template.format(**fields), "metric": metric, **change.as_dict()}
    columns = [METRIC_BY_CODE[m] for m in block.metrics]
    rows = [
        {
            "unit": child.name,
            "values": [yoy.format_number(figures.value(child.pk, m)) for m in block.metrics],
        }
        for child in figures.children
    ]
    total = [yoy.format_number(figures.value(scope.pk, m)) for m in block.metrics]
    value = {
        "title": block.params.get("title") or f"{scope.name}{columns[0].label}分地区情况",
        "columns": [f"{c.label}（{c.unit}）" if c.unit else c.label for c in columns],
        "rows": rows,
        "total": total,
        "metrics": list(block.metrics),
    }
    return value


@dataclass
class Segment:
    """A piece of an article as printed: a paragraph, or a table or chart block."""

    kind: str  # "p", "table", "chart"
    text: str = ""
    block: dict | None = None
    key: str = ""


def block_values(bulletin, articles) -> dict[int, dict[str, dict]]:
    """{article id: {key: value}}: frozen values once published, live rollups in draft."""
    blocks = [block for article in articles for block in article.blocks.all()]
    if bulletin.status == Status.PUBLISHED:
        live = {}
    else:
        figures = Figures(bulletin, blocks)
        live = {block.pk: compute_block(block, figures) for block in blocks}
    values: dict[int, dict[str, dict]] = {}
    for block in blocks:
        value = block.frozen_value if bulletin.status == Status.PUBLISHED else live[block.pk]
        values.setdefault(block.article_id, {})[block.key] = {"kind": block.kind, **value}
    return values


def article_segments(article, values: dict[str, dict]) -> list[Segment]:
    """Split the body into paragraphs, sentences filled in, tables and charts on their own.

    A marker with no block stays visible as written (the preview shows the author the slip;
    publication refuses it).
    """
    segments: list[Segment] = []
    for paragraph in (p.strip() for p in article.body.splitlines()):
        if not paragraph:
            continue
        text = []
        position = 0
        for match in MARKER.finditer(paragraph):
            text.append(paragraph[position : match.start()])
            position = match.end()
            value = values.get(match.group(1))
            if value is None:
                text.append(match.group(0))
            elif value["kind"] == BlockKind.SENTENCE:
                text.append(value["text"])
            else:
                _flush(segments, text)
                segments.append(Segment(value["kind"], block=value, key=match.group(1)))
        text.append(paragraph[position:])
        _flush(segments, text)
    return segments


def _flush(segments, text):
    joined = "".join(text).strip()
    if joined:
        segments.append(Segment("p", text=joined))
    text.clear()


def missing_markers(article) -> list[str]:
    keys = {block.key for block in article.blocks.all()}
    return [key for key in MARKER.findall(article.body) if key not in keys]


def prepared_articles(bulletin):
    """The bulletin's articles with their blocks, each carrying `.segments` to print."""
    articles = list(bulletin.articles.prefetch_related("blocks").order_by("order", "id"))
    values = block_values(bulletin, articles)
    for article in articles:
        article.segments = article_segments(article, values.get(article.pk, {}))
    return articles


# --- Publication ----------------------------------------------------------------------------


def publish(user, bulletin, *, version=None) -> Bulletin:
    """签发: number the issue, freeze its figures, notify its readers, schedule the PDF.

    The series row is locked for the whole transaction: a concurrent publication in the same
    series waits and then takes the next numbers.
    """
    with transaction.atomic():
        bulletin = Bulletin.objects.select_for_update().get(pk=bulletin.pk)
        if not can_publish(user, bulletin):
            raise PermissionDenied(_("您无权签发该简报。"))
        if bulletin.status != Status.DRAFT:
            raise ValidationError(_("该简报已经印发。"))
        if version is not None and version != bulletin.version:
            raise StaleVersionError(_("该简报已被他人修改，请刷新后重试。"))
        articles = list(bulletin.articles.prefetch_related("blocks").order_by("order", "id"))
        if not articles:
            raise ValidationError(_("简报还没有文章，不能印发。"))
        for article in articles:
            missing = missing_markers(article)
            if missing:
                raise ValidationError(
                    _("文章“%(heading)s”引用了不存在的数据块：%(keys)s")
                    % {"heading": article.heading, "keys": "、".join(missing)}
                )
        series = BulletinSeries.objects.select_for_update().get(pk=bulletin.series_id)
        day = bulletin.date or timezone.localdate()
        if day.year < series.current_year:
            raise ValidationError(
                {"date": _("印发日期早于本系列已编号的年度（%s年）。") % series.current_year}
            )
        if day.year > series.current_year:
            series.current_year = day.year
            series.next_issue_number = 1
        bulletin.year = day.year
        bulletin.date = day
        bulletin.issue_number = series.next_issue_number
        bulletin.total_number = series.next_total_number
        series.next_issue_number += 1
        series.next_total_number += 1
        if bulletin.is_special:
            bulletin.special_number = series.next_special_number
            series.next_special_number += 1
        series.save()
        _freeze(bulletin, articles)
        bulletin.status = Status.PUBLISHED
        bulletin.published_by = user
        bulletin.published_at = timezone.now()
        bulletin.version += 1
        bulletin.save()
        _notify_readers(bulletin, user)
        job = start_pdf_job(user, bulletin)
    return bulletin, job


def _freeze(bulletin, articles):
    blocks = [block for article in articles for block in article.blocks.all()]
    figures = Figures(bulletin, blocks)
    now = timezone.now()
    for block in blocks:
        block.frozen_value = compute_block(block, figures)
        block.frozen_at = now
    DataBlock.objects.bulk_update(blocks, ["frozen_value", "frozen_at"])


def numbers_line(bulletin) -> str:
    """第90期（总第142期）"""
    return f"第{bulletin.issue_number}期（总第{bulletin.total_number}期）"


def special_line(bulletin) -> str:
    """省安全生产专项整治三年行动专刊（44）"""
    if not bulletin.special_number:
        return ""
    return f"{bulletin.series.special_name}（{bulletin.special_number}）"


def _notify_readers(bulletin, sender):
    units = list(bulletin.copy_to.values_list("pk", flat=True)) + list(
        bulletin.distribute_to.values_list("pk", flat=True)
    )
    readers = (
        get_user_model()
        .objects.filter(is_active=True, memberships__org_unit_id__in=units)
        .exclude(memberships__role="enterprise")
        .distinct()
    )
    notify(
        readers,
        f"{bulletin.series.title} {numbers_line(bulletin)}：{bulletin.title}",
        body=_("%s印发，请在“简报收件箱”查阅。") % bulletin.series.issuer_name,
        link=reverse("reports:bulletin_inbox"),
        sender=sender,
        dedup_key=f"bulletin-published:{bulletin.pk}",
    )


def request_pdf(user, bulletin) -> Job:
    """生成PDF on request (a draft's proof, or a rebuild): for its editors and signers."""
    may_change = Bulletin.objects.restrict(user, Action.CHANGE).filter(pk=bulletin.pk).exists()
    if not (may_change or can_publish(user, bulletin)):
        raise PermissionDenied(_("您无权生成该简报的PDF。"))
    return start_pdf_job(user, bulletin)


def start_pdf_job(user, bulletin) -> Job:
    """Queue the PDF (re)build with a Job its requester watches; the task runs after commit."""
    from reports.bulletin_pdf import build_bulletin_pdf

    job = Job.objects.create(
        kind=Job.Kind.BULLETIN_PDF,
        owner=user,
        org_unit=bulletin.org_unit,
        params={"bulletin": bulletin.pk},
        message=_("排队中"),
    )
    transaction.on_commit(lambda: build_bulletin_pdf.delay(job.pk))
    return job


def default_period(today: date | None = None) -> tuple[str, date, date]:
    """年初至今 up to the end of last month: what a monthly bulletin reports."""
    today = today or timezone.localdate()
    end = today.replace(day=1) - timezone.timedelta(days=1)
    if end.year != today.year:
        return PeriodKind.YEAR, date(end.year, 1, 1), end
    return PeriodKind.YTD, date(today.year, 1, 1), end
