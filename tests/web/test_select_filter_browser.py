"""The type-to-filter box above long unit lists (static/js/select_filter.js), in a real browser
on a phone: a province's administrator narrows 属地 by typing and registers an enterprise
there; a multi-select keeps what was chosen while the filter hides it from nothing."""

import re

import pytest
from playwright.sync_api import expect

from orgs.models import Enterprise
from tests.factories import make_credit_code

PHONE = {"width": 390, "height": 844}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_admin_filters_the_unit_list_and_registers_an_enterprise(live_server, world, page):
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/orgs/enterprises/new/")
    expect(page).to_have_url(re.compile(r"/login/\?next="))
    page.get_by_label("用户名").fill("province_admin")
    page.get_by_label("密码").fill(world.password)
    page.get_by_role("button", name="登录").click()

    place = page.locator("#id_org_unit")
    every_region = place.locator("option").count()
    assert every_region > 5
    page.get_by_label("属地 筛选").fill("招贤")
    expect(page.get_by_text("匹配 1 项")).to_be_visible()
    # The empty choice and the one match are left.
    expect(place.locator("option")).to_have_count(2)
    place.select_option(label="南昌市 / 湾里管理局 / 招贤镇")
    # Clearing the filter brings every unit back with the choice kept.
    page.get_by_label("属地 筛选").fill("")
    expect(place.locator("option")).to_have_count(every_region)
    expect(place).to_have_value(str(world.zhaoxian.pk))

    page.get_by_label("单位名称").fill("招贤镇新材料有限公司")
    page.get_by_label("统一社会信用代码").fill(make_credit_code())
    page.get_by_label("行业领域").select_option(str(world.chemicals.pk))
    page.get_by_label("主要负责人", exact=True).fill("王强")
    page.get_by_label("主要负责人电话").fill("13907910002")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("heading", name="招贤镇新材料有限公司")).to_be_visible()
    assert Enterprise.objects.get(name="招贤镇新材料有限公司").org_unit == world.zhaoxian


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_filtered_multi_select_keeps_its_choices(live_server, world, page):
    page.goto(f"{live_server.url}/reports/bulletins/new/")
    page.get_by_label("用户名").fill("province_admin")
    page.get_by_label("密码").fill(world.password)
    page.get_by_role("button", name="登录").click()

    units = page.locator("#id_distribute_to")
    units.select_option([str(world.nanchang.pk)])
    page.get_by_label("分送单位 筛选").fill("上饶")
    # 南昌市 stays because it is chosen; 上饶市 matches.
    expect(units.locator("option")).to_have_count(2)
    units.locator("option", has_text="上饶市").evaluate("option => option.selected = true")
    page.get_by_label("分送单位 筛选").fill("")
    selected = units.evaluate("s => Array.from(s.selectedOptions, o => o.value).sort()")
    assert selected == sorted([str(world.nanchang.pk), str(world.shangrao.pk)])
