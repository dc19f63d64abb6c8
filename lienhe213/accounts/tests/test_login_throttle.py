"""The login form limits attempts per client address and username (10 a minute by
default), like the token endpoint: over the limit the form answers 429 without looking
at the password, nobody is logged in, and the attempt is audited as a failed login."""

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.cache import cache

from lienhe213.accounts.throttles import LoginAttemptThrottle
from lienhe213.core.models import AuditEvent

LOGIN_URL = "/login/"


@pytest.fixture(autouse=True)
def fresh_counts() -> None:
    cache.clear()


class Clock:
    now = 2_000_000.0


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> type[Clock]:
    monkeypatch.setattr(LoginAttemptThrottle, "timer", staticmethod(lambda: Clock.now))
    monkeypatch.setattr(Clock, "now", 2_000_000.0)
    return Clock


def attempt(client, username: str, password: str, ip: str = "10.0.0.1"):
    return client.post(
        LOGIN_URL,
        {"username": username, "password": password},
        REMOTE_ADDR=ip,
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_the_eleventh_attempt_in_a_minute_is_refused_even_with_the_right_password(client, world):
    statuses = [attempt(client, "xa", "wrong").status_code for _ in range(10)]

    response = attempt(client, "xa", "demo")

    assert statuses == [200] * 10  # the form again, with "incorrect"
    assert response.status_code == 429
    assert "Too many attempts to log in. Try again in 60 seconds." in response.content.decode()
    assert SESSION_KEY not in client.session
    assert response.context["form"]["username"].value() == "xa"
    assert AuditEvent.objects.filter(action="login_failed").count() == 11
    assert not AuditEvent.objects.filter(action="login").exists()


def test_other_usernames_and_addresses_are_not_held_back(client, world):
    for _ in range(10):
        attempt(client, "xa", "wrong")

    assert attempt(client, "tinh", "demo").status_code == 302
    client.logout()
    assert attempt(client, "xa", "demo", ip="10.0.0.2").status_code == 302


def test_the_case_of_the_username_does_not_give_more_attempts(client, world):
    for _ in range(10):
        attempt(client, "xa", "wrong")

    assert attempt(client, "XA", "demo").status_code == 429


def test_a_minute_later_the_user_may_log_in(client, world, clock):
    for _ in range(10):
        attempt(client, "xa", "wrong")
    clock.now += 61

    response = attempt(client, "xa", "demo")

    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(world.commune_clerk.pk)


def test_the_refusal_is_in_vietnamese_on_a_vietnamese_page(client, world):
    for _ in range(10):
        attempt(client, "xa", "wrong")

    del client.cookies[settings.LANGUAGE_COOKIE_NAME]  # the cast's client reads English
    response = client.post(
        LOGIN_URL,
        {"username": "xa", "password": "demo"},
        HTTP_ACCEPT_LANGUAGE="vi",
        REMOTE_ADDR="10.0.0.1",
    )

    assert response.status_code == 429
    assert response.context["refusal"] == (
        "Đã thử đăng nhập quá nhiều lần. Đề nghị thử lại sau 60 giây."
    )
