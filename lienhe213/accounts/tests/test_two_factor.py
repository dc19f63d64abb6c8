"""Two-factor sign-in: committee roles set up an authenticator app at their first
sign-in and give a code at every later one, in pages and in the API; recovery codes
work once; wrong codes slow down; only who may unlock an account may reset it."""

import re
import time
from typing import Any

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from conftest import World
from lienhe213.accounts.models import User
from lienhe213.accounts.services import (
    confirm_two_factor,
    issue_token,
    start_two_factor,
    turn_off_two_factor,
)
from lienhe213.core.errors import DomainError
from lienhe213.core.models import AuditEvent

TOKEN_URL = "/api/v1/auth/token/"


@pytest.fixture
def required(settings: Any) -> None:
    settings.TWO_FACTOR_REQUIRED = True


def code_for(device: TOTPDevice) -> str:
    """The app's code now, or for the next period when this one was already used
    (a code is accepted once, one period either side)."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if totp.t() <= device.last_t:
        totp.time += device.step * (device.last_t + 1 - totp.t())
    return f"{totp.token():06d}"


def turn_on(user: User) -> list[str]:
    device = start_two_factor(by=user)
    return confirm_two_factor(by=user, code=code_for(device))


def log_in(client: Any, user: User) -> Any:
    return client.post(reverse("accounts:login"), {"username": user.username, "password": "demo"})


def test_a_commune_clerk_sets_up_the_app_at_the_first_sign_in(client, world: World, required):
    clerk = world.commune_clerk
    log_in(client, clerk)

    # Every page leads to the set-up, which makes no secret on a GET.
    response = client.get(reverse("members:list"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:two_factor_setup")
    page = client.get(reverse("accounts:two_factor_setup"))
    assert "Start" in page.content.decode()
    assert not TOTPDevice.objects.filter(user=clerk).exists()

    assert client.post(reverse("accounts:two_factor_setup")).status_code == 302
    device = TOTPDevice.objects.get(user=clerk)
    assert not device.confirmed
    page = client.get(reverse("accounts:two_factor_setup")).content.decode()
    assert "otpauth://totp/" in page and "<svg" in page

    wrong = client.post(reverse("accounts:two_factor_setup"), {"code": "000000"})
    assert "This code is not the one your app shows" in wrong.content.decode()
    clerk.refresh_from_db()
    assert not clerk.two_factor_enabled

    shown = client.post(reverse("accounts:two_factor_setup"), {"code": code_for(device)})
    codes = re.findall(r"<li>([a-z2-7]{4} [a-z2-7]{4})</li>", shown.content.decode())
    assert len(codes) == 10
    clerk.refresh_from_db()
    assert clerk.two_factor_enabled
    assert StaticToken.objects.filter(device__user=clerk).count() == 10
    # The session gave its second factor: the pages open.
    assert client.get(reverse("members:list")).status_code == 200
    event = AuditEvent.objects.filter(actor=clerk, reason="two-factor sign-in turned on").get()
    assert event.changes["two_factor"] == [False, True]
    assert not any(code.replace(" ", "") in str(event.changes) for code in codes)


def test_after_the_password_a_code_is_asked_before_any_page(client, world: World):
    clerk = world.commune_clerk
    turn_on(clerk)
    device = TOTPDevice.objects.get(user=clerk)
    log_in(client, clerk)

    asked = client.get(reverse("members:list") + "?q=an")
    assert asked.status_code == 302
    assert asked["Location"].startswith(reverse("accounts:two_factor_verify") + "?next=")
    wrong = client.post(
        reverse("accounts:two_factor_verify"), {"code": "123456", "next": "/members/?q=an"}
    )
    assert wrong.status_code == 400
    assert "This code is not right" in wrong.content.decode()
    assert client.get(reverse("members:list")).status_code == 302
    assert AuditEvent.objects.filter(
        action="login_failed", object_id=str(clerk.pk), reason="wrong second-factor code"
    ).exists()

    device.refresh_from_db()
    device.throttling_failure_count = 0  # the slow-down is its own test
    device.save()
    right = client.post(
        reverse("accounts:two_factor_verify"),
        {"code": code_for(device), "next": "/members/?q=an"},
    )
    assert right.status_code == 302
    assert right["Location"] == "/members/?q=an"
    assert client.get(reverse("members:list")).status_code == 200


def test_the_code_step_never_sends_elsewhere(client, world: World):
    clerk = world.commune_clerk
    turn_on(clerk)
    log_in(client, clerk)
    response = client.post(
        reverse("accounts:two_factor_verify"),
        {"code": code_for(TOTPDevice.objects.get(user=clerk)), "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("accounts:home")


def test_a_recovery_code_works_once(client, world: World):
    secretary = world.secretary_a1
    codes = turn_on(secretary)
    log_in(client, secretary)
    spaced = f"{codes[0][:4]} {codes[0][4:]}".upper()
    assert client.post(reverse("accounts:two_factor_verify"), {"code": spaced}).status_code == 302
    assert StaticToken.objects.filter(device__user=secretary).count() == 9

    other = type(client)()
    log_in(other, secretary)
    again = other.post(reverse("accounts:two_factor_verify"), {"code": codes[0]})
    assert again.status_code == 400
    assert other.get(reverse("members:list")).status_code == 302


def test_wrong_codes_slow_down(client, world: World):
    clerk = world.commune_clerk
    turn_on(clerk)
    log_in(client, clerk)
    client.post(reverse("accounts:two_factor_verify"), {"code": "111111"})
    second = client.post(
        reverse("accounts:two_factor_verify"),
        {"code": code_for(TOTPDevice.objects.get(user=clerk))},
    )
    # Even the right code waits for the delay after a wrong one.
    assert second.status_code == 400
    assert "Too many wrong codes. Try again in 1 second." in second.content.decode()
    assert client.get(reverse("members:list")).status_code == 302


def test_a_member_is_not_forced_but_may_turn_it_on(client, world: World, required):
    member = world.member_user
    log_in(client, member)
    assert client.get(reverse("accounts:home")).status_code == 200
    assert "Set up two-factor sign-in" in client.get(reverse("accounts:security")).content.decode()

    turn_on(member)
    member.refresh_from_db()
    turn_off_two_factor(by=member, user=member)
    member.refresh_from_db()
    assert not member.two_factor_enabled
    assert not TOTPDevice.objects.filter(user=member).exists()


def test_when_optional_a_clerk_without_an_app_is_not_asked(client, world: World, settings):
    settings.TWO_FACTOR_REQUIRED = False
    log_in(client, world.commune_clerk)
    assert client.get(reverse("members:list")).status_code == 200


def test_a_temporary_password_is_replaced_before_the_set_up(client, world: World, required):
    clerk = world.commune_clerk
    clerk.must_change_password = True
    clerk.save()
    log_in(client, clerk)
    assert client.get(reverse("members:list"))["Location"] == reverse("accounts:password_change")
    client.post(
        reverse("accounts:password_change"),
        {
            "old_password": "demo",
            "new_password1": "Mot-mat-khau-dai-2026",
            "new_password2": "Mot-mat-khau-dai-2026",
        },
    )
    assert client.get(reverse("members:list"))["Location"] == reverse("accounts:two_factor_setup")


def test_a_role_that_requires_it_cannot_turn_it_off(world: World, required):
    clerk = world.commune_clerk
    turn_on(clerk)
    with pytest.raises(DomainError, match="Your role requires two-factor sign-in"):
        turn_off_two_factor(by=clerk, user=clerk)
    clerk.refresh_from_db()
    assert clerk.two_factor_enabled


def test_who_may_unlock_an_account_may_reset_its_second_factor(client, world: World):
    clerk = world.commune_clerk
    turn_on(clerk)
    Token.objects.create(user=clerk)
    stranger_client = type(client)()
    stranger_client.force_login(world.other_clerk)
    url = reverse("accounts:account_two_factor_reset", args=[clerk.pk])
    assert stranger_client.post(url).status_code in {403, 404}
    clerk.refresh_from_db()
    assert clerk.two_factor_enabled

    client.force_login(world.provincial_officer)
    assert client.post(url).status_code == 302
    clerk.refresh_from_db()
    assert not clerk.two_factor_enabled
    assert not TOTPDevice.objects.filter(user=clerk).exists()
    assert not Token.objects.filter(user=clerk).exists()
    event = AuditEvent.objects.get(reason="two-factor sign-in reset")
    assert event.actor == world.provincial_officer
    assert event.object_id == str(clerk.pk)


def test_the_api_gives_a_token_only_after_the_second_factor(world: World, required):
    clerk = world.commune_clerk
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    refused = api.post(TOKEN_URL, {"username": clerk.username, "password": "demo"})
    assert refused.status_code == 403
    assert "Set it up on the website" in refused.json()["detail"]
    assert not Token.objects.filter(user=clerk).exists()

    turn_on(clerk)
    device = TOTPDevice.objects.get(user=clerk)
    missing = api.post(TOKEN_URL, {"username": clerk.username, "password": "demo"})
    assert missing.status_code == 400
    assert "code" in missing.json()
    wrong = api.post(TOKEN_URL, {"username": clerk.username, "password": "demo", "code": "1"})
    assert wrong.status_code == 400
    assert not Token.objects.filter(user=clerk).exists()

    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.save()
    given = api.post(
        TOKEN_URL, {"username": clerk.username, "password": "demo", "code": code_for(device)}
    )
    assert given.status_code == 200
    assert given.json()["token"] == Token.objects.get(user=clerk).key
    api.credentials(HTTP_AUTHORIZATION=f"Token {given.json()['token']}")
    assert api.get("/api/v1/members/").status_code == 200

    # A member without an app obtains a token with the password alone.
    member = APIClient().post(
        TOKEN_URL, {"username": world.member_user.username, "password": "demo"}
    )
    assert member.status_code == 200


def test_turning_it_on_ends_the_tokens_issued_before(world: World):
    clerk = world.commune_clerk
    token = issue_token(by=clerk)
    turn_on(clerk)
    assert not Token.objects.filter(pk=token.pk).exists()


def test_a_token_of_an_account_that_must_set_it_up_is_refused(world: World, required):
    token = Token.objects.create(user=world.commune_clerk)
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = api.get("/api/v1/members/")
    assert response.status_code == 403
    assert "second factor" in response.json()["detail"]


def test_a_session_without_its_second_factor_gets_403_from_the_api(world: World):
    clerk = world.commune_clerk
    turn_on(clerk)
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    log_in(api, clerk)
    assert api.get("/api/v1/members/").status_code == 403
    assert (
        api.post(
            "/api/v1/auth/password/", {"old_password": "demo", "new_password": "Khac-han-2026-x"}
        ).status_code
        == 403
    )
    clerk.refresh_from_db()
    assert clerk.check_password("demo")

    api.post(
        reverse("accounts:two_factor_verify"),
        {"code": code_for(TOTPDevice.objects.get(user=clerk))},
    )
    assert api.get("/api/v1/members/").status_code == 200
