"""The org tree pages: top nodes of the scope, search, breadcrumbs, children with counts."""

import pytest
from django.urls import reverse

from tests.web.conftest import html

LIST = reverse("orgs:orgunit_list")


def names(response):
    return [unit.name for unit in response.context["object_list"]]


@pytest.mark.parametrize(
    "user, top",
    [
        ("township_staff", ["招贤镇"]),
        ("county_official", ["湾里管理局"]),
        ("province_admin", ["江西省"]),
        # The bureau's subtree and, sectorally, the regions of its county (谢家集区).
        ("dept_staff", ["谢家集区"]),
    ],
)
def test_top_nodes_of_the_scope(user, top, world, client_for):
    assert names(client_for(getattr(world, user)).get(LIST)) == top


def test_search_stays_in_scope(world, client_for):
    client = client_for(world.township_staff)
    assert names(client.get(LIST, {"q": "镇"})) == ["招贤镇"]
    assert names(client.get(LIST, {"q": "360105"})) == ["招贤镇"]
    page = html(client.get(LIST, {"q": "罗亭"}))
    assert "罗亭镇" not in page and "没有符合条件的机构" in page


def test_detail_children_with_enterprise_counts(world, client_for):
    response = client_for(world.county_official).get(world.wanli.get_absolute_url())
    page = html(response)
    children = {unit.name: unit.enterprise_count for unit in response.context["children"]}
    assert children == {"招贤镇": 2, "罗亭镇": 1, "太平镇": 0}
    assert "在营 3 家" in page
    assert f"?within={world.wanli.pk}" in page
    assert "360105" in page and "县(市、区)" in page


def test_counts_leave_out_enterprises_out_of_scope_and_deactivated(world, client_for):
    world.ent_zhaoxian_2.is_active = False
    world.ent_zhaoxian_2.save()
    response = client_for(world.province_admin).get(world.nanchang.get_absolute_url())
    assert {u.name: u.enterprise_count for u in response.context["children"]} == {"湾里管理局": 2}


def test_breadcrumbs_show_ancestors_in_scope_only(world, client_for):
    page = html(client_for(world.county_official).get(world.zhaoxian.get_absolute_url()))
    assert "湾里管理局" in page
    assert "南昌市" not in page and "江西省" not in page
    page = html(client_for(world.province_admin).get(world.zhaoxian.get_absolute_url()))
    assert "江西省" in page and "南昌市" in page and "湾里管理局" in page


def test_department_shows_its_industries(world, client_for):
    page = html(client_for(world.province_admin).get(world.jiangxi_jgswj.get_absolute_url()))
    assert "主管行业" in page and "机关事务" in page and "属地范围" in page


def test_sibling_and_out_of_scope_nodes_are_404(world, client_for):
    client = client_for(world.township_staff)
    for unit in (world.luoting, world.wanli, world.anhui):
        assert client.get(unit.get_absolute_url()).status_code == 404


def test_search_results_say_where_each_node_lies(world, client_for):
    page = html(client_for(world.province_admin).get(LIST, {"q": "镇"}))
    assert "南昌市 / 湾里管理局" in page and "上饶市 / 万年县" in page
