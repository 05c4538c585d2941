"""Tenancy isolation over every API route, discovered from the URLconf.

township_staff (招贤镇) must never read, change or delete, list, filter by or pick as a choice
anything of township_staff_b's sibling township (罗亭镇).
"""

import pytest

from core.api.views import ScopedViewSetMixin
from core.testing import api_routes
from tests.tenancy import APP_UNSCOPED_API_ROUTES, sibling_label, sibling_object

# API routes that serve no scoped objects, and why.
UNSCOPED_API_ROUTES = {
    "api/v1/auth/token/": "exchanges credentials for the caller's own token",
    "api/v1/me/": "the caller's own account",
    "api/v1/industries/": "reference data, identical for every user",
    "api/v1/industries/<pk>/": "reference data, identical for every user",
    "api/v1/campaigns/": "reference data (the campaign and its phases), identical for every user",
    "api/v1/campaigns/<pk>/": "reference data, identical for every user",
    "api/v1/plans/parse/": "parses the posted text; reads and saves nothing",
    "api/v1/notifications/": "the caller's own notifications (filtered on recipient)",
    "api/v1/notifications/<pk>/read/": "marks one of the caller's own notifications",
    "api/v1/notifications/read-all/": "marks the caller's own notifications",
    "api/v1/hazard-criteria/": "reference data (判定标准), identical for every user",
    "api/v1/hazard-criteria/<pk>/": "reference data, identical for every user",
    # Not lists of objects: figures and workbooks computed from the restricted ledger, their
    # isolation tested in tests/hazards/test_api.py.
    "api/v1/hazards/stats/": "figures of the restricted ledger (tests/hazards/test_api.py)",
    "api/v1/hazards/export/": "workbook of the restricted ledger (tests/hazards/test_api.py)",
    "api/v1/hazards/import-template/": "an empty template workbook",
    "api/v1/training/stats/": "figures of the restricted rows (tests/training/test_api.py)",
    "api/v1/people/coverage/": "restricted people not yet trained (tests/training/test_api.py)",
    "api/v1/people/coverage-export/": "workbook of the same (tests/training/test_api.py)",
    "api/v1/drills/compliance/": "drill status of restricted units (tests/training/test_api.py)",
}
UNSCOPED_API_ROUTES.update(APP_UNSCOPED_API_ROUTES)

ROUTES = api_routes()
SCOPED_ROUTES = [r for r in ROUTES if r.pattern not in UNSCOPED_API_ROUTES]
# Routes that read (lists, details); the others only act on an object (issue, accept, …) or
# take a posted document (plans/import/, tested in tests/campaigns/test_api.py).
READ_ROUTES = [r for r in SCOPED_ROUTES if "get" in r.actions]
ACTION_ROUTES = [r for r in SCOPED_ROUTES if r.has_pk and "get" not in r.actions]


def test_every_api_route_is_scoped_or_explained():
    assert ROUTES, "no API routes discovered"
    for route in SCOPED_ROUTES:
        assert route.view_class is not None and issubclass(route.view_class, ScopedViewSetMixin), (
            f"{route.pattern} does not use the scoping base class (core.api.views) and is not "
            "listed in UNSCOPED_API_ROUTES"
        )


def _model(route):
    return route.view_class.queryset.model


@pytest.mark.parametrize("route", [r for r in READ_ROUTES if not r.has_pk], ids=lambda r: r.name)
def test_list_hides_sibling_objects(route, world, api_for):
    model = _model(route)
    hidden = sibling_object(model, world)
    response = api_for(world.township_staff).get(route.url(), {"page_size": 500})
    assert response.status_code == 200
    ids = {row["id"] for row in response.json()["results"]}
    assert ids, "township_staff should see their own objects: the test would pass vacuously"
    assert hidden.pk not in ids
    assert sibling_label(model, world) not in response.content.decode()
    # The owner of the sibling township does see it: the object is really there.
    own = api_for(world.township_staff_b).get(route.url(), {"page_size": 500}).json()
    assert hidden.pk in {row["id"] for row in own["results"]}


@pytest.mark.parametrize("route", [r for r in READ_ROUTES if r.has_pk], ids=lambda r: r.name)
def test_detail_of_sibling_object_is_404(route, world, api_for):
    hidden = sibling_object(_model(route), world)
    client = api_for(world.township_staff)
    url = route.url(hidden.pk)
    methods = {m.lower() for m in route.actions}
    assert "get" in methods
    assert client.get(url).status_code == 404
    for method in ("put", "patch", "delete"):
        response = getattr(client, method)(url, {"name": "改名"}, format="json")
        expected = 404 if method in methods else 405
        assert response.status_code == expected, (method, response.content)
    # Nothing was changed through the sibling's route.
    hidden.refresh_from_db()
    assert getattr(hidden, "name", "") != "改名"
    assert getattr(hidden, "is_active", True) is True
    # Its owner reads it.
    assert api_for(world.township_staff_b).get(url).status_code == 200


@pytest.mark.parametrize("route", ACTION_ROUTES, ids=lambda r: r.name)
def test_actions_on_sibling_object_are_404(route, world, api_for):
    """Issuing, deriving, assigning, accepting… the sibling's object: 404, as if missing."""
    hidden = sibling_object(_model(route), world)
    client = api_for(world.township_staff)
    for method in route.actions:
        response = getattr(client, method)(route.url(hidden.pk), {}, format="json")
        missing = getattr(client, method)(route.url(999_999_999), {}, format="json")
        assert response.status_code == missing.status_code == 404, (method, response.content)


@pytest.mark.parametrize("route", [r for r in READ_ROUTES if not r.has_pk], ids=lambda r: r.name)
def test_foreign_key_filters_do_not_reveal_sibling_objects(route, world, api_for):
    filterset = getattr(route.view_class, "filterset_class", None)
    if filterset is None:
        pytest.skip("no filters on this route")
    client = api_for(world.township_staff)
    for name in ("org_unit", "within", "parent"):
        if name not in filterset.base_filters:
            continue
        response = client.get(route.url(), {name: world.luoting.pk})
        # An out-of-scope id is refused exactly like an id that does not exist.
        missing = client.get(route.url(), {name: 999_999_999})
        assert response.status_code == missing.status_code == 400, name
        assert response.json().keys() == missing.json().keys()


def test_related_field_choices_are_scoped(world, api_for):
    client = api_for(world.township_staff)
    payload = {
        "name": "越界企业有限公司",
        "credit_code": "91360105MA35A0QX1B",
        "industry": world.chemicals.pk,
        "org_unit": world.luoting.pk,
        "principal_name": "王五",
        "principal_phone": "13812345678",
    }
    response = client.post("/api/v1/enterprises/", payload, format="json")
    assert response.status_code == 400
    assert "org_unit" in response.json()
    # The same id error as for an org unit that does not exist.
    payload["org_unit"] = 999_999_999
    other = client.post("/api/v1/enterprises/", payload, format="json")
    assert other.json()["org_unit"][0].replace("999999999", "X") == response.json()["org_unit"][
        0
    ].replace(str(world.luoting.pk), "X")
