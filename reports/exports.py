"""晾晒通报 exports of a ranking: .xlsx (core.exporting) and PDF (WeasyPrint).

The PDF uses the system's Noto Serif CJK (a Song-style face), which WeasyPrint embeds (as a
subset) in the file, so it reads the same on any machine.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.http import content_disposition_header

from core.exporting import ExportColumn, export_xlsx
from reports.rollups import METRIC_BY_CODE

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def ranking_filename(ranking, extension: str) -> str:
    quarter = (ranking.period.start.month + 2) // 3
    return f"{ranking.scheme.name}-{ranking.period.start.year}年第{quarter}季度.{extension}"


def ranking_columns(ranking) -> list[ExportColumn]:
    columns = [
        ExportColumn("名次", "rank", 8),
        ExportColumn("单位", "unit.name", 24),
        ExportColumn("得分", "score", 10),
    ]
    for item in ranking.scheme.weights:
        metric = METRIC_BY_CODE[item["metric"]]
        code = item["metric"]
        columns.append(
            ExportColumn(
                f"{metric.label}（{metric.unit}）", lambda row, code=code: row.values[code], 16
            )
        )
    columns += [
        ExportColumn("一票否决", lambda row: "是" if row.vetoed else "", 10),
        ExportColumn("评定", lambda row: "先进" if row.advanced else "", 10),
    ]
    return columns


def ranked_table(ranking) -> list[tuple]:
    """(row, [its value per weighted metric, in the scheme's order]) for templates."""
    codes = [item["metric"] for item in ranking.scheme.weights]
    return [(row, [row.values[code] for code in codes]) for row in ranking.rows]


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def ranking_xlsx_response(ranking) -> HttpResponse:
    content = export_xlsx(ranking.rows, ranking_columns(ranking), sheet_title="赛马排名")
    return _attachment(content, XLSX, ranking_filename(ranking, "xlsx"))


def ranking_pdf(ranking) -> bytes:
    from weasyprint import HTML

    html = render_to_string(
        "reports/pdf/ranking.html",
        {
            "ranking": ranking,
            "metrics": [METRIC_BY_CODE[item["metric"]] for item in ranking.scheme.weights],
            "table": ranked_table(ranking),
            "quarter": (ranking.period.start.month + 2) // 3,
        },
    )
    return HTML(string=html, base_url=".").write_pdf()


def ranking_pdf_response(ranking) -> HttpResponse:
    return _attachment(ranking_pdf(ranking), "application/pdf", ranking_filename(ranking, "pdf"))
