"""A citizen's report in a real browser (Debian's chromium) on a phone: the citizen files it
with a photo, without an account, and checks it by receipt code; 招贤镇's staff verify it
from the triage queue and find the new hazard in the ledger; the citizen sees it verified.

Screenshots are kept under the test's output directory (test-results/…) as CI artefacts.
"""

from pathlib import Path

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from hazards.models import Hazard, PublicReport
from tests.hazards.test_browser import PHONE, log_in, png


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN"}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_citizen_reports_township_verifies_into_the_ledger(
    live_server, world, page, output_path, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    shots = Path(output_path)
    photo = tmp_path / "随手拍.png"
    photo.write_bytes(png(64, 48, (220, 120, 30)))
    page.set_viewport_size(PHONE)

    # The citizen: no account, the form on the phone.
    page.goto(f"{live_server.url}/public/report/")
    expect(page.get_by_role("heading", name="随手拍·隐患举报")).to_be_visible()
    page.get_by_label("所在县（市、区）").select_option(label="江西省 南昌市 湾里管理局")
    # The county's townships arrive by htmx.
    expect(page.locator(f'#id_township option[value="{world.zhaoxian.pk}"]')).to_be_attached()
    page.get_by_label("乡镇（街道）").select_option(label="招贤镇")
    page.get_by_label("具体地点").fill("招贤镇农贸市场东侧仓库")
    page.get_by_label("隐患情况").fill("仓库里堆放了几十个液化气钢瓶，旁边就是居民楼，无人看管")
    page.get_by_label("现场照片（可选）").set_input_files(photo)
    page.get_by_label("联系电话（可选）").fill("13900002222")
    page.screenshot(path=shots / "phone-public-report.png", full_page=True)
    page.get_by_role("button", name="提交举报").click()

    expect(page.get_by_text("举报已提交，感谢您的支持！")).to_be_visible()
    receipt = page.locator("#receipt-code").inner_text()
    report = PublicReport.objects.get()
    assert receipt.replace("-", "") == report.receipt_code
    page.screenshot(path=shots / "phone-public-receipt.png", full_page=True)
    page.get_by_role("link", name="查询办理进度").click()
    expect(page.locator("#report-status")).to_have_text("已受理，等待核查")

    # 招贤镇's staff: the queue from the phone's menu, the report, 查实.
    log_in(page, live_server.url, "township_staff", world.password, "/")
    page.get_by_role("button", name="展开导航").click()
    page.get_by_role("link", name="群众举报").click()
    row = page.locator("tbody tr").filter(has_text=report.receipt_code)
    expect(row).to_contain_text("液化气钢瓶")
    row.get_by_role("link", name=report.receipt_code).click()
    expect(page.get_by_text("实名举报。举报人信息保密，仅经授权人员可查看。")).to_be_visible()
    expect(page.get_by_text("13900002222")).to_have_count(0)
    page.get_by_role("link", name="认定查实").click()
    page.locator("#id_enterprise").select_option(label="招贤镇化工有限公司（招贤镇）")
    page.locator("#id_grade").select_option("general")
    page.get_by_label("核查结论").fill("现场核查属实，已责令立即清理钢瓶")
    page.screenshot(path=shots / "phone-report-verify.png", full_page=True)
    page.get_by_role("button", name="查实并登记隐患").click()
    expect(page.get_by_text("已认定查实，并登记隐患。")).to_be_visible()
    expect(page.locator("#report-status")).to_have_text("查实")

    hazard = Hazard.objects.get()
    assert hazard.public_report.pk == report.pk
    page.get_by_role("link", name=hazard.ledger_number).click()
    expect(page.locator("h1")).to_have_text(hazard.ledger_number)
    expect(page.get_by_text("群众举报查实").first).to_be_visible()
    # The ledger lists it.
    page.goto(f"{live_server.url}/hazards/")
    expect(page.get_by_role("link", name=hazard.ledger_number)).to_be_visible()
    page.screenshot(path=shots / "phone-ledger-from-report.png", full_page=True)

    # The citizen checks again, by the code noted down.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/public/report/status/")
    page.get_by_label("回执码").fill(receipt)
    page.get_by_role("button", name="查询").click()
    expect(page.locator("#report-status")).to_have_text("经核查，举报情况属实，已责令整改")
    expect(page.get_by_text("招贤镇化工有限公司")).to_have_count(0)
    page.screenshot(path=shots / "phone-public-status.png", full_page=True)
