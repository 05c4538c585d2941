"""The reports pages in a real browser on a phone: the province's admin rebuilds the rollups
and watches the job's progress bar, reads the dashboard's figures and charts; the county's
leader opens the 赛马 ranking and downloads its 晾晒通报 workbook.
"""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from orgs.constants import Level
from reports.models import Job, RankingScheme
from tests.hazards.test_browser import log_in
from tests.reports.factories import province_data

PHONE = {"width": 390, "height": 844}


# The live server runs in another thread: the data must be committed (transactional test).
@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_admin_rebuilds_and_leader_reads_the_ranking(live_server, world, page, output_path):
    province_data(world, hazards=60, accidents=8)
    scheme = RankingScheme.objects.create(
        name="湾里管理局乡镇赛马",
        org_unit=world.wanli,
        ranked_level=Level.TOWNSHIP,
        weights=[
            {"metric": "hazards_closed", "weight": 2, "direction": "higher"},
            {"metric": "accidents", "weight": 1, "direction": "lower"},
        ],
    )
    page.set_viewport_size(PHONE)
    shots = Path(output_path)
    shots.mkdir(parents=True, exist_ok=True)

    log_in(page, live_server.url, "province_admin", world.password, "/reports/rollups/")
    expect(page.get_by_text("汇总数据尚未生成")).to_be_visible()
    page.get_by_role("button", name="立即重算全部汇总数据").click()
    expect(page).to_have_url(re.compile(r"/reports/jobs/\d+/$"))
    expect(page.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "100")
    expect(page.get_by_text("已完成").first).to_be_visible()
    assert Job.objects.get().status == Job.Status.SUCCEEDED
    page.screenshot(path=shots / "job.png", full_page=True)

    page.get_by_role("link", name="返回工作台").click()
    expect(page.get_by_role("heading", name="工作台 · 江西省")).to_be_visible()
    expect(page.locator("#key-figures").get_by_text("排查隐患（项）")).to_be_visible()
    # ECharts drew the bars by city into a canvas.
    expect(page.locator("#chart-regions canvas")).to_have_count(1)
    page.screenshot(path=shots / "dashboard.png", full_page=True)

    log_in(page, live_server.url, "county_official", world.password, scheme.get_absolute_url())
    page.get_by_label("年度").fill("2026")
    page.get_by_label("季度").select_option("1")
    page.get_by_role("button", name="查看").click()
    table = page.locator("#ranking-table")
    for town in ("招贤镇", "罗亭镇", "太平镇"):
        expect(table.get_by_text(town)).to_be_visible()
    expect(page.get_by_text("计分办法")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="导出Excel").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    page.screenshot(path=shots / "ranking.png", full_page=True)
