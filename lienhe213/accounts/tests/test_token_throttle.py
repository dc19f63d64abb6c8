"""The token endpoint limits attempts per client address and username (10 a minute by
default); the attempts over the limit get 429, no token, and a failed-login audit row."""

from typing import Any

import pytest
from django.core.cache import cache
from django.utils import translation
from django.utils.translation import ngettext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from lienhe213.accounts.api import TokenAttemptThrottle
from lienhe213.core.models import AuditEvent

TOKEN_URL = "/api/v1/auth/token/"


@pytest.fixture(autouse=True)
def fresh_counts() -> None:
    # The root conftest empties the cache around every test; this file relies on it.
    cache.clear()


class Clock:
    now = 1_000_000.0


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> type[Clock]:
    """The throttle's clock stands still unless a test moves it."""
    monkeypatch.setattr(TokenAttemptThrottle, "timer", staticmethod(lambda: Clock.now))
    monkeypatch.setattr(Clock, "now", 1_000_000.0)
    return Clock


@pytest.fixture
def api() -> APIClient:
    return APIClient(HTTP_ACCEPT_LANGUAGE="en")


def attempt(api: APIClient, username: str, password: str, ip: str = "10.0.0.1", **extra: Any):
    return api.post(
        TOKEN_URL,
        {"username": username, "password": password},
        format="json",
        REMOTE_ADDR=ip,
        **extra,
    )


def test_the_eleventh_attempt_in_a_minute_gets_429_and_no_token(world, api):
    for _ in range(10):
        assert attempt(api, "xa", "wrong").status_code == 400

    response = attempt(api, "xa", "demo")

    assert response.status_code == 429
    assert response.json() == {
        "detail": "Too many attempts to obtain a token. Try again in 60 seconds."
    }
    assert response["Retry-After"] == "60"
    assert not Token.objects.exists()
    assert not AuditEvent.objects.filter(action="login").exists()


def test_an_attempt_over_the_limit_is_recorded_as_a_failed_login(world, api):
    for _ in range(10):
        attempt(api, "xa", "wrong")

    attempt(api, "xa", "demo")

    failed = AuditEvent.objects.filter(action="login_failed").order_by("pk")
    assert failed.count() == 11
    last = failed.last()
    assert last is not None
    assert (last.actor_id, last.object_id, last.object_repr, last.ip) == (
        None,
        str(world.commune_clerk.pk),
        "xa",
        "10.0.0.1",
    )


def test_successful_attempts_count_too(world, api):
    for _ in range(10):
        assert attempt(api, "xa", "demo").status_code == 200

    assert attempt(api, "xa", "demo").status_code == 429
    assert AuditEvent.objects.filter(action="login").count() == 10
    assert AuditEvent.objects.filter(action="login_failed").count() == 1


def test_the_limit_is_per_username(world, api):
    for _ in range(10):
        attempt(api, "xa", "wrong")

    response = attempt(api, "tinh", "demo")

    assert response.status_code == 200
    assert response.json()["token"] == Token.objects.get(user=world.provincial_officer).key


def test_the_limit_is_per_address(world, api):
    for _ in range(10):
        attempt(api, "xa", "wrong", ip="10.0.0.1")

    response = attempt(api, "xa", "demo", ip="10.0.0.2")

    assert response.status_code == 200
    assert Token.objects.filter(user=world.commune_clerk).count() == 1


def test_the_case_of_the_username_does_not_give_more_attempts(world, api):
    for _ in range(10):
        attempt(api, "xa", "wrong")

    assert attempt(api, "XA", "wrong").status_code == 429


def test_a_forwarded_for_header_does_not_give_more_attempts(world, api):
    for i in range(10):
        attempt(api, "xa", "wrong", HTTP_X_FORWARDED_FOR=f"192.0.2.{i}")

    assert attempt(api, "xa", "demo", HTTP_X_FORWARDED_FOR="192.0.2.99").status_code == 429
    assert not Token.objects.exists()


def test_a_minute_later_the_attempts_are_allowed_again(world, api, clock):
    for _ in range(10):
        attempt(api, "xa", "wrong")
    clock.now += 30
    assert attempt(api, "xa", "demo").status_code == 429

    clock.now += 31

    assert attempt(api, "xa", "demo").status_code == 200


def test_the_429_message_is_in_the_requests_language(world, api):
    for _ in range(10):
        attempt(api, "xa", "wrong")

    response = attempt(api, "xa", "wrong", HTTP_ACCEPT_LANGUAGE="vi")

    assert response.status_code == 429
    with translation.override("vi"):
        expected = ngettext(
            "Too many attempts to obtain a token. Try again in %(seconds)d second.",
            "Too many attempts to obtain a token. Try again in %(seconds)d seconds.",
            60,
        ) % {"seconds": 60}
    assert response.json() == {"detail": expected}
