"""Helpers of the web UI tests; `world` and `client_for` come from tests/conftest.py."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import EnterpriseFactory

# The most queries any list page may cost (session, user, scope, navigation and the page's own).
QUERY_BUDGET = 20


def html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return len(captured)


def assert_constant_queries(client, url, grow):
    """The page costs the same number of queries before and after `grow()` adds rows."""
    client.get(url)  # first request of a session writes it; not what is measured
    before = queries_for(client, url)
    grow()
    after = queries_for(client, url)
    assert before == after, f"{url}: {before} queries, then {after} after adding rows"
    assert after <= QUERY_BUDGET, f"{url}: {after} queries"


@pytest.fixture
def add_enterprises(world):
    def make(count, org_unit=None, industry=None):
        org_unit = org_unit or world.zhaoxian
        return [
            EnterpriseFactory(
                name=f"{org_unit.name}测试单位{index}有限公司",
                org_unit=org_unit,
                industry=industry or world.construction,
            )
            for index in range(count)
        ]

    return make


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # Officials' browsers ask for Chinese; Django's own strings follow Accept-Language.
    return {**browser_context_args, "locale": "zh-CN"}


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    # A browser test drives live_server, so its database is transactional and emptied after
    # it, data migrations (industries) included: it must run after the tests that need them.
    # pytest-django sorts it last, but pytest then regroups tests by the session-scoped browser
    # parameter of pytest-playwright; move browser tests back to the end (a stable sort).
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)
