"""Tenancy isolation over every HTML page, discovered from the URLconf.

Every page either goes through `core.views.ScopedViewMixin` (and is then probed with the
sibling township's objects) or is listed below with the reason it shows no scoped object.
"""

import io

import openpyxl
import pytest

from core.testing import html_routes
from core.views import ScopedViewMixin
from tests.tenancy import APP_UNSCOPED_PAGES, SIBLING_OBJECTS, sibling_label, sibling_object

# Pages that show no object of another unit's, by URL name, and why.
UNSCOPED_PAGES = {
    "login": "the login form",
    "logout": "ends the caller's own session",
    "password_change": "the caller's own password",
    "profile": "the caller's own account and reminder channels",
    "password_change_done": "the caller's own password",
    "dashboard": "figures computed from restricted querysets only",
    "notifications": "the caller's own notifications",
    "notifications_read": "marks the caller's own notifications",
    "switch_membership": "chooses among the caller's own memberships",
    "audit_log": "filtered by orgs.scoping.audit_q",
    "audit_history": "filtered by orgs.scoping.audit_q",
    "orgs:enterprise_import_template": "an empty template workbook",
}
UNSCOPED_PAGES.update(APP_UNSCOPED_PAGES)

ROUTES = html_routes()
SCOPED = [r for r in ROUTES if r.name not in UNSCOPED_PAGES]


def test_every_page_is_scoped_or_explained():
    assert ROUTES, "no pages discovered"
    for route in SCOPED:
        assert route.view_class is not None and issubclass(route.view_class, ScopedViewMixin), (
            f"{route.pattern} ({route.name}) does not use core.views.ScopedViewMixin and is not "
            "listed in UNSCOPED_PAGES"
        )


def test_unscoped_pages_still_exist():
    names = {r.name for r in ROUTES}
    assert set(UNSCOPED_PAGES) <= names, set(UNSCOPED_PAGES) - names


def _sibling_labels(world):
    return [sibling_label(model, world) for model in SIBLING_OBJECTS]


@pytest.mark.parametrize("route", [r for r in SCOPED if r.has_pk], ids=lambda r: r.name)
def test_object_pages_of_the_sibling_township_are_404(route, world, client_for):
    hidden = sibling_object(route.view_class.model, world)
    client = client_for(world.township_staff)
    url = route.url(hidden.pk)
    assert client.get(url).status_code == 404
    assert client.post(url, {"name": "改名", "is_active": ""}).status_code == 404
    hidden.refresh_from_db()
    assert getattr(hidden, "name", "") != "改名"


@pytest.mark.parametrize(
    "route",
    [r for r in ROUTES if not r.has_pk and r.name not in {"logout"}],
    ids=lambda r: r.name,
)
def test_pages_never_show_the_sibling_township(route, world, client_for):
    response = client_for(world.township_staff).get(route.url())
    assert response.status_code in (200, 302, 403, 405), response.status_code
    if response.status_code == 200:
        page = _visible_text(response)
        for label in _sibling_labels(world):
            assert label not in page, f"{route.name} shows {label}"


def _visible_text(response) -> str:
    """The text a user gets: the page, or every cell of a downloaded workbook."""
    content_type = response.get("Content-Type", "")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if "spreadsheetml" in content_type:
        workbook = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
        return " ".join(
            str(cell)
            for sheet in workbook.worksheets
            for row in sheet.iter_rows(values_only=True)
            for cell in row
            if cell is not None
        )
    return body.decode()


@pytest.mark.parametrize("route", [r for r in SCOPED if r.has_pk], ids=lambda r: r.name)
def test_object_pages_open_for_their_owner(route, world, client_for):
    """The probe above is meaningful: the same URL works for the sibling's own staff or admin."""
    hidden = sibling_object(route.view_class.model, world)
    owner = world.township_staff_b
    response = client_for(owner).get(route.url(hidden.pk))
    if response.status_code in (404, 403, 405):
        # Pages for a role township staff do not hold (user management, …): the admin's.
        response = client_for(world.province_admin).get(route.url(hidden.pk))
    assert response.status_code in (200, 302, 405), (route.name, response.status_code)
