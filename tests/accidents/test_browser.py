"""The accident register in a real browser (Debian's chromium) on a phone: the township's
staff record an accident with three deaths and see it graded 较大 — and flagged late, the
city's report being due — in the register.

Screenshots are kept under the test's output directory (test-results/…) as CI artefacts.
"""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accidents.models import Accident

PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN"}


# The live server runs in another thread: the data must be committed (transactional test).
@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_township_records_an_accident_on_a_phone_and_sees_it_graded(
    live_server, world, page, output_path
):
    shots = Path(output_path)
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/login/"))
    page.get_by_label("用户名").fill("township_staff")
    page.get_by_label("密码").fill(world.password)
    page.get_by_role("button", name="登录").click()

    page.get_by_role("button", name="展开导航").click()
    page.get_by_role("link", name="事故登记").click()
    page.get_by_role("link", name="登记事故").click()
    occurred = timezone.localtime(timezone.now() - timedelta(hours=5))
    page.get_by_label("事故名称", exact=True).fill("招贤镇建筑工程有限公司高处坠落事故")
    page.get_by_label("发生时间", exact=True).fill(occurred.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("事故单位", exact=True).select_option(
        label="招贤镇建筑工程有限公司（招贤镇）"
    )
    page.get_by_label("事故类别", exact=True).select_option(label="高处坠落")
    page.get_by_label("死亡人数", exact=True).fill("3")
    page.get_by_label("单位报告时间", exact=True).fill(
        (occurred + timedelta(minutes=40)).strftime("%Y-%m-%dT%H:%M")
    )
    page.get_by_label("县级上报时间", exact=True).fill(
        (occurred + timedelta(minutes=100)).strftime("%Y-%m-%dT%H:%M")
    )
    page.screenshot(path=shots / "phone-accident-form.png", full_page=True)
    page.get_by_role("button", name="保存").click()

    expect(page.get_by_text("已保存，事故等级：较大事故。")).to_be_visible()
    expect(page.locator("#reporting-title")).to_be_visible()
    accident = Accident.objects.get()
    assert accident.grade == "larger" and accident.industry == world.construction

    page.get_by_role("link", name="事故登记").first.click()
    row = page.locator("tbody tr").filter(has_text="招贤镇建筑工程有限公司高处坠落事故")
    expect(row).to_contain_text("较大事故")
    # 较大: the city must report to the province within 2 hours of the county — overdue now.
    expect(row).to_contain_text("迟报")
    expect(page.locator("#figure-count")).to_have_text("1")
    page.screenshot(path=shots / "phone-accident-register.png", full_page=True)
