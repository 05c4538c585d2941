"""The API's filter backend (core.api.filters.RequestedFiltersBackend): only the filters a
request names, and one form class per filter set whose fields do not follow the request."""

import pytest

from core.api.filters import _narrowed
from hazards.filters import HazardFilter

pytestmark = pytest.mark.django_db

LEDGER = "/api/v1/hazards/"


def test_a_form_class_is_built_once_when_no_field_follows_the_request():
    narrowed = _narrowed(HazardFilter, frozenset({"status", "industry"}))
    first = narrowed({"status": ["rectifying"]}).form
    second = narrowed({"status": ["reported"]}).form
    assert type(first) is type(second)
    assert first.fields["status"] is not second.fields["status"]
    first.fields["status"].choices = []
    assert second.fields["status"].choices


def test_a_filter_choosing_among_the_user_s_units_builds_its_form_per_request():
    narrowed = _narrowed(HazardFilter, frozenset({"status", "org_unit"}))
    assert type(narrowed({}).form) is not type(narrowed({}).form)


def test_one_user_s_choices_never_serve_another(world, api_for):
    params = {"org_unit": world.zhaoxian.pk, "status": "rectifying"}
    assert api_for(world.county_official).get(LEDGER, params).status_code == 200
    response = api_for(world.township_staff_b).get(LEDGER, params)
    assert response.status_code == 400
    assert "org_unit" in response.json()


def test_every_request_is_still_validated(world, api_for):
    client = api_for(world.township_staff)
    assert client.get(LEDGER, {"status": "rectifying", "grade": "major"}).status_code == 200
    response = client.get(LEDGER, {"status": "nonsense", "grade": "major"})
    assert response.status_code == 400
    assert "status" in response.json()
    response = client.get(LEDGER, {"status": "rectifying", "grade": "huge"})
    assert response.status_code == 400
    assert "grade" in response.json()


def test_filterset_fields_views_keep_nothing_between_requests(world, api_for):
    client = api_for(world.province_admin)
    before = _narrowed.cache_info().currsize
    for _ in range(2):
        response = client.get("/api/v1/bulletins/", {"status": "draft"})
        assert response.status_code == 200
    assert client.get("/api/v1/bulletins/", {"status": "nonsense"}).status_code == 400
    assert _narrowed.cache_info().currsize == before
