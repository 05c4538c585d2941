"""Helpers of the training tests; `world` and `api_for` come from tests/conftest.py."""

import pytest


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    # Drill photos land in a temporary MEDIA_ROOT, never in the checkout.
    settings.MEDIA_ROOT = tmp_path / "media"
