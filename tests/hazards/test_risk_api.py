"""/api/v1/risks/ and /api/v1/risk-map/: create, version conflicts, retire, bad input, queries."""

import pytest

from hazards.models import Risk
from hazards.risk_constants import RiskLevel
from tests.hazards.tenancy_risks import risk_data, risk_world

URL = "/api/v1/risks/"


def payload(world, enterprise=None, **extra):
    data = risk_data(enterprise or world.ent_zhaoxian, **extra)
    data["enterprise"] = data["enterprise"].pk
    data["identified_date"] = data["identified_date"].isoformat()
    data["review_date"] = data["review_date"].isoformat()
    return data


def test_create_computes_the_level(world, api_for):
    response = api_for(world.township_staff).post(URL, payload(world), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["level"], body["level_display"], body["score"]) == ("major", "重大风险", "540.00")
    assert body["lec_likelihood"] == 6.0 and body["version"] == 1
    assert body["org_unit"] == world.zhaoxian.pk


def test_bad_input_is_a_json_error_and_writes_nothing(world, api_for):
    response = api_for(world.township_staff).post(
        URL, payload(world, lec_likelihood="4", method="matrix"), format="json"
    )
    assert response.status_code == 400
    body = response.json()
    # A matrix risk needs its own inputs; the LEC value is also outside its table.
    assert "lec_likelihood" in body
    assert not Risk.objects.exists()
    response = api_for(world.township_staff).post(
        URL, payload(world, method="matrix"), format="json"
    )
    assert response.status_code == 400
    assert set(response.json()) >= {"matrix_likelihood", "matrix_severity"}
    assert not Risk.objects.exists()


def test_sibling_enterprise_cannot_be_chosen(world, api_for):
    response = api_for(world.township_staff).post(
        URL, payload(world, world.ent_luoting), format="json"
    )
    assert response.status_code == 400 and "enterprise" in response.json()


def test_update_needs_a_version_and_detects_conflicts(world, api_for):
    risk = risk_world(world).own_risk
    client = api_for(world.township_staff)
    url = f"{URL}{risk.pk}/"
    assert client.patch(url, {"matrix_likelihood": 1}, format="json").status_code == 428
    response = client.patch(
        url,
        {"method": "matrix", "matrix_likelihood": 4, "matrix_severity": 4, "version": 1},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["level"] == RiskLevel.HIGH and response["ETag"] == '"2"'
    stale = client.patch(url, {"name": "又改", "version": 1}, format="json")
    assert stale.status_code == 409 and stale.json()["code"] == "stale_version"
    stale = client.patch(url, {"name": "又改"}, format="json", HTTP_IF_MATCH='"1"')
    assert stale.status_code == 412
    moved = client.patch(url, {"enterprise": world.ent_zhaoxian_2.pk, "version": 2}, format="json")
    assert moved.status_code == 400 and "enterprise" in moved.json()


def test_retire(world, api_for):
    risk = risk_world(world).own_risk
    client = api_for(world.township_staff)
    url = f"{URL}{risk.pk}/retire/"
    assert client.post(url, {"reason": "", "version": 1}, format="json").status_code == 400
    response = client.post(url, {"reason": "装置拆除", "version": 1}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "retired"
    # Retired risks leave the list unless asked for.
    assert client.get(URL).json()["count"] == 0
    assert client.get(URL, {"status": "retired"}).json()["count"] == 1
    # A leader reads risks but does not retire them: the service's own message.
    sibling = risk_world(world).sibling_risk
    refused = api_for(world.county_official).post(
        f"{URL}{sibling.pk}/retire/", {"reason": "x", "version": 1}, format="json"
    )
    assert refused.status_code == 403 and refused.json()["detail"] == "您无权撤销该风险。"


def test_list_filters_and_constant_queries(world, api_for, django_assert_max_num_queries):
    risk_world(world)
    client = api_for(world.province_admin)
    for index in range(5):
        client.post(
            URL,
            payload(
                world,
                world.ent_wannian,
                name=f"风险{index}",
                method="matrix",
                matrix_likelihood=index + 1,
                matrix_severity=3,
            ),
            format="json",
        )
    with django_assert_max_num_queries(8):
        body = client.get(URL, {"page_size": 50}).json()
    assert body["count"] == 7
    levels = client.get(URL, {"level": ["major"]}).json()
    assert {row["level"] for row in levels["results"]} == {"major"}
    within = client.get(URL, {"within": world.wannian.pk}).json()
    assert within["count"] == 5


@pytest.mark.parametrize("user", ["township_staff", "enterprise_user", "county_official"])
def test_roles_read_their_risks_only(world, api_for, user):
    r = risk_world(world)
    ids = {row["id"] for row in api_for(getattr(world, user)).get(URL).json()["results"]}
    assert r.own_risk.pk in ids
    expected_sibling = user == "county_official"
    assert (r.sibling_risk.pk in ids) is expected_sibling
