"""The field form in a real browser (Debian's chromium) on a phone: a member of 南昌市's
supervision group for 湾里管理局 inspects 招贤镇's chemical plant item by item, marks one item
不合格 with a photo from the camera; the draft survives a reload and a lost connection, is
submitted once, and 招贤镇's staff find the new hazard in their ledger.

Screenshots are kept under the test's output directory (test-results/…) as CI artefacts.
"""

import re
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import expect

from hazards.models import Hazard
from inspections import services
from inspections.models import Inspection, SupervisionAssignment, SupervisionGroupMember
from tests.hazards.test_browser import PHONE, log_in, photo_shown, png
from tests.inspections.factories import chemicals_template


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN"}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_supervisor_inspects_on_a_phone_and_the_township_sees_the_hazard(
    live_server, world, page, output_path, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    shots = Path(output_path)
    photo = tmp_path / "现场照片.png"
    photo.write_bytes(png(64, 48, (200, 60, 40)))
    template = chemicals_template(world)
    failed_item = template.items.get(number=2)
    services.create_group(
        {
            "org_unit": world.nanchang,
            "name": "第一挂点联系督导组",
            "term_start": date(2025, 1, 1),
            "term_end": date(2027, 12, 31),
            "members": [(world.supervisor, SupervisionGroupMember.Role.MEMBER, "")],
            "assignments": [(world.wanli, SupervisionAssignment.Kind.REGION)],
        },
        user=world.province_admin,
    )
    page.set_viewport_size(PHONE)

    log_in(page, live_server.url, "supervisor", world.password, "/")
    page.get_by_role("button", name="展开导航").click()
    page.get_by_role("link", name="督导检查").click()
    page.get_by_role("link", name="现场检查").click()
    page.get_by_label("被检查企业").select_option(label="招贤镇化工有限公司（招贤镇）")
    page.get_by_label("检查表").select_option(label=template.name)
    page.get_by_role("button", name="开始检查").click()
    expect(page.get_by_role("heading", name="招贤镇化工有限公司")).to_be_visible()

    page.get_by_label("检查方式").select_option(label="四不两直")
    page.get_by_label("督导组").select_option(label="第一挂点联系督导组")
    for item in template.items.all():
        choice = "1" if item == failed_item else "0"  # 合格 / 不合格 / 不适用
        page.locator(f'label[for="id_result_{item.pk}_{choice}"]').click()
    page.get_by_label("第2项情况说明").fill("安全管理人员未经考核合格即上岗")
    camera = page.get_by_label("第2项照片")
    assert camera.get_attribute("capture") == "environment"
    assert camera.get_attribute("accept") == "image/*"
    camera.set_input_files(photo)
    expect(page.locator("[data-photo-preview] img")).to_have_count(1)
    page.screenshot(path=shots / "phone-checklist.png", full_page=True)

    # The draft is in the phone: a reload (or a closed tab) gives everything back.
    page.wait_for_function(
        "() => Object.keys(localStorage).some(k => k.startsWith('inspection-draft:')"
        " && JSON.parse(localStorage.getItem(k)).photos"
        f"['photos_{failed_item.pk}'])"
    )
    page.reload()
    expect(page.get_by_text("已恢复本机保存的草稿")).to_be_visible()
    expect(page.get_by_label("第2项情况说明")).to_have_value("安全管理人员未经考核合格即上岗")
    expect(page.locator(f"#id_result_{failed_item.pk}_1")).to_be_checked()
    expect(page.get_by_label("检查方式")).to_have_value("unannounced")
    expect(page.locator("[data-photo-preview] img")).to_have_count(1)

    # No connection: nothing is sent, the draft stays.
    page.context.set_offline(True)
    page.get_by_role("button", name="提交检查").click()
    expect(page.get_by_text("当前没有网络")).to_be_visible()
    assert not Inspection.objects.exists()
    page.context.set_offline(False)
    page.get_by_role("button", name="提交检查").click()

    expect(page.get_by_text("检查已提交，1个不合格项已登记为隐患。")).to_be_visible()
    inspection = Inspection.objects.get()
    hazard = Hazard.objects.get()
    assert inspection.method == Inspection.Method.UNANNOUNCED
    assert hazard.inspection_findings.get().inspection == inspection
    expect(page.get_by_role("link", name=hazard.ledger_number).first).to_be_visible()
    photo_shown(page, "检查照片：现场照片.png")
    # Submitted: the draft is forgotten.
    assert (
        page.evaluate(
            "() => Object.keys(localStorage).filter(k => k.startsWith('inspection-draft:')).length"
        )
        == 0
    )
    page.screenshot(path=shots / "phone-inspection-submitted.png", full_page=True)

    # 招贤镇's staff: the hazard is in their ledger, from the supervision channel.
    log_in(page, live_server.url, "township_staff", world.password, "/hazards/")
    expect(page).to_have_url(re.compile(r"/hazards/"))
    expect(page.get_by_text(hazard.ledger_number)).to_be_visible()
    page.get_by_text(hazard.ledger_number).click()
    expect(page.get_by_text("督导检查发现").first).to_be_visible()
    page.screenshot(path=shots / "phone-township-ledger.png", full_page=True)
