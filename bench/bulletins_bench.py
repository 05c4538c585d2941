"""Benchmark of the bulletin PDF: a 10-page issue in the official style within 10 s.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/anquan .venv/bin/python bench/bulletins_bench.py

Builds a throwaway database next to DATABASE_URL's (anquan_bulletins_bench_<pid>, dropped at
the end whatever happens) with a province of 11 cities, the cities' figures in a rollup
generation, and a bulletin of the province's office whose articles (the seed's prose, a
sentence block, a table of the 11 cities and a bar chart each) fill at least 10 A4 pages.
Then it times, in the process as the Celery worker runs it, the whole PDF job
(reports.bulletin_pdf.build_bulletin_pdf: blocks computed, HTML, layout, PDF with the CJK
font subset and embedded, stored) and the three WeasyPrint stages separately.
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402

from bench.sections import replace_section  # noqa: E402
from bench.treegen import generate_tree  # noqa: E402
from core.models import User  # noqa: E402
from orgs import services as org_services  # noqa: E402
from orgs.constants import Level, Role  # noqa: E402
from reports import bulletin_pdf, bulletins  # noqa: E402
from reports.models import (  # noqa: E402
    Bulletin,
    Job,
    PeriodKind,
    Rollup,
    RollupGeneration,
    RollupState,
)

SHAPE = ((Level.PROVINCE, 1), (Level.CITY, 11))
PERIOD = (PeriodKind.YTD, date(2024, 1, 1), date(2024, 9, 30))
LAST_YEAR = (PeriodKind.YTD, date(2023, 1, 1), date(2023, 9, 30))
METRICS = ("accidents", "accident_deaths", "hazards_found", "hazards_closed")
ARTICLES = 4
PAGES = 10
RUNS = 3
TARGET_SECONDS = 10.0
PROSE = (
    "自今年5月实施安全生产专项整治三年行动以来，各地紧盯安全生产领域薄弱环节，先后开展挂点联系督导、"
    "党建+“安全生产”、护航“双节”安全、提升执法水平等行动，全面梳理排查安全隐患，以扎实的工作举措"
    "推动三年行动走深走实，安全生产形势进一步稳定向好。"
)


def figures(province, cities) -> None:
    generation = RollupGeneration.objects.create(
        kind=RollupGeneration.Kind.ON_DEMAND,
        status=RollupGeneration.Status.READY,
        as_of=PERIOD[2],
    )
    RollupState.objects.update_or_create(
        pk=RollupState.SINGLETON_ID, defaults={"current": generation}
    )
    rows = []
    for index, unit in enumerate([province, *cities], start=1):
        scale = 11 if unit is province else 1
        for period, factor in ((PERIOD, 1), (LAST_YEAR, 1.4)):
            for offset, metric in enumerate(METRICS):
                row = Rollup(
                    generation=generation,
                    org_unit=unit,
                    period_kind=period[0],
                    period_start=period[1],
                    period_end=period[2],
                    metric=metric,
                    subtree_value=int((37 * index + 11 * offset) * scale * factor),
                )
                row.copy_location()
                rows.append(row)
    Rollup.objects.bulk_create(rows)


def issue(province, editor) -> Bulletin:
    series = bulletins.save_series(
        editor,
        {
            "title": "江西应急管理简报",
            "org_unit": province,
            "issuer_name": "省安全生产委员会办公室",
        },
    )
    articles = [
        {
            "heading": f"第{n}篇 突出重点补短板 压实责任治隐患",
            "body": "\n".join(
                [
                    PROSE,
                    "今年1-9月，{{accidents}}；{{deaths}}。",
                    PROSE,
                    "{{table}}",
                    PROSE,
                    "{{chart}}",
                ]
            ),
            "blocks": [
                {"key": "accidents", "kind": "sentence", "metrics": ["accidents"]},
                {"key": "deaths", "kind": "sentence", "metrics": ["accident_deaths"]},
                {"key": "table", "kind": "table", "metrics": list(METRICS)},
                {"key": "chart", "kind": "chart", "metrics": ["hazards_found"]},
            ],
        }
        for n in range(1, ARTICLES + 1)
    ]
    return bulletins.save_bulletin(
        editor,
        {
            "series": series,
            "title": "十页简报",
            "scope_unit": province,
            "period_kind": PERIOD[0],
            "period_end": PERIOD[2],
            "copy_to_text": "省委、省政府领导",
            "distribute_to_text": "各设区市安委办",
        },
        articles=articles,
    )


def run() -> tuple[str, float]:
    tree = generate_tree(SHAPE)
    province, cities = tree.levels[Level.PROVINCE][0], tree.levels[Level.CITY]
    editor = User.objects.create(username="bench_editor", password="!")
    org_services.add_membership(user=editor, org_unit=province, role=Role.ADMIN, granted_by=None)
    figures(province, cities)
    bulletin = issue(province, editor)

    from weasyprint import HTML

    html = bulletin_pdf.bulletin_html(bulletin)
    document = HTML(string=html, base_url=".").render()
    pages = len(document.pages)
    if pages < PAGES:
        sys.exit(f"the bench bulletin has {pages} pages, fewer than {PAGES}: add articles")

    stages = {"html": [], "layout": [], "pdf": []}
    jobs, sizes = [], []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        html = bulletin_pdf.bulletin_html(bulletin)
        t1 = time.perf_counter()
        document = HTML(string=html, base_url=".").render()
        t2 = time.perf_counter()
        content = document.write_pdf()
        t3 = time.perf_counter()
        stages["html"].append(t1 - t0)
        stages["layout"].append(t2 - t1)
        stages["pdf"].append(t3 - t2)
        # The whole job, as the worker runs it: a fresh version forces a rebuild.
        Bulletin.objects.filter(pk=bulletin.pk).update(version=bulletin.version + 1)
        bulletin.version += 1
        job = Job.objects.create(
            kind=Job.Kind.BULLETIN_PDF, owner=editor, params={"bulletin": bulletin.pk}
        )
        started = time.perf_counter()
        bulletin_pdf.build_bulletin_pdf(job.pk)
        jobs.append(time.perf_counter() - started)
        job.refresh_from_db()
        if job.status != Job.Status.SUCCEEDED:
            sys.exit(f"the PDF job failed: {job.message}")
        sizes.append(len(content))
    median = statistics.median(jobs)
    load = os.getloadavg()[0]
    body = "\n".join(
        [
            "## Bulletin PDF (`reports.bulletin_pdf`, WeasyPrint)",
            "",
            f"- {os.cpu_count()} cores (load {load:.1f} at the end); Python "
            f"{platform.python_version()}; run {datetime.now():%Y-%m-%d %H:%M} with "
            "`bench/bulletins_bench.py` (a throwaway database)",
            f"- the issue: {ARTICLES} articles, each with the seed's prose, two 同比 sentences, a "
            f"table of 11 cities × {len(METRICS)} metrics and an SVG bar chart — {pages} A4 "
            f"pages, {statistics.median(sizes) / 1024:.0f} KiB with Noto Serif CJK SC "
            "subset and embedded",
            "",
            "| stage | median | slowest |",
            "|---|---:|---:|",
            *(
                f"| {name} | {statistics.median(times):.2f} s | {max(times):.2f} s |"
                for name, times in (
                    ("figures and HTML (`bulletin_html`)", stages["html"]),
                    ("layout (`HTML.render`)", stages["layout"]),
                    ("PDF with fonts (`write_pdf`)", stages["pdf"]),
                )
            ),
            f"| **whole Celery job** (`build_bulletin_pdf`, {RUNS} runs) | **{median:.2f} s** "
            f"| {max(jobs):.2f} s |",
            "",
            f"Target: ≤ {TARGET_SECONDS:.0f} s for a 10-page bulletin — "
            f"{'met' if median <= TARGET_SECONDS else 'MISSED'}.",
        ]
    )
    return body, median


def main() -> None:
    if connection.vendor != "postgresql":
        sys.exit("bench/bulletins_bench.py measures PostgreSQL: set DATABASE_URL=postgres://…")
    connection.settings_dict["TEST"]["NAME"] = f"anquan_bulletins_bench_{os.getpid()}"
    original_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        with tempfile.TemporaryDirectory() as media:
            settings.MEDIA_ROOT = media
            body, median = run()
    finally:
        connection.creation.destroy_test_db(original_name, verbosity=0)
    replace_section("bulletins-bench", body)
    print(body)
    if median > TARGET_SECONDS:
        sys.exit(f"median {median:.2f} s is over the {TARGET_SECONDS:.0f} s target")


if __name__ == "__main__":
    main()
