"""Bulletins in a real browser (Debian's chromium): 上饶市's supervisor composes an issue with
a data block computed from the rollups, watches the live preview follow the typing, publishes
it (the PDF is built with its progress shown); 南昌市's leader, on the 分送 list, finds it in
the inbox on a phone and opens the PDF.

Screenshots are kept under the test's output directory (test-results/…) as CI artefacts.
"""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from reports.models import Bulletin, BulletinSeries
from tests.reports.tenancy_bulletins import current_generation, put_figures
from tests.reports.test_bulletin_services import LAST_YEAR, THIS_YEAR

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN"}


def log_in(page, base_url, username, password, path):
    page.context.clear_cookies()
    page.goto(f"{base_url}{path}")
    expect(page).to_have_url(re.compile(r"/login/\?next="))
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_supervisor_publishes_city_leader_opens_the_pdf(
    live_server, world, page, output_path, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    shots = Path(output_path)
    generation = current_generation()
    put_figures(generation, world.shangrao, *THIS_YEAR, accidents=673, accident_deaths=141)
    put_figures(generation, world.shangrao, *LAST_YEAR, accidents=1105, accident_deaths=228)
    series = BulletinSeries.objects.create(
        title="上饶应急管理简报",
        org_unit=world.shangrao,
        issuer_name="上饶市安全生产委员会办公室",
        current_year=2024,
    )

    # The supervisor drafts from the archive.
    page.set_viewport_size(DESKTOP)
    log_in(page, live_server.url, "supervisor", world.password, "/reports/bulletins/")
    page.get_by_role("link", name="编写简报").click()
    page.get_by_label("简报系列").select_option(str(series.pk))
    page.get_by_label("标题").fill("上饶市扎实推进安全生产治本攻坚")
    page.get_by_label("数据范围", exact=True).select_option(str(world.shangrao.pk))
    page.get_by_label("统计周期").select_option("ytd")
    page.get_by_label("统计截至").fill("2024-09-30")
    page.get_by_label("分送单位", exact=True).select_option(str(world.nanchang.pk))
    page.get_by_role("button", name="创建草稿").click()
    expect(page.get_by_text("简报草稿已创建")).to_be_visible()

    # An article, then its data block.
    page.locator("#id_heading").fill("突出重点补短板 压实责任治隐患")
    page.get_by_label("正文").fill("今年1-9月，{{accidents}}。")
    page.get_by_role("button", name="添加文章").click()
    expect(page.get_by_text("文章已添加。")).to_be_visible()
    page.get_by_label("标记").fill("accidents")
    page.get_by_label("类型").select_option("sentence")
    page.get_by_label("指标").select_option("accidents")
    page.get_by_label("语句中的说法").fill("发生事故")
    page.get_by_role("button", name="添加数据块").click()
    preview = page.locator("#live-preview")
    expect(preview).to_contain_text("全市发生事故673起，比上年同期少432起，下降39.10%")

    # The preview follows the typing (htmx), before anything is saved.
    page.get_by_label("正文").fill(
        "自今年5月以来，安全生产形势稳定向好。今年1-9月，{{accidents}}。"
    )
    expect(preview).to_contain_text(
        "自今年5月以来，安全生产形势稳定向好。今年1-9月，全市发生事故673起"
    )
    page.screenshot(path=shots / "desktop-article-editor.png", full_page=True)
    page.get_by_role("button", name="保存文章").click()
    expect(page.get_by_text("文章已保存。")).to_be_visible()

    # Publication: numbered, frozen, the PDF built with its progress shown.
    page.get_by_role("link", name="返回简报").click()
    page.get_by_role("link", name="查看与印发").click()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="签发印发").click()
    expect(page.get_by_text("已印发：第1期（总第1期）")).to_be_visible()
    expect(page.get_by_role("link", name="下载PDF")).to_be_visible()
    page.screenshot(path=shots / "desktop-published.png", full_page=True)
    bulletin = Bulletin.objects.get()
    assert bulletin.status == Bulletin.Status.PUBLISHED and bulletin.pdf

    # 南昌市's leader, on a phone: the notification, the inbox, the PDF.
    page.set_viewport_size(PHONE)
    log_in(page, live_server.url, "city_official", world.password, "/notifications/")
    expect(page.get_by_text("上饶应急管理简报 第1期（总第1期）")).to_be_visible()
    page.goto(f"{live_server.url}/reports/bulletins/inbox/")
    row = page.locator("tbody tr").filter(has_text="上饶市扎实推进安全生产治本攻坚")
    expect(row).to_contain_text("第1期（总第1期）")
    page.screenshot(path=shots / "phone-inbox.png", full_page=True)
    link = row.get_by_role("link", name="下载PDF")
    response = page.request.get(live_server.url + link.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
    row.get_by_role("link", name="上饶市扎实推进安全生产治本攻坚").click()
    expect(page.locator(".bulletin-sheet")).to_contain_text("全市发生事故673起")
    expect(page.get_by_role("button", name="签发印发")).to_have_count(0)
    page.screenshot(path=shots / "phone-bulletin.png", full_page=True)
