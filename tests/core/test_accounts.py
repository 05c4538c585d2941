"""Accounts and security: lockout (UI and API), password policy, token auth, idle timeout, audit."""

import time

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from core.models import AuditEvent

WRONG = "wrong-password-1A"


def ui_login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def api_token(client, username, password):
    return client.post(
        "/api/v1/auth/token/", {"username": username, "password": password}, format="json"
    )


def test_ui_login_succeeds_and_is_audited(world):
    client = Client()
    response = ui_login(client, "township_staff", world.password)
    assert response.status_code == 302
    assert client.get(reverse("dashboard")).status_code == 200
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.LOGIN)
    assert event.username == "township_staff"
    assert event.org_path == world.zhaoxian.path
    assert event.ip_address == "127.0.0.1"


def test_ui_lockout_after_five_failures_even_with_the_right_password(world):
    client = Client()
    for _attempt in range(4):
        response = ui_login(client, "township_staff", WRONG)
        assert response.status_code == 200
        assert "请输入正确的" in response.content.decode()
    # The fifth failure locks the account.
    assert ui_login(client, "township_staff", WRONG).status_code == 429
    response = ui_login(client, "township_staff", world.password)
    assert response.status_code == 429
    assert "账号已锁定30分钟" in response.content.decode()
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.LOGIN_FAILED).count() >= 5
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.LOCKED_OUT).exists()
    # Another account is not affected.
    assert ui_login(Client(), "township_staff_b", world.password).status_code == 302


def test_four_failures_then_success_resets_the_counter(world):
    client = Client()
    for _attempt in range(4):
        ui_login(client, "township_staff", WRONG)
    assert ui_login(client, "township_staff", world.password).status_code == 302
    for _attempt in range(4):
        ui_login(Client(), "township_staff", WRONG)
    assert ui_login(Client(), "township_staff", world.password).status_code == 302


def test_lockout_expires_after_the_cool_off(world, settings):
    from datetime import timedelta

    from axes.models import AccessAttempt

    for _attempt in range(5):
        ui_login(Client(), "township_staff", WRONG)
    assert ui_login(Client(), "township_staff", world.password).status_code == 429
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.first().attempt_time - timedelta(minutes=31)
    )
    assert ui_login(Client(), "township_staff", world.password).status_code == 302


def test_api_token_and_lockout(world):
    client = APIClient()
    response = api_token(client, "township_staff", world.password)
    assert response.status_code == 200
    token = response.json()["token"]
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.TOKEN_ISSUED).exists()

    authed = APIClient()
    authed.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert authed.get("/api/v1/me/").json()["username"] == "township_staff"
    assert APIClient().get("/api/v1/me/").status_code in (401, 403)

    for _attempt in range(4):
        response = api_token(client, "township_staff", WRONG)
        assert response.status_code == 400
        assert response.json()["code"] == "invalid_credentials"
    assert api_token(client, "township_staff", WRONG).status_code == 429
    response = api_token(client, "township_staff", world.password)
    assert response.status_code == 429
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "locked_out"
    assert "锁定" in response.json()["detail"]


def test_api_token_bad_input_is_a_json_error(world):
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": "township_staff"}, format="json"
    )
    assert response.status_code == 400
    assert "password" in response.json()


@pytest.mark.parametrize(
    "password",
    ["Ab1!", "abcdefgh", "abcdefg1", "ABCDEFG1", "abcdEFGH"],
)
def test_password_policy_rejects_weak_passwords(password):
    with pytest.raises(ValidationError) as error:
        validate_password(password)
    assert any(("至少" in m) or ("太短" in m) or ("常见" in m) for m in error.value.messages)


@pytest.mark.parametrize("password", ["Anquan@2024x", "Zhaoxian2024", "zx-2024-safe!"])
def test_password_policy_accepts_three_classes(password):
    validate_password(password)


def test_password_change_applies_the_policy(world, client_for):
    client = client_for(world.township_staff)
    response = client.post(
        reverse("password_change"),
        {"old_password": world.password, "new_password1": "abcdefgh", "new_password2": "abcdefgh"},
    )
    assert response.status_code == 200
    assert "至少3类" in response.content.decode()
    world.township_staff.refresh_from_db()
    assert world.township_staff.check_password(world.password)

    response = client.post(
        reverse("password_change"),
        {
            "old_password": world.password,
            "new_password1": "Zhaoxian@2025",
            "new_password2": "Zhaoxian@2025",
        },
    )
    assert response.status_code == 302
    world.township_staff.refresh_from_db()
    assert world.township_staff.check_password("Zhaoxian@2025")


def test_idle_session_times_out(world, settings):
    client = Client()
    ui_login(client, "township_staff", world.password)
    assert client.get(reverse("dashboard")).status_code == 200
    session = client.session
    session["last_activity"] = int(time.time()) - settings.SESSION_IDLE_TIMEOUT - 5
    session.save()
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]
    response = client.get(response["Location"])
    assert "长时间未操作" in response.content.decode()


def test_active_session_is_kept_alive(world, settings):
    client = Client()
    ui_login(client, "township_staff", world.password)
    session = client.session
    session["last_activity"] = int(time.time()) - settings.SESSION_IDLE_TIMEOUT + 60
    session.save()
    assert client.get(reverse("dashboard")).status_code == 200


def test_logout_is_audited(world):
    client = Client()
    ui_login(client, "township_staff", world.password)
    client.post(reverse("logout"))
    assert AuditEvent.objects.filter(
        kind=AuditEvent.Kind.LOGOUT, username="township_staff"
    ).exists()


def test_request_id_is_echoed(world, api_for):
    response = api_for(world.township_staff).get("/api/v1/me/", HTTP_X_REQUEST_ID="abcdef12-3456")
    assert response["X-Request-ID"] == "abcdef12-3456"
    response = api_for(world.township_staff).get("/api/v1/me/", HTTP_X_REQUEST_ID="<script>")
    assert response["X-Request-ID"] != "<script>" and len(response["X-Request-ID"]) == 32
