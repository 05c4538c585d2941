"""The UI in a real browser (Debian's chromium): log in, dashboard, enterprises; phone, desktop.

Screenshots are kept under the test's output directory (test-results/…) as CI artefacts.
"""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


# The live server runs in another thread: the data must be committed (transactional test).
# Serialized rollback puts back the rows of data migrations (industries) for the next tests.
@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_township_staff_logs_in_and_sees_only_the_township(live_server, world, page, output_path):
    shots = Path(output_path)
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/orgs/enterprises/")
    # Not logged in: the login page, in Chinese.
    expect(page).to_have_url(re.compile(r"/login/\?next="))
    expect(page.get_by_role("heading", name="用户登录")).to_be_visible()
    page.get_by_label("用户名").fill("township_staff")
    page.get_by_label("密码").fill(world.password)
    page.get_by_role("button", name="登录").click()

    # Back to the page asked for; then the dashboard through the phone's collapsed menu.
    expect(page.get_by_role("heading", name="生产经营单位")).to_be_visible()
    menu = page.get_by_role("button", name="展开导航")
    expect(menu).to_be_visible()
    menu.click()
    page.get_by_role("link", name="工作台").click()
    expect(page.get_by_role("heading", name="工作台")).to_be_visible()
    expect(page.get_by_text("招贤镇 · 工作人员")).to_be_visible()
    page.screenshot(path=shots / "phone-dashboard.png", full_page=True)

    page.goto(f"{live_server.url}/orgs/enterprises/")
    results = page.locator("#enterprise-results")
    expect(results.get_by_role("link", name="招贤镇化工有限公司")).to_be_visible()
    expect(results.get_by_role("link", name="招贤镇建筑工程有限公司")).to_be_visible()
    expect(page.get_by_text("罗亭镇化工有限公司")).to_have_count(0)
    # On a phone the table is stacked: no header row, each cell labelled.
    expect(results.locator("thead")).to_be_hidden()
    page.screenshot(path=shots / "phone-enterprises.png", full_page=True)

    page.set_viewport_size(DESKTOP)
    page.reload()
    expect(page.get_by_role("button", name="展开导航")).to_be_hidden()
    expect(results.locator("thead")).to_be_visible()
    # Typing in the search box re-renders the results in place (htmx) and keeps the URL.
    page.get_by_label("名称、信用代码或负责人").fill("化工")
    expect(results.get_by_text("共 1 家")).to_be_visible()
    expect(results.get_by_role("link", name="招贤镇建筑工程有限公司")).to_have_count(0)
    expect(page).to_have_url(re.compile(r"q=%E5%8C%96%E5%B7%A5"))
    page.screenshot(path=shots / "desktop-enterprises.png", full_page=True)
