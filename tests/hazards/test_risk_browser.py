"""Risk grading in a real browser on a phone: 招贤镇's staff enter a risk point with LEC
factors and see it graded red; the county's leader opens the four-colour map (ECharts canvas
drawn from the regions' coordinates), drills down to 招贤镇 through the table and finds the
enterprise with its 一图一牌三清单 PDF."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from hazards.models import Risk
from orgs.models import OrgUnit
from tests.hazards.test_browser import PHONE, log_in


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_township_grades_a_risk_county_sees_it_on_the_map(live_server, world, page, output_path):
    shots = Path(output_path)
    # The county's townships on the map: coordinates as cpca carries them.
    for name, lng, lat in (
        ("招贤镇", 115.68, 28.76),
        ("罗亭镇", 115.72, 28.80),
        ("太平镇", 115.75, 28.72),
    ):
        OrgUnit.objects.filter(name=name).update(longitude=lng, latitude=lat)
    page.set_viewport_size(PHONE)

    log_in(page, live_server.url, "township_staff", world.password, "/hazards/risks/")
    expect(page.get_by_text("没有符合条件的风险点。")).to_be_visible()
    page.get_by_role("link", name="登记风险点").click()
    page.locator("#id_enterprise").select_option(label="招贤镇化工有限公司（招贤镇）")
    page.get_by_label("风险点名称").fill("液氯储罐区泄漏中毒")
    page.get_by_role("textbox", name="场所/部位").fill("液氯储罐区")
    page.get_by_label("危险有害因素").fill("液氯储罐及管道阀门泄漏")
    page.get_by_label("中毒和窒息").check()
    page.locator("#id_method").select_option("lec")
    page.locator("#id_lec_likelihood").select_option("6")
    page.locator("#id_lec_exposure").select_option("6")
    page.locator("#id_lec_consequence").select_option("15")
    page.get_by_role("textbox", name="管控措施").fill("有毒气体检测报警与紧急切断联锁")
    page.get_by_label("管控责任人").fill("李强")
    page.get_by_label("辨识评估日期").fill("2024-03-01")
    page.get_by_label("下次复评日期").fill("2025-03-01")
    page.screenshot(path=shots / "phone-risk-form.png", full_page=True)
    page.get_by_role("button", name="保存并评定等级").click()

    risk = Risk.objects.get()
    expect(page.get_by_text("已登记风险点，评定为重大风险。")).to_be_visible()
    expect(page.locator("h1")).to_contain_text("红·重大风险")
    expect(page.get_by_text("D=L×E×C=540")).to_be_visible()

    log_in(page, live_server.url, "county_official", world.password, "/hazards/risks/map/")
    expect(page.locator("#risk-map canvas")).to_be_visible()
    row = page.get_by_role("region", name="分地区").get_by_role("row", name="招贤镇")
    expect(row).to_contain_text("红·重大风险")
    page.screenshot(path=shots / "phone-risk-map.png", full_page=True)
    row.get_by_role("link", name="招贤镇").click()
    expect(page.get_by_role("heading", name="分单位")).to_be_visible()
    board = page.get_by_role("link", name="PDF")
    expect(board).to_have_attribute("href", f"/hazards/risks/board/{risk.enterprise_id}/")
    response = page.request.get(f"{live_server.url}/hazards/risks/board/{risk.enterprise_id}/")
    assert response.ok and response.headers["content-type"] == "application/pdf"
