"""History: every edit records who, when, the request, and the before/after."""

from orgs.models import Enterprise


def test_api_edit_records_user_request_and_diff(world, api_for):
    enterprise = world.ent_zhaoxian
    response = api_for(world.township_staff).patch(
        f"/api/v1/enterprises/{enterprise.pk}/",
        {"principal_name": "赵六", "principal_phone": "13911112222", "version": enterprise.version},
        format="json",
        HTTP_X_REQUEST_ID="req-1234-abcd",
    )
    assert response.status_code == 200, response.content
    latest, previous = Enterprise.history.filter(id=enterprise.pk).order_by("-history_id")[:2]
    assert latest.history_user == world.township_staff
    assert latest.history_type == "~"
    assert latest.request_id == "req-1234-abcd"
    changes = {c.field: (c.old, c.new) for c in latest.diff_against(previous).changes}
    assert changes["principal_name"] == ("张三", "赵六")
    assert changes["principal_phone"] == ("13800000000", "13911112222")


def test_stale_version_is_refused_and_nothing_is_written(world, api_for):
    enterprise = world.ent_zhaoxian
    client = api_for(world.township_staff)
    url = f"/api/v1/enterprises/{enterprise.pk}/"
    assert client.patch(url, {"address": "一", "version": 1}, format="json").status_code == 200
    response = client.patch(url, {"address": "二", "version": 1}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "stale_version"
    enterprise.refresh_from_db()
    assert enterprise.address == "一"
    assert Enterprise.history.filter(id=enterprise.pk).count() == 2
