"""The ledger in a real browser (Debian's chromium) on a phone: 招贤镇's staff enter a hazard
with a photo from the camera; the county's leader confirms it; the township fills in the
五落实, rectifies and asks for close-out with an after-photo; the leader verifies and closes it.

Screenshots are kept under the test's output directory (test-results/…) as CI artefacts.
"""

import re
import struct
import zlib
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from hazards.models import Hazard, HazardCriterion, HazardFile

PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # Officials' browsers are Chinese: so are the file pickers' own buttons.
    return {**browser_context_args, "locale": "zh-CN"}


def png(width, height, rgb) -> bytes:
    """A plain-coloured PNG, as a phone camera would hand over a (much larger) photo."""

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    row = b"\x00" + bytes(rgb) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


def log_in(page, base_url, username, password, path):
    page.context.clear_cookies()
    page.goto(f"{base_url}{path}")
    expect(page).to_have_url(re.compile(r"/login/\?next="))
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


def photo_shown(page, name):
    """The photo is on the page and the browser could load it through the scoped view."""
    image = page.get_by_role("img", name=name)
    image.scroll_into_view_if_needed()  # the thumbnails load lazily
    expect(image).to_be_visible()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=image.element_handle()
    )


# The live server runs in another thread: the data must be committed (transactional test).
# Serialized rollback puts back the rows of data migrations (industries, criteria).
@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_township_enters_a_hazard_county_leader_closes_it(
    live_server, world, page, output_path, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    shots = Path(output_path)
    found = tmp_path / "现场照片.png"
    found.write_bytes(png(64, 48, (200, 60, 40)))
    after = tmp_path / "整改后照片.png"
    after.write_bytes(png(64, 48, (40, 160, 80)))
    criterion = HazardCriterion.objects.get(
        standard__startswith="化工和危险化学品", clause="第十二项"
    )
    page.set_viewport_size(PHONE)

    # 招贤镇's staff: the ledger from the phone's menu, then the entry form.
    log_in(page, live_server.url, "township_staff", world.password, "/")
    page.get_by_role("button", name="展开导航").click()
    page.get_by_role("link", name="隐患台账").click()
    expect(page.get_by_text("没有符合条件的隐患。")).to_be_visible()
    page.get_by_role("link", name="登记隐患").click()
    expect(page.get_by_role("heading", name="登记隐患")).to_be_visible()

    page.locator("#id_enterprise").select_option(label="招贤镇化工有限公司（招贤镇）")
    # The criteria of the enterprise's industry arrive by htmx.
    expect(page.locator(f'#id_criterion option[value="{criterion.pk}"]')).to_be_attached()
    page.locator("#id_grade").select_option("major")
    page.locator("#id_criterion").select_option(str(criterion.pk))
    page.locator("#id_source").select_option(label="督导检查发现")
    page.get_by_label("隐患描述").fill("液氯储罐区可燃气体检测报警装置失效，未与紧急切断阀联锁")
    page.get_by_label("隐患部位").fill("甲类储罐区")
    photos = page.get_by_label("隐患照片")
    assert photos.get_attribute("capture") == "environment"
    photos.set_input_files(found)
    page.screenshot(path=shots / "phone-entry-form.png", full_page=True)
    page.get_by_role("button", name="提交上报").click()

    hazard = Hazard.objects.get()
    expect(page.get_by_text(f"已登记隐患，台账编号{hazard.ledger_number}")).to_be_visible()
    expect(page.locator("h1")).to_have_text(hazard.ledger_number)
    photo_shown(page, "隐患照片：现场照片.png")
    expect(page.get_by_text("告知张三（短信）")).to_be_visible()
    page.screenshot(path=shots / "phone-reported.png", full_page=True)

    # The county's leader confirms it (the grade and criterion as entered).
    log_in(page, live_server.url, "county_official", world.password, hazard.get_absolute_url())
    page.get_by_role("link", name="确认隐患").click()
    expect(page.locator("#id_criterion")).to_have_value(str(criterion.pk))
    page.get_by_role("button", name="确认", exact=True).click()
    expect(page.get_by_text("已确认隐患。")).to_be_visible()
    expect(page.get_by_role("link", name="审核销号")).to_have_count(0)

    # The township: 五落实, rectification, close-out with an after-photo.
    log_in(page, live_server.url, "township_staff", world.password, hazard.get_absolute_url())
    expect(page.get_by_role("button", name="开始整改")).to_have_count(0)
    expect(page.get_by_text("五落实齐全后方可开始整改")).to_be_visible()
    page.get_by_role("link", name="填写五落实").click()
    page.get_by_label("整改责任人").fill("张伟")
    page.get_by_label("责任人电话").fill("13907910001")
    page.get_by_label("整改措施").fill("更换失效探头，接入DCS并与紧急切断阀联锁")
    page.get_by_label("整改资金(万元)").fill("12.5")
    deadline = timezone.localdate() + timedelta(days=30)
    page.get_by_label("整改时限").fill(deadline.isoformat())
    page.get_by_label("应急预案").fill("整改期间停止装卸作业，现场配备便携式检测仪")
    page.screenshot(path=shots / "phone-five-implementations.png", full_page=True)
    page.get_by_role("button", name="保存整改方案").click()
    expect(page.get_by_text("已保存整改方案。")).to_be_visible()
    page.get_by_role("button", name="开始整改").click()
    expect(page.get_by_text("隐患已转入整改。")).to_be_visible()
    page.get_by_role("link", name="申请销号").click()
    page.get_by_label("整改后照片或佐证材料").set_input_files(after)
    page.get_by_label("整改情况说明").fill("已更换探头并完成联锁调试")
    page.get_by_role("button", name="提交销号申请").click()
    expect(page.get_by_text("已提交销号申请，等待审核。")).to_be_visible()
    photo_shown(page, "整改后照片：整改后照片.png")

    # The county's leader: the verifier's queue, then the verification.
    log_in(page, live_server.url, "county_official", world.password, "/hazards/verify/")
    row = page.locator("tbody tr").filter(has_text=hazard.ledger_number)
    expect(row).to_contain_text("招贤镇化工有限公司")
    page.screenshot(path=shots / "phone-verify-queue.png", full_page=True)
    row.get_by_role("link", name="审核").click()
    expect(page.get_by_role("heading", name="审核销号")).to_be_visible()
    page.get_by_label("审核意见").fill("现场复核：探头已更换，联锁测试正常，同意销号")
    page.get_by_role("button", name="审核通过，销号").click()
    expect(page.get_by_text("隐患已销号。")).to_be_visible()
    expect(page.locator(".badge").filter(has_text="已销号").first).to_be_visible()
    timeline = page.locator(".hazard-timeline")
    for step in ("上报", "确认", "制定整改方案", "开始整改", "申请销号", "审核销号"):
        expect(timeline.get_by_text(step, exact=True)).to_be_visible()
    page.screenshot(path=shots / "phone-closed.png", full_page=True)

    hazard.refresh_from_db()
    assert hazard.status == Hazard.Status.CLOSED
    assert hazard.verified_by == world.county_official
    assert hazard.reported_by == world.township_staff
    assert set(hazard.files.values_list("kind", flat=True)) == {
        HazardFile.Kind.FOUND,
        HazardFile.Kind.AFTER,
    }

    # The ledger: counts by status, the hazard among the closed ones.
    page.locator("main").get_by_role("link", name="隐患台账").click()
    expect(page.get_by_role("link", name=re.compile(r"^已销号 1$"))).to_be_visible()
    expect(page.get_by_role("link", name=hazard.ledger_number)).to_be_visible()
    page.screenshot(path=shots / "phone-ledger.png", full_page=True)

    # The statistics: the county's townships, the chart drawn from the page's own data.
    page.goto(f"{live_server.url}/hazards/stats/")
    expect(page.locator("#chart-regions canvas")).to_be_attached()
    expect(page.get_by_role("columnheader", name="危险化学品")).to_be_visible()
    expect(page.get_by_role("row", name="招贤镇 1 1", exact=True)).to_be_visible()
    page.screenshot(path=shots / "phone-stats.png", full_page=True)
