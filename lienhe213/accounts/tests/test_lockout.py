"""One username, one count: the spellings of a username that log in as the same account
(spaces, tabs, line breaks, fullwidth letters, capitals) share the per-address limits,
and a username is locked from every address after wrong passwords, for a delay that
doubles at each further lockout, until the delay passes, its owner logs in, or someone
who may disable the account unlocks it."""

from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from lienhe213.accounts import throttles
from lienhe213.accounts.models import User
from lienhe213.accounts.services import create_account, unlock_account
from lienhe213.accounts.throttles import (
    Lockout,
    LoginAttemptThrottle,
    TokenAttemptThrottle,
    locked_usernames,
)
from lienhe213.core.errors import DomainError
from lienhe213.core.models import AuditEvent

LOGIN_URL = "/login/"
TOKEN_URL = "/api/v1/auth/token/"

SPELLINGS = [
    "   coquan",
    "\tcoquan",
    "coquan\n",
    "\u3000coquan\u00a0",
    "ｃｏｑｕａｎ",
    "COQUAN",
    " CoQuAn\r\n",
]


class Clock:
    now = 3_000_000.0


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> type[Clock]:
    """The rate limits' and the lockout's clock stands still unless a test moves it."""
    monkeypatch.setattr(Clock, "now", 3_000_000.0)
    monkeypatch.setattr(throttles, "now", lambda: Clock.now)
    for throttle in (LoginAttemptThrottle, TokenAttemptThrottle):
        monkeypatch.setattr(throttle, "timer", staticmethod(lambda: Clock.now))
    return Clock


@pytest.fixture
def api() -> APIClient:
    return APIClient(HTTP_ACCEPT_LANGUAGE="en")


def log_in(client: Any, username: str, password: str, ip: str = "10.0.0.1") -> Any:
    return client.post(
        LOGIN_URL,
        {"username": username, "password": password},
        REMOTE_ADDR=ip,
        HTTP_ACCEPT_LANGUAGE="en",
    )


def get_token(api: APIClient, username: str, password: str, ip: str = "10.0.0.1") -> Any:
    return api.post(
        TOKEN_URL, {"username": username, "password": password}, format="json", REMOTE_ADDR=ip
    )


def fail_from_many_addresses(client: Any, username: str, times: int, first: int = 0) -> list[int]:
    return [
        log_in(client, username, "wrong", ip=f"10.0.1.{first + i}").status_code
        for i in range(times)
    ]


def lock_state(world: Any) -> tuple[Any, ...]:
    lockout = Lockout("coquan")
    return (
        lockout.is_locked(),
        lockout.failures(),
        AuditEvent.objects.filter(action="update").count(),
    )


# One username, one account, one count.


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_a_spelling_of_the_username_logs_in_as_the_account(client, world, spelling):
    response = log_in(client, spelling, "demo")

    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(world.workplace_officer.pk)


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_a_spelling_of_the_username_gets_the_accounts_token(api, world, spelling):
    response = get_token(api, spelling, "demo")

    assert response.status_code == 200
    assert response.json()["token"] == Token.objects.get(user=world.workplace_officer).key


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_spellings_share_the_login_forms_count(client, world, spelling):
    statuses = [log_in(client, spelling, "wrong").status_code for _ in range(10)]

    response = log_in(client, "coquan", "demo")
    again = log_in(client, spelling, "demo")

    assert statuses == [200] * 10
    assert (response.status_code, again.status_code) == (429, 429)
    assert response.context["refusal"] == "Too many attempts to log in. Try again in 60 seconds."
    assert SESSION_KEY not in client.session


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_spellings_share_the_token_endpoints_count(api, world, spelling):
    statuses = [get_token(api, "coquan", "wrong").status_code for _ in range(10)]

    response = get_token(api, spelling, "demo")

    assert statuses == [400] * 10
    assert response.status_code == 429
    assert response.json() == {
        "detail": "Too many attempts to obtain a token. Try again in 60 seconds."
    }
    assert not Token.objects.exists()


def test_a_username_padded_past_the_fields_length_is_counted_as_itself(client, world):
    padded = " " * 200 + "coquan"
    statuses = [log_in(client, padded, "wrong").status_code for _ in range(10)]

    assert statuses == [200] * 10
    assert log_in(client, "coquan", "demo").status_code == 429


# The lockout, from every address.


def test_many_addresses_against_one_account_end_in_a_lockout(client, world):
    statuses = fail_from_many_addresses(client, "coquan", 19)
    statuses += fail_from_many_addresses(client, "ｃｏｑｕａｎ ", 1, first=19)

    response = log_in(client, "coquan", "demo", ip="10.0.2.1")

    assert statuses == [200] * 20
    assert response.status_code == 429
    assert response.context["refusal"] == (
        "Too many failed attempts to log in with this username. Try again in 60 seconds."
    )
    assert SESSION_KEY not in client.session
    assert not AuditEvent.objects.filter(action="login").exists()


def test_the_lockout_is_audited_when_it_begins_and_at_each_locked_attempt(client, world):
    fail_from_many_addresses(client, "coquan", 20)

    log_in(client, "coquan", "demo", ip="10.0.2.1")
    log_in(client, "COQUAN", "wrong", ip="10.0.2.2")

    locked = AuditEvent.objects.get(action="update")
    assert (
        locked.actor_id,
        locked.object_type,
        locked.object_id,
        locked.scope_path,
        locked.reason,
        locked.changes,
    ) == (
        None,
        "accounts.user",
        str(world.workplace_officer.pk),
        world.workplace.path,
        "locked after 20 failed logins",
        {"locked": [False, True], "lockout": 1, "seconds": 60},
    )
    failed = list(AuditEvent.objects.filter(action="login_failed").order_by("pk"))
    assert [event.reason for event in failed] == [""] * 20 + ["locked", "locked"]
    assert [(e.object_id, e.object_repr, e.ip) for e in failed[-2:]] == [
        (str(world.workplace_officer.pk), "coquan", "10.0.2.1"),
        (str(world.workplace_officer.pk), "coquan", "10.0.2.2"),
    ]


def test_a_locked_account_gets_no_token_even_with_the_right_password(client, api, world):
    fail_from_many_addresses(client, "coquan", 20)

    response = get_token(api, "\tCoquan", "demo", ip="10.0.3.1")

    assert response.status_code == 429
    assert response.json() == {
        "detail": "Too many failed attempts to obtain a token with this username. "
        "Try again in 60 seconds."
    }
    assert response["Retry-After"] == "60"
    assert not Token.objects.exists()
    last = AuditEvent.objects.filter(action="login_failed").latest("pk")
    assert (last.object_repr, last.reason) == ("coquan", "locked")


def test_other_accounts_are_not_locked(client, world):
    fail_from_many_addresses(client, "coquan", 20)

    response = log_in(client, "xa", "demo", ip="10.0.1.1")

    assert response.status_code == 302


def test_attempts_while_locked_are_not_counted(client, world, clock):
    fail_from_many_addresses(client, "coquan", 20)
    fail_from_many_addresses(client, "coquan", 30, first=100)
    clock.now += 61

    statuses = fail_from_many_addresses(client, "coquan", 19, first=200)

    assert statuses == [200] * 19
    assert Lockout("coquan").failures() == 19
    assert not Lockout("coquan").is_locked()
    assert AuditEvent.objects.filter(action="update").count() == 1


def test_the_delay_doubles_with_each_lockout_up_to_the_maximum(client, world, clock, settings):
    settings.LOCKOUT_AFTER = 3
    settings.LOCKOUT_MAX_SECONDS = 200
    waits = []
    for _ in range(4):
        fail_from_many_addresses(client, "coquan", 3)
        waits.append(log_in(client, "coquan", "demo", ip="10.0.4.1").context["refusal"])
        clock.now += Lockout("coquan").remaining() + 1

    assert waits == [
        f"Too many failed attempts to log in with this username. Try again in {n} seconds."
        for n in (60, 120, 200, 200)
    ]
    assert list(
        AuditEvent.objects.filter(action="update").order_by("pk").values_list("changes", flat=True)
    ) == [
        {"locked": [False, True], "lockout": n, "seconds": s}
        for n, s in ((1, 60), (2, 120), (3, 200), (4, 200))
    ]


def test_once_the_delay_passes_the_right_password_logs_in_and_starts_afresh(
    client, world, clock, settings
):
    settings.LOCKOUT_AFTER = 3
    fail_from_many_addresses(client, "coquan", 3)
    clock.now += 59
    assert log_in(client, "coquan", "demo", ip="10.0.4.1").status_code == 429
    clock.now += 2

    response = log_in(client, "coquan", "demo", ip="10.0.4.1")
    client.logout()
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"  # logout() clears the cookies
    fail_from_many_addresses(client, "coquan", 3, first=10)
    wait = log_in(client, "coquan", "demo", ip="10.0.4.1").context["refusal"]

    assert response.status_code == 302
    assert wait.endswith("Try again in 60 seconds.")  # the first lockout again, not the second


def test_a_successful_login_clears_the_failures(client, world, settings):
    settings.LOCKOUT_AFTER = 3
    fail_from_many_addresses(client, "coquan", 2)

    assert log_in(client, "coquan", "demo", ip="10.0.5.1").status_code == 302
    assert Lockout("coquan").failures() == 0


def test_a_username_without_an_account_locks_the_same_way(client, world):
    fail_from_many_addresses(client, "nobody", 20)

    response = log_in(client, "NOBODY", "demo", ip="10.0.2.1")

    assert response.status_code == 429
    assert response.context["refusal"] == (
        "Too many failed attempts to log in with this username. Try again in 60 seconds."
    )
    locked = AuditEvent.objects.get(action="update")
    assert (locked.object_id, locked.object_repr, locked.reason) == (
        "",
        "nobody",
        "locked after 20 failed logins",
    )


def test_no_lockout_when_turned_off(client, world, settings):
    settings.LOCKOUT_AFTER = 0
    fail_from_many_addresses(client, "coquan", 30)

    assert log_in(client, "coquan", "demo", ip="10.0.2.1").status_code == 302


# Unlocking.


def test_an_administrator_unlocks_the_account_on_the_accounts_page(client, world):
    fail_from_many_addresses(client, "coquan", 20)
    admin = APIClient()
    admin.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"  # pages are Vietnamese first
    admin.force_login(world.root_user)
    page = admin.get(reverse("accounts:account_list"), {"q": "coquan"}, HTTP_ACCEPT_LANGUAGE="en")
    url = reverse("accounts:account_unlock", args=[world.workplace_officer.pk])

    response = admin.post(url, HTTP_ACCEPT_LANGUAGE="en")

    assert "locked after failed logins" in page.content.decode()
    assert f'action="{url}"' in page.content.decode()
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:account_list")
    assert not Lockout("coquan").is_locked()
    event = AuditEvent.objects.get(action="update", reason="unlocked")
    assert (event.actor_id, event.object_id, event.scope_path, event.changes) == (
        world.root_user.pk,
        str(world.workplace_officer.pk),
        world.workplace.path,
        {"locked": [True, False]},
    )
    assert log_in(client, "coquan", "demo", ip="10.0.2.1").status_code == 302


def test_the_accounts_page_shows_no_lock_on_an_account_that_is_not_locked(client, world):
    client.force_login(world.root_user)

    page = client.get(reverse("accounts:account_list"), {"q": "coquan"})

    assert "locked after failed logins" not in page.content.decode()
    url = reverse("accounts:account_unlock", args=[world.workplace_officer.pk])
    assert url not in page.content.decode()


def test_a_provincial_officer_unlocks_an_account_of_the_province_through_the_api(
    client, api, world
):
    fail_from_many_addresses(client, "coquan", 20)
    officer = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    officer.force_authenticate(world.provincial_officer)

    response = officer.post(f"/api/v1/accounts/{world.workplace_officer.pk}/unlock/")

    assert response.status_code == 200
    assert response.json()["username"] == "coquan"
    event = AuditEvent.objects.get(action="update", reason="unlocked")
    assert event.actor_id == world.provincial_officer.pk
    assert get_token(api, "coquan", "demo", ip="10.0.2.1").status_code == 200


@pytest.mark.parametrize("cast", ["commune_clerk", "secretary_a1", "stranger", "other_clerk"])
def test_unlock_through_the_api_by_someone_who_does_not_manage_the_account_is_404(
    client, world, cast
):
    fail_from_many_addresses(client, "coquan", 20)
    other = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    other.force_authenticate(world.user(cast))
    before = lock_state(world)

    response = other.post(f"/api/v1/accounts/{world.workplace_officer.pk}/unlock/")

    assert response.status_code == 404
    assert lock_state(world) == before == (True, 0, 1)


@pytest.mark.parametrize(
    ("cast", "expected"),
    # A clerk manages the accounts of the commune's community representatives only: an
    # account beyond them is not found.
    [("commune_clerk", 404), ("secretary_a1", 403), ("stranger", 403)],
)
def test_unlock_on_the_page_by_someone_who_manages_no_account_is_403(client, world, cast, expected):
    fail_from_many_addresses(client, "coquan", 20)
    other = APIClient()
    other.force_login(world.user(cast))
    before = lock_state(world)

    response = other.post(reverse("accounts:account_unlock", args=[world.workplace_officer.pk]))

    assert response.status_code == expected
    assert lock_state(world) == before == (True, 0, 1)


def test_a_provincial_officer_may_not_unlock_a_superuser(client, world):
    fail_from_many_addresses(client, "root", 20)
    officer = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    officer.force_authenticate(world.provincial_officer)

    response = officer.post(f"/api/v1/accounts/{world.root_user.pk}/unlock/")

    assert response.status_code == 404
    assert Lockout("root").is_locked()
    assert not AuditEvent.objects.filter(reason="unlocked").exists()


def test_nobody_unlocks_their_own_account(client, world):
    fail_from_many_addresses(client, "tinh", 20)

    with pytest.raises(DomainError) as refusal:
        unlock_account(by=world.provincial_officer, user=world.provincial_officer)

    assert str(refusal.value) == "You may not unlock your own account."
    assert Lockout("tinh").is_locked()
    assert not AuditEvent.objects.filter(reason="unlocked").exists()


def test_unlocking_an_account_that_is_not_locked_forgets_its_failures_and_records_nothing(
    client, world
):
    fail_from_many_addresses(client, "coquan", 5)

    unlock_account(by=world.root_user, user=world.workplace_officer)

    assert Lockout("coquan").failures() == 0
    assert not AuditEvent.objects.filter(action="update").exists()


def test_locked_usernames_reads_the_locks_of_a_page_of_accounts(client, world):
    fail_from_many_addresses(client, "coquan", 20)

    assert locked_usernames(["coquan", "xa", "tinh"]) == {"coquan"}


# Creating accounts: the stored username is the normalised one.


def test_creating_a_spelling_of_an_existing_username_is_refused(world):
    before = (User.objects.count(), AuditEvent.objects.count())

    with pytest.raises(DomainError) as refusal:
        create_account(by=world.root_user, username="ＸＡ", first_name="", last_name="", email="")

    assert (str(refusal.value), refusal.value.field) == (
        "The username “ＸＡ” is already taken.",
        "username",
    )
    assert (User.objects.count(), AuditEvent.objects.count()) == before


def test_a_new_account_is_stored_under_its_normalised_username(world):
    account = create_account(
        by=world.root_user, username="\u3000Ｈｏａ.Nguyen ", first_name="", last_name="", email=""
    )

    assert User.objects.get(pk=account.pk).username == "hoa.nguyen"
    event = AuditEvent.objects.get(action="create", object_id=str(account.pk))
    assert event.changes["username"] == "hoa.nguyen"


def test_create_user_stores_the_normalised_username(db):
    user = User.objects.create_user(username=" Ｍｏｉ\t", password="demo")

    assert user.username == "moi"


def test_an_account_stored_before_normalisation_still_logs_in_by_any_spelling(client, world):
    User.objects.filter(pk=world.workplace_officer.pk).update(username="CoQuan")

    response = log_in(client, "ｃｏｑｕａｎ", "demo")

    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(world.workplace_officer.pk)


@pytest.mark.parametrize(
    ("who", "expected"),
    [("anonymous", 302), ("provincial_officer", 404), ("commune_clerk", 404)],
)
def test_unlock_of_a_superuser_on_the_page_is_refused_and_changes_nothing(
    client, world, who, expected
):
    fail_from_many_addresses(client, "root", 20)
    other = APIClient()
    if world.user(who) is not None:
        other.force_login(world.user(who))
    url = reverse("accounts:account_unlock", args=[world.root_user.pk])

    response = other.post(url)

    assert response.status_code == expected
    if who == "anonymous":
        assert response["Location"] == f"{reverse('accounts:login')}?next={url}"
    assert Lockout("root").is_locked()
    assert not AuditEvent.objects.filter(reason="unlocked").exists()
