"""Drill compliance in a real browser (Debian's chromium) on a phone: the township sees its
chemical plant overdue (its on-site response drill done, its plans' drill never); the plant
records an evacuation drill with photos from the phone; the township then sees the plant
compliant.

Screenshots are kept under the test's output directory (test-results/…) as CI artefacts.
"""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.campaigns.test_views import PNG
from training import services
from training.constants import DrillKind
from training.models import Drill

PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # Officials' browsers are Chinese: so are the file pickers' own buttons.
    return {**browser_context_args, "locale": "zh-CN"}


def log_in(page, base_url, username, password, path):
    page.goto(f"{base_url}{path}")
    expect(page).to_have_url(re.compile(r"/login/\?next="))
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


def plant_row(page):
    return page.locator("#drill-compliance tbody tr").filter(has_text="招贤镇化工有限公司")


# The live server runs in another thread: the data must be committed (transactional test).
# Serialized rollback puts back the rows of data migrations (industries, hours rules).
@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_enterprise_records_a_drill_and_the_township_sees_it_compliant(
    live_server, world, page, browser, browser_context_args, output_path, tmp_path
):
    shots = Path(output_path)
    photos = [tmp_path / "疏散集合点.png", tmp_path / "清点人数.png"]
    for photo in photos:
        photo.write_bytes(PNG)
    page.set_viewport_size(PHONE)

    # 招贤镇: the chemical plant (high risk: every half year) drilled its on-site response
    # procedures last month but has never drilled its plans.
    services.record_drill(
        {
            "enterprise": world.ent_zhaoxian,
            "held_on": timezone.localdate() - timedelta(days=30),
            "kind": DrillKind.ON_SITE,
            "scenario": "反应釜超温现场处置",
        },
        user=world.enterprise_user,
    )
    log_in(page, live_server.url, "township_staff", world.password, "/training/drills/")
    expect(plant_row(page)).to_contain_text("逾期未演练")
    expect(plant_row(page)).to_contain_text("每半年")
    expect(page.get_by_text("罗亭镇化工有限公司")).to_have_count(0)
    page.screenshot(path=shots / "phone-township-overdue.png", full_page=True)

    # The plant's own user, on their own phone, records the drill with photos from the camera.
    township = page
    page = browser.new_context(**{**browser_context_args, "viewport": PHONE}).new_page()
    log_in(page, live_server.url, "enterprise_user", world.password, "/")
    page.get_by_role("button", name="展开导航").click()
    page.get_by_role("link", name="培训演练").click()
    page.get_by_role("link", name="应急演练").click()
    expect(plant_row(page)).to_contain_text("逾期未演练")
    page.get_by_role("link", name="登记演练").click()
    expect(page.get_by_role("heading", name="登记演练")).to_be_visible()
    expect(page.get_by_label("演练单位")).to_be_disabled()
    page.get_by_label("演练日期").fill(timezone.localdate().isoformat())
    page.get_by_label("演练类型").select_option(label="疏散逃生演练")
    page.get_by_label("无脚本演练").check()
    page.get_by_label("参演人数").fill("42")
    page.get_by_label("演练情景").fill("液氯储罐区泄漏，全厂人员疏散至上风向集合点")
    page.get_by_label("演练评估").fill("疏散用时4分30秒，东侧通道拥堵")
    page.get_by_label("预案修订").fill("增设东侧疏散通道指示标志")
    camera = page.get_by_label("演练照片")
    expect(camera).to_have_attribute("capture", "environment")
    expect(camera).to_have_attribute("accept", "image/*")
    camera.set_input_files(photos)
    page.screenshot(path=shots / "phone-drill-form.png", full_page=True)
    page.get_by_role("button", name="提交").click()

    expect(page.get_by_text("已登记演练。")).to_be_visible()
    expect(page.get_by_role("heading", name="招贤镇化工有限公司 · 疏散逃生演练")).to_be_visible()
    images = page.locator("img.hazard-photo")
    expect(images).to_have_count(2)
    # The photos come through the scoped download view and really load.
    for index in range(2):
        assert "/training/drills/photos/" in images.nth(index).get_attribute("src")
    page.wait_for_function(
        "() => [...document.querySelectorAll('img.hazard-photo')]"
        ".every(img => img.complete && img.naturalWidth > 0)"
    )
    page.screenshot(path=shots / "phone-drill-recorded.png", full_page=True)
    drill = Drill.objects.get(kind=DrillKind.EVACUATION)
    assert drill.unscripted and drill.participants == 42 and drill.photos.count() == 2
    page.context.close()

    # 招贤镇 again: the plant is compliant, its next drill due in six months.
    page = township
    page.reload()
    expect(plant_row(page)).to_contain_text("达标")
    expect(plant_row(page)).to_contain_text(timezone.localdate().isoformat())
    # Nothing wider than the phone: the section tabs scroll within the page.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.get_by_label("演练情况").select_option(label="逾期未演练")
    page.get_by_role("button", name="查询").click()
    expect(plant_row(page)).to_have_count(0)
    page.screenshot(path=shots / "phone-township-compliant.png", full_page=True)
