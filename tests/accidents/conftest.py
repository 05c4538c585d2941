"""Helpers of the accident tests; `world`, `client_for`, `api_for` are in tests/conftest.py."""

import pytest

from tests.accidents.factories import accidents_world


@pytest.fixture
def acc(world):
    return accidents_world(world)
