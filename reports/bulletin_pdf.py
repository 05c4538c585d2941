"""The bulletin as printed: WeasyPrint PDF in the official style, built by a Celery task.

Layout follows GB/T 9704-2012 where a 简报 shares the 公文 format: A4, 天头 37 mm, 订口 28 mm,
版心 156 × 225 mm (so 下 35 mm, 右 26 mm), 3号 (16 pt) body, 22 lines of 28 characters, the
红色分隔线 under the masthead, page numbers "— n —" in 4号 7 mm below the 版心, outer side, and
the 版记 (抄报 / 分送, 印发机关 and 印发日期) between rules at the end. The body is set in Noto
Serif CJK SC (a Song face) embedded in the file. Charts are drawn here as SVG: the browser
preview uses ECharts, which a PDF cannot run.
"""

from __future__ import annotations

import logging
import math
from html import escape

from celery import shared_task
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from reports import bulletins
from reports.models import Bulletin, Job
from reports.services import finish_job
from reports.yoy import format_number

logger = logging.getLogger(__name__)

CHART_WIDTH = 560
CHART_HEIGHT = 300
RED = "#d40000"


def svg_bar_chart(value: dict) -> str:
    """A bar chart of a chart block's rows (one bar per child region) as inline SVG."""
    rows = value["rows"]
    figures = [float(row["values"][0]) for row in rows]
    step = _nice_step(max(figures, default=0) / 4)
    top = step * 4
    left, right, head, foot = 48, 12, 36, 56
    plot_w = CHART_WIDTH - left - right
    plot_h = CHART_HEIGHT - head - foot
    slot = plot_w / max(len(rows), 1)
    bar = min(slot * 0.6, 48)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{CHART_WIDTH}" '
        f'height="{CHART_HEIGHT}" viewBox="0 0 {CHART_WIDTH} {CHART_HEIGHT}" '
        f'class="chart" role="img" aria-label="{escape(value["title"])}">',
        f'<text x="{CHART_WIDTH / 2}" y="20" text-anchor="middle" font-size="15" '
        f'font-weight="bold">{escape(value["title"])}</text>',
        f'<text x="{left}" y="{head - 6}" font-size="11">{escape(value["columns"][0])}</text>',
    ]
    for tick in range(5):
        y = head + plot_h - plot_h * tick / 4
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{CHART_WIDTH - right}" y2="{y:.1f}" '
            f'stroke="#ccc" stroke-width="0.5"/>'
            f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" font-size="10">'
            f"{format_number(round(step * tick, 2))}</text>"
        )
    for index, (row, figure) in enumerate(zip(rows, figures, strict=True)):
        height = plot_h * figure / top
        x = left + slot * index + (slot - bar) / 2
        y = head + plot_h - height
        centre = x + bar / 2
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{height:.1f}" '
            f'fill="{RED}"/>'
            f'<text x="{centre:.1f}" y="{y - 4:.1f}" text-anchor="middle" font-size="11">'
            f"{escape(row['values'][0])}</text>"
            f'<text x="{centre:.1f}" y="{head + plot_h + 16:.1f}" text-anchor="middle" '
            f'font-size="11">{escape(row["unit"])}</text>'
        )
    parts.append(
        f'<line x1="{left}" y1="{head + plot_h}" x2="{CHART_WIDTH - right}" '
        f'y2="{head + plot_h}" stroke="#000" stroke-width="1"/></svg>'
    )
    return "".join(parts)


def _nice_step(rough: float) -> float:
    """The axis step at or above `rough` among 1, 2, 5 × 10ⁿ, so the ticks read round and
    the tallest bar stays below the top line (room for its label)."""
    if rough <= 0:
        return 1
    magnitude = 10 ** math.floor(math.log10(rough))
    for factor in (1, 2, 5, 10):
        if factor * magnitude > rough:
            return factor * magnitude
    return 10 * magnitude


def attach_charts(articles):
    """Give each chart segment its SVG (every text in it is escaped by svg_bar_chart)."""
    for article in articles:
        for segment in article.segments:
            if segment.kind == "chart":
                segment.svg = mark_safe(svg_bar_chart(segment.block))
    return articles


def bulletin_context(bulletin) -> dict:
    """What the printed page and the preview show: masthead, articles, 版记."""
    articles = attach_charts(bulletins.prepared_articles(bulletin))
    published = bulletin.status == Bulletin.Status.PUBLISHED
    return {
        "bulletin": bulletin,
        "series": bulletin.series,
        "articles": articles,
        "numbers": bulletins.numbers_line(bulletin) if published else _("第□期（总第□期）"),
        "special": bulletins.special_line(bulletin)
        if published
        else (bulletin.series.special_name + "（□）" if bulletin.is_special else ""),
        "copy_to": _distribution(bulletin.copy_to.all(), bulletin.copy_to_text),
        "distribute_to": _distribution(bulletin.distribute_to.all(), bulletin.distribute_to_text),
        "date": bulletin.date or timezone.localdate(),
    }


def _distribution(units, text) -> str:
    names = "，".join(unit.name for unit in units)
    text = text.strip().rstrip("。")
    joined = "，".join(part for part in (names, text) if part)
    return f"{joined}。" if joined else ""


def bulletin_html(bulletin) -> str:
    return render_to_string("reports/pdf/bulletin.html", bulletin_context(bulletin))


def render_pdf(bulletin, progress=lambda percent, message: None) -> bytes:
    """The PDF bytes, reporting progress at each of WeasyPrint's stages."""
    from weasyprint import HTML

    progress(10, _("正在排版正文"))
    html = bulletin_html(bulletin)
    progress(30, _("正在分页"))
    document = HTML(string=html, base_url=".").render()
    progress(80, _("正在写入PDF（嵌入字体）"))
    return document.write_pdf()


def pdf_filename(bulletin) -> str:
    if bulletin.total_number:
        return f"{bulletin.series.title}-{bulletin.year}-第{bulletin.issue_number}期.pdf"
    return f"{bulletin.series.title}-草稿-{bulletin.pk}.pdf"


@shared_task(acks_late=True)
def build_bulletin_pdf(job_id: int) -> None:
    """Render a bulletin's PDF and store it on the bulletin, reporting progress on the Job.

    Idempotent: a job already finished is left alone, and the PDF is rebuilt only while it
    does not match the bulletin's version (a retry after a crash redoes the work once).
    """
    claimed = Job.objects.filter(
        pk=job_id, status__in=[Job.Status.PENDING, Job.Status.RUNNING]
    ).update(status=Job.Status.RUNNING, started_at=timezone.now(), progress=5)
    if not claimed:
        return
    job = Job.objects.get(pk=job_id)

    def progress(percent, message):
        Job.objects.filter(pk=job_id).update(progress=percent, message=message)

    try:
        bulletin = Bulletin.objects.select_related("series", "scope_unit").get(
            pk=job.params["bulletin"]
        )
        if not (bulletin.pdf and bulletin.pdf_version == bulletin.version):
            content = render_pdf(bulletin, progress)
            progress(95, _("正在保存"))
            store_pdf(bulletin, content)
        finish_job(job_id, result={"bulletin": bulletin.pk, "url": bulletin_pdf_url(bulletin)})
    except Exception as error:  # the job reports any failure to its owner
        logger.exception("bulletin PDF job %s failed", job_id)
        finish_job(job_id, error=_("生成失败：%s") % error)


def store_pdf(bulletin, content: bytes) -> None:
    """Keep `content` as the PDF of the bulletin's current version (replacing an older one).

    Written with update(): attaching the file is not an edit of the issue, so it neither
    bumps the version nor writes history.
    """
    with transaction.atomic():
        locked = Bulletin.objects.select_for_update().get(pk=bulletin.pk)
        old = locked.pdf.name if locked.pdf else None
        locked.pdf.save(pdf_filename(locked), ContentFile(content), save=False)
        Bulletin.objects.filter(pk=locked.pk).update(
            pdf=locked.pdf.name, pdf_version=locked.version
        )
        if old and old != locked.pdf.name:
            storage = locked.pdf.storage
            transaction.on_commit(lambda: storage.delete(old))
    bulletin.pdf, bulletin.pdf_version = locked.pdf, locked.version


def bulletin_pdf_url(bulletin) -> str:
    from django.urls import reverse

    return reverse("reports:bulletin_pdf", args=[bulletin.pk])
