"""The printed bulletin: the PDF task (Job progress, idempotent), the text poppler reads back
in Chinese (title, numbers, figures, distribution list), embedded fonts, and page 1 rendered
to PNG under test-results/ to be looked at."""

import re
import subprocess
from datetime import date
from pathlib import Path

import pytest

from reports import bulletin_pdf, bulletins
from reports.models import Bulletin, BulletinSeries, Job
from tests.reports.tenancy_bulletins import current_generation, draft, put_figures
from tests.reports.test_bulletin_services import (
    LAST_YEAR,
    SEED_BLOCKS,
    SEED_BODY,
    THIS_YEAR,
)

RESULTS = Path(__file__).resolve().parents[2] / "test-results" / "bulletins"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def seed_issue(world):
    """Seed 004 as the system prints it: 第90期（总第142期）, 专刊（44）, 2020-10-26."""
    generation = current_generation()
    put_figures(generation, world.shangrao, *THIS_YEAR, accidents=673, accident_deaths=141)
    put_figures(generation, world.shangrao, *LAST_YEAR, accidents=1105, accident_deaths=228)
    put_figures(generation, world.wannian, *THIS_YEAR, accidents=120, accident_deaths=31)
    series = bulletins.save_series(
        world.province_admin,
        {
            "title": "江西应急管理简报",
            "org_unit": world.jiangxi,
            "issuer_name": "江西省安全生产委员会办公室",
            "special_name": "省安全生产专项整治三年行动专刊",
        },
    )
    BulletinSeries.objects.filter(pk=series.pk).update(
        current_year=2020, next_issue_number=90, next_total_number=142, next_special_number=44
    )
    issue = draft(
        world.province_admin,
        series,
        "突出重点补短板 压实责任治隐患",
        world.shangrao,
        body=SEED_BODY + "\n各县（市、区）事故情况见下表。\n{{by_county}}\n{{chart}}",
        blocks=[
            *SEED_BLOCKS,
            {"key": "by_county", "kind": "table", "metrics": ["accidents", "accident_deaths"]},
            {"key": "chart", "kind": "chart", "metrics": ["accidents"]},
        ],
        is_special=True,
        date=date(2020, 10, 26),
        copy_to_text="省委、省政府领导",
        distribute_to=[world.nanchang, world.shangrao],
        distribute_to_text="应急管理部办公厅，省委办公厅、省人大办公厅、省政府办公厅、省政协办公厅",
    )
    return issue


def published_pdf(world, issue, django_capture_on_commit_callbacks) -> tuple[Bulletin, Job]:
    with django_capture_on_commit_callbacks(execute=True):
        issue, job = bulletins.publish(world.province_admin, issue)
    issue.refresh_from_db()
    job.refresh_from_db()
    return issue, job


def pdf_text(path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


MM = 72 / 25.4
WORD = re.compile(
    r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>'
)


def last_page_words(path) -> tuple[float, list[tuple[float, float, str]]]:
    """The last page's height and its words as (top, bottom, text), in points."""
    xml = subprocess.run(
        ["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    height, body = re.findall(r'<page width="[\d.]+" height="([\d.]+)">(.*?)</page>', xml, re.S)[-1]
    return float(height), [
        (float(top), float(bottom), text) for top, bottom, text in WORD.findall(body)
    ]


def test_published_bulletin_pdf(world, seed_issue, django_capture_on_commit_callbacks):
    issue, job = published_pdf(world, seed_issue, django_capture_on_commit_callbacks)
    assert job.kind == Job.Kind.BULLETIN_PDF and job.owner == world.province_admin
    assert (job.status, job.progress) == (Job.Status.SUCCEEDED, 100)
    assert job.result["url"] == f"/reports/bulletins/{issue.pk}/pdf/"
    assert issue.pdf and issue.pdf_version == issue.version
    path = Path(issue.pdf.path)
    assert path.read_bytes().startswith(b"%PDF")

    text = pdf_text(path)
    flat = "".join(text.split())
    for expected in (
        "江西应急管理简报",
        "第90期（总第142期）",
        "省安全生产专项整治三年行动专刊（44）",
        "江西省安全生产委员会办公室",
        "2020年10月26日",
        "突出重点补短板压实责任治隐患",
        "全市发生事故673起，比上年同期少432起，下降39.10%",
        "死亡141人，比上年同期少87人，下降38.16%",
        "万年县",
        "抄报：省委、省政府领导。",
        "分送：南昌市，上饶市，应急管理部办公厅",
        "2020年10月26日印发",
        "—1—",
    ):
        assert expected in flat, expected

    # 版记 at the foot of the last page: its last line on the bottom edge of the 版心 (35 mm
    # above the paper's edge), below every line of text; only the page number lower.
    height, words = last_page_words(path)
    text_bottom = height - 35 * MM
    printed = next(bottom for _top, bottom, word in words if word.endswith("印发"))
    assert text_bottom - 6 <= printed <= text_bottom + 1
    colophon_top = next(top for top, _bottom, word in words if word.startswith("抄报"))
    assert all(bottom <= colophon_top or top >= colophon_top for top, bottom, _ in words)
    assert all(top > printed for top, _bottom, word in words if word.startswith("—"))

    fonts = subprocess.run(
        ["pdffonts", str(path)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert fonts, "no fonts in the PDF"
    assert any("Noto-Serif-CJK-SC" in line for line in fonts)
    # Columns: name type encoding emb sub uni object ID — every font embedded.
    assert all(line.split()[-5] == "yes" for line in fonts), fonts

    RESULTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", str(path), str(RESULTS / "page")],
        check=True,
    )
    assert list(RESULTS.glob("page-1.png"))


def test_pdf_job_is_idempotent_and_follows_the_version(
    world, seed_issue, django_capture_on_commit_callbacks
):
    # A draft's proof: built for its version, rebuilt only when the draft changes.
    with django_capture_on_commit_callbacks(execute=True):
        job = bulletins.request_pdf(world.province_admin, seed_issue)
    seed_issue.refresh_from_db()
    first = seed_issue.pdf.name
    assert "草稿" in first and seed_issue.pdf_version == seed_issue.version
    # Running the finished job again does nothing.
    bulletin_pdf.build_bulletin_pdf(job.pk)
    seed_issue.refresh_from_db()
    assert seed_issue.pdf.name == first
    # A new job for an unchanged draft keeps the file; after an edit it is rebuilt.
    with django_capture_on_commit_callbacks(execute=True):
        bulletins.request_pdf(world.province_admin, seed_issue)
    seed_issue.refresh_from_db()
    assert seed_issue.pdf.name == first
    bulletins.save_bulletin(
        world.province_admin, {"copy_to_text": "新增抄报单位"}, bulletin=seed_issue
    )
    seed_issue.refresh_from_db()
    assert seed_issue.pdf_version != seed_issue.version
    with django_capture_on_commit_callbacks(execute=True):
        bulletins.request_pdf(world.province_admin, seed_issue)
    seed_issue.refresh_from_db()
    assert seed_issue.pdf_version == seed_issue.version and seed_issue.pdf.name != first
    assert "新增抄报单位" in "".join(pdf_text(seed_issue.pdf.path).split())


def test_pdf_requests_need_an_editor_or_signer(world, seed_issue):
    with pytest.raises(bulletins.PermissionDenied):
        bulletins.request_pdf(world.city_official, seed_issue)
    assert not Job.objects.exists()


def test_failed_build_is_reported_on_the_job(world, seed_issue, monkeypatch):
    job = Job.objects.create(
        kind=Job.Kind.BULLETIN_PDF, owner=world.province_admin, params={"bulletin": seed_issue.pk}
    )

    def broken(*args, **kwargs):
        raise OSError("磁盘已满")

    monkeypatch.setattr(bulletin_pdf, "render_pdf", broken)
    bulletin_pdf.build_bulletin_pdf(job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and "磁盘已满" in job.message
    seed_issue.refresh_from_db()
    assert not seed_issue.pdf
