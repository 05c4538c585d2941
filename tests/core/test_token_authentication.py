"""The API's token authentication (core.api.authentication): DRF's answers, one query, and
the token and user read afresh on every request."""

import gc
import importlib

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from core.api.authentication import TokenAuthentication
from core.models import User

pytestmark = pytest.mark.django_db


def token_client(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.fixture
def token(world):
    return Token.objects.create(user=world.township_staff)


def test_reads_the_token_and_its_user_as_the_orm_does(token):
    with CaptureQueriesContext(connection) as captured:
        user, authenticated = TokenAuthentication().authenticate_credentials(token.key)
    assert len(captured) == 1
    expected = Token.objects.select_related("user").get(key=token.key)
    assert (authenticated.key, authenticated.user_id, authenticated.created) == (
        expected.key,
        expected.user_id,
        expected.created,
    )
    assert authenticated.user is user
    for field in User._meta.concrete_fields:
        assert getattr(user, field.attname) == getattr(expected.user, field.attname), field.name
    assert not user._state.adding
    assert user._state.db == "default"


def test_a_request_is_made_by_the_token_s_user(token):
    response = token_client(token.key).get("/api/v1/me/")
    assert response.status_code == 200
    assert response.json()["username"] == token.user.username


@pytest.mark.parametrize("key", ["0" * 40, "not-a-token", "';DROP/**/TABLE/**/authtoken_token;--"])
def test_an_unknown_token_is_refused_in_chinese(token, key):
    response = token_client(key).get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["detail"] == "认证令牌无效。"


def test_a_deleted_token_is_refused_on_the_next_request(token):
    client = token_client(token.key)
    assert client.get("/api/v1/me/").status_code == 200
    token.delete()
    assert client.get("/api/v1/me/").status_code == 401


def test_a_deactivated_user_is_refused_on_the_next_request(token):
    client = token_client(token.key)
    assert client.get("/api/v1/me/").status_code == 200
    User.objects.filter(pk=token.user_id).update(is_active=False)
    response = client.get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["detail"] == "用户未激活或者已删除。"


def test_a_changed_scope_is_read_on_the_next_request(token):
    client = token_client(token.key)
    before = TokenAuthentication().authenticate_credentials(token.key)[0].scope_version
    assert client.get("/api/v1/me/").status_code == 200
    User.objects.filter(pk=token.user_id).update(scope_version=before + 1)
    assert TokenAuthentication().authenticate_credentials(token.key)[0].scope_version == before + 1


def test_the_schema_still_documents_token_authentication(client):
    schema = client.get("/api/schema/?format=json").json()
    assert schema["components"]["securitySchemes"]["tokenAuth"]["type"] == "apiKey"


def test_the_wsgi_application_freezes_what_start_up_built():
    import config.wsgi

    try:
        importlib.reload(config.wsgi)
        assert callable(config.wsgi.application)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
