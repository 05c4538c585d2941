"""Enforcement and 双随机 in a real browser (Debian's chromium) on a phone: 招贤镇's staff
record a 一案双罚 fine at their inspection and download its 督办函 as a PDF; the province
draws 湾里管理局's next inspections and publishes the result.

Screenshots are kept under the test's output directory (test-results/…) as CI artefacts.
"""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from inspections.models import EnforcementAction, RandomDraw
from tests.hazards.test_browser import PHONE, log_in
from tests.inspections.factories import core_world


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_fine_with_letter_and_a_published_draw_on_a_phone(
    live_server, world, page, output_path, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    shots = Path(output_path)
    inspection = core_world(world).own_inspection
    page.set_viewport_size(PHONE)

    log_in(
        page,
        live_server.url,
        "township_staff",
        world.password,
        f"/inspections/{inspection.pk}/enforcement/new/",
    )
    expect(page.get_by_role("heading", name="录入执法措施")).to_be_visible()
    page.get_by_label("单位", exact=True).select_option(label="招贤镇化工有限公司")
    page.get_by_label("措施类别").select_option(label="罚款")
    page.get_by_label("决定日期").fill("2025-09-30")
    page.get_by_label("处罚对象").select_option(label="单位和个人(一案双罚)")
    page.get_by_label("单位罚款(元)").fill("30000")
    # The person's name is missing: the service's message comes back on the form.
    page.get_by_label("个人罚款(元)").fill("5000")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("处罚个人须填写被处罚人姓名。")).to_be_visible()
    assert not EnforcementAction.objects.exists()
    page.get_by_label("被处罚人").fill("张三")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("已录入执法措施。")).to_be_visible()
    page.screenshot(path=shots / "enforcement-detail.png", full_page=True)

    page.get_by_label("文书类别").select_option(label="督办函")
    page.get_by_role("button", name="生成").click()
    expect(page.get_by_text("文书已生成，可下载。")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="下载督办函（PDF）").click()
    letter = tmp_path / "letter.pdf"
    download.value.save_as(letter)
    assert letter.read_bytes().startswith(b"%PDF-")
    assert download.value.suggested_filename.startswith("督办函-招贤镇化工有限公司")

    log_in(page, live_server.url, "province_admin", world.password, "/inspections/draws/new/")
    page.get_by_label("组织单位").select_option(label="湾里管理局")
    page.get_by_label("抽查事项").fill("第四季度危化企业抽查")
    page.get_by_label("抽取企业数").fill("2")
    page.get_by_label("每家企业检查人员数").fill("1")
    page.get_by_role("button", name="抽取").click()
    expect(page.get_by_text("按记录的种子和名录重算，结果一致。")).to_be_visible()
    page.get_by_role("button", name="公示抽取结果").click()
    expect(page.get_by_text("抽取结果已公示")).to_be_visible()
    page.screenshot(path=shots / "draw-published.png", full_page=True)
    draw = RandomDraw.objects.get()
    assert draw.published_at is not None and len(draw.result) == 2
