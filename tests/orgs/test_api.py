"""The orgs REST API: shapes, filters, bad input, query budgets, schema and docs."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orgs.models import Enterprise
from tests.factories import EnterpriseFactory, make_credit_code


def test_pagination_shape(world, api_for):
    body = api_for(world.province_admin).get("/api/v1/enterprises/", {"page_size": 2}).json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 4 and len(body["results"]) == 2 and body["next"]


def test_org_unit_filters(world, api_for):
    client = api_for(world.province_admin)

    def names(**params):
        return {r["name"] for r in client.get("/api/v1/org-units/", params).json()["results"]}

    assert names(parent=world.wanli.pk) == {"招贤镇", "罗亭镇", "太平镇"}
    assert names(within=world.shangrao.pk) == {"上饶市", "万年县", "陈营镇"}
    assert names(level="city") == {"南昌市", "上饶市"}
    assert names(kind="department") == {"江西省机关事务管理局"}
    assert names(q="3601051") == {"招贤镇", "罗亭镇", "太平镇"}
    row = client.get(f"/api/v1/org-units/{world.zhaoxian.pk}/").json()
    assert row["parent"] == world.wanli.pk
    assert row["division_code"] == "360105101"
    assert (row["province"], row["city"], row["county"], row["township"]) == (
        world.jiangxi.pk,
        world.nanchang.pk,
        world.wanli.pk,
        world.zhaoxian.pk,
    )


def test_me_describes_memberships_and_scope(world, api_for):
    body = api_for(world.dept_staff).get("/api/v1/me/").json()
    assert body["username"] == "dept_staff"
    assert body["memberships"][0]["org_unit_name"] == "谢家集区民政局"
    assert body["scope"][0]["subtree"] == "谢家集区民政局"
    assert body["scope"][0]["sectoral_region"] == "谢家集区"
    assert body["scope"][0]["industries"] == [world.elderly_care.pk]


def enterprise_payload(world, **overrides):
    return {
        "name": "招贤镇新材料有限公司",
        "credit_code": make_credit_code("360105"),
        "kind": "enterprise",
        "industry": world.chemicals.pk,
        "org_unit": world.zhaoxian.pk,
        "principal_name": "周七",
        "principal_phone": "13712345678",
        **overrides,
    }


def test_create_enterprise(world, api_for):
    response = api_for(world.township_staff).post(
        "/api/v1/enterprises/", enterprise_payload(world), format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["org_unit_name"] == "招贤镇" and body["high_risk"] is True and body["version"] == 1
    created = Enterprise.objects.get(pk=body["id"])
    assert created.org_path == world.zhaoxian.path and created.county_id == world.wanli.pk
    assert created.history.get().history_user == world.township_staff


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("credit_code", "91360105MA35XXXX0X", "统一社会信用代码"),
        ("credit_code", "9136010512345", "应为18位"),
        ("principal_phone", "12345", "电话号码格式不正确"),
        ("name", "", "不能为空"),
    ],
)
def test_bad_enterprise_input_is_a_clear_json_error(world, api_for, field, value, message):
    before = Enterprise.objects.count()
    response = api_for(world.township_staff).post(
        "/api/v1/enterprises/", enterprise_payload(world, **{field: value}), format="json"
    )
    assert response.status_code == 400
    assert message in " ".join(response.json()[field])
    assert Enterprise.objects.count() == before


def test_duplicate_credit_code_is_refused(world, api_for):
    payload = enterprise_payload(world, credit_code=world.ent_zhaoxian.credit_code)
    response = api_for(world.township_staff).post("/api/v1/enterprises/", payload, format="json")
    assert response.status_code == 400
    assert "credit_code" in response.json()


def test_staff_cannot_create_an_enterprise_outside_scope_by_industry(world, api_for):
    # The department may place elderly-care homes in 谢家集区, not chemical plants.
    payload = enterprise_payload(
        world, org_unit=world.pingshan.pk, credit_code=make_credit_code("340404")
    )
    response = api_for(world.dept_staff).post("/api/v1/enterprises/", payload, format="json")
    assert response.status_code == 400
    payload["industry"] = world.elderly_care.pk
    payload["kind"] = "elderly_care"
    response = api_for(world.dept_staff).post("/api/v1/enterprises/", payload, format="json")
    assert response.status_code == 201, response.content


def test_delete_deactivates_and_keeps_the_row(world, api_for):
    url = f"/api/v1/enterprises/{world.ent_zhaoxian_2.pk}/"
    assert api_for(world.township_staff).delete(url).status_code == 404  # staff may not
    assert api_for(world.province_admin).delete(url).status_code == 204
    world.ent_zhaoxian_2.refresh_from_db()
    assert world.ent_zhaoxian_2.is_active is False


@pytest.mark.parametrize("route", ["/api/v1/enterprises/", "/api/v1/org-units/"])
def test_list_endpoints_run_a_constant_number_of_queries(world, api_for, route):
    client = api_for(world.county_official)
    client.get(route)  # warm caches such as content types

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(route, {"page_size": 500}).status_code == 200
        return len(queries)

    few = count()
    for _ in range(30):
        EnterpriseFactory(org_unit=world.taiping, industry=world.construction)
    for index in range(10):
        from tests.factories import region

        region(f"测试村{index}", "township", f"36010520{index}", parent=world.wanli)
    assert count() == few


def test_schema_and_docs_are_served_locally(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/enterprises/" in schema.content
    docs = client.get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/" in docs
    assert "cdn" not in docs.lower() and "https://" not in docs
