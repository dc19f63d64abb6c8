"""Accounts and sessions: changing and resetting a password, the forced change of a
temporary password, API tokens that expire and end at logout, and sessions that end
after the idle time or the working day."""

import datetime
import io
import re
import time
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from lienhe213.accounts.middleware import LAST_ACTIVITY, SESSION_STARTED
from lienhe213.accounts.models import User
from lienhe213.accounts.services import change_password, create_account
from lienhe213.core.errors import DomainError
from lienhe213.core.models import AuditEvent

NEW = "Mat-khau-moi-2025"
TOKEN_URL = "/api/v1/auth/token/"
PASSWORD_URL = "/api/v1/auth/password/"
LOGOUT_URL = "/api/v1/auth/logout/"


def english_client(user: User | None = None) -> Client:
    other = Client()
    other.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    if user is not None:
        other.force_login(user)
    return other


def api_for(user: User) -> tuple[APIClient, Token]:
    token = Token.objects.create(user=user)
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return api, token


def password_state(user: User) -> tuple[Any, ...]:
    user.refresh_from_db()
    return (
        user.password,
        user.must_change_password,
        sorted(Token.objects.values_list("user_id", flat=True)),
        AuditEvent.objects.filter(action="update").count(),
    )


def change_form(old: str = "demo", new: str = NEW, again: str | None = None) -> dict[str, str]:
    return {"old_password": old, "new_password1": new, "new_password2": again or new}


# --- changing one's password on the site


def test_password_change_keeps_this_session_and_ends_the_others_and_the_tokens(client, world):
    clerk = world.commune_clerk
    other_session = english_client(clerk)
    Token.objects.create(user=clerk)
    Token.objects.create(user=world.secretary_a1)
    client.force_login(clerk)

    response = client.post(reverse("accounts:password_change"), change_form())

    assert (response.status_code, response["Location"]) == (302, reverse("accounts:home"))
    clerk.refresh_from_db()
    assert clerk.check_password(NEW)
    assert list(Token.objects.values_list("user_id", flat=True)) == [world.secretary_a1.pk]
    assert client.get(reverse("accounts:home")).status_code == 200
    assert other_session.get(reverse("accounts:home"))["Location"] == "/login/?next=/"
    event = AuditEvent.objects.get(action="update")
    assert (event.actor, event.object_id, event.reason, event.changes, event.scope_path) == (
        clerk,
        str(clerk.pk),
        "password changed",
        {"api_tokens_deleted": 1},
        world.commune_a_committee.path,
    )
    assert NEW not in str(event.changes)


def test_the_home_page_links_to_the_password_form(client, world):
    client.force_login(world.member_user)

    response = client.get(reverse("accounts:home"))

    assert f'href="{reverse("accounts:password_change")}"' in response.content.decode()


@pytest.mark.parametrize(
    ("form", "errors"),
    [
        (
            change_form(old="wrong"),
            {"old_password": ["Your old password was entered incorrectly. Please enter it again."]},
        ),
        (
            change_form(again="Mat-khau-khac-2025"),
            {"new_password2": ["The two new passwords differ."]},
        ),
        (
            change_form(new="demo"),
            {"new_password1": ["Choose a new password different from the old one."]},
        ),
        (
            change_form(new="12345678"),
            {"new_password1": ["This password is too common."]},
        ),
    ],
)
def test_a_refused_password_change_changes_nothing(client, world, form, errors):
    clerk = world.commune_clerk
    Token.objects.create(user=clerk)
    client.force_login(clerk)
    before = password_state(clerk)

    response = client.post(reverse("accounts:password_change"), form)

    assert response.status_code == 200
    assert response.context["form"].errors == errors
    assert password_state(clerk) == before


def test_the_password_page_needs_a_login(client, world):
    response = client.get(reverse("accounts:password_change"))

    assert response["Location"] == "/login/?next=/password/"


# --- changing one's password through the API


def test_api_password_change_deletes_every_token_of_the_account(world):
    api, _token = api_for(world.commune_clerk)

    response = api.post(PASSWORD_URL, {"old_password": "demo", "new_password": NEW}, format="json")

    assert response.status_code == 204
    assert not Token.objects.filter(user=world.commune_clerk).exists()
    assert api.get("/api/v1/members/").status_code == 401
    fresh = APIClient().post(TOKEN_URL, {"username": "xa", "password": NEW}, format="json")
    assert fresh.status_code == 200


def test_api_password_change_with_a_wrong_old_password_changes_nothing(world):
    api, _token = api_for(world.commune_clerk)
    before = password_state(world.commune_clerk)

    response = api.post(PASSWORD_URL, {"old_password": "wrong", "new_password": NEW}, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "old_password": ["Your old password was entered incorrectly. Please enter it again."]
    }
    assert password_state(world.commune_clerk) == before


def test_api_password_change_keeps_a_session_caller_signed_in(world):
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    api.force_login(world.commune_clerk)

    response = api.post(PASSWORD_URL, {"old_password": "demo", "new_password": NEW}, format="json")

    assert response.status_code == 204
    assert api.get("/api/v1/members/").status_code == 200


def test_change_password_service_refuses_a_password_the_rules_refuse(world):
    before = password_state(world.commune_clerk)

    with pytest.raises(DomainError) as exc:
        change_password(by=world.commune_clerk, old_password="demo", new_password="q7#Lm2")

    assert (str(exc.value), exc.value.field) == (
        "This password is too short. It must contain at least 8 characters.",
        "new_password",
    )
    assert password_state(world.commune_clerk) == before


# --- the forced change of a temporary password


def test_an_account_created_with_a_password_must_change_it_and_one_without_need_not(world):
    with_password = create_account(
        by=world.provincial_officer,
        username="hoa",
        first_name="",
        last_name="",
        email="",
        password="Tam-thoi-2025",
    )
    without = create_account(
        by=world.provincial_officer, username="moi", first_name="", last_name="", email=""
    )

    assert (with_password.must_change_password, without.must_change_password) == (True, False)
    assert User.objects.filter(must_change_password=True).get() == with_password


@pytest.fixture
def temporary(world: Any) -> User:
    """The clerk of commune A, handed a temporary password ("demo") by an administrator."""
    User.objects.filter(pk=world.commune_clerk.pk).update(must_change_password=True)
    world.commune_clerk.refresh_from_db()
    return world.commune_clerk


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/members/",
        "/organizations/",
        "/accounts/",
        "/notifications/",
    ],
)
def test_a_temporary_password_sends_every_page_to_the_password_form(client, temporary, url):
    client.force_login(temporary)

    response = client.get(url)

    assert (response.status_code, response["Location"]) == (302, "/password/")


def test_a_temporary_password_sends_htmx_requests_to_the_password_form(client, temporary):
    client.force_login(temporary)

    response = client.get("/members/", HTTP_HX_REQUEST="true")

    assert (response.status_code, response["HX-Redirect"]) == (200, "/password/")


def test_a_temporary_password_may_open_the_form_and_log_out(client, temporary):
    client.force_login(temporary)

    form = client.get(reverse("accounts:password_change"))
    logout = client.post(reverse("accounts:logout"))

    assert form.status_code == 200
    assert "Your password is temporary." in form.content.decode()
    assert (logout.status_code, logout["Location"]) == (302, "/login/")


def test_changing_the_temporary_password_opens_the_pages(client, temporary):
    client.force_login(temporary)

    response = client.post(reverse("accounts:password_change"), change_form())

    assert response["Location"] == "/"
    assert client.get("/members/").status_code == 200
    temporary.refresh_from_db()
    assert temporary.must_change_password is False
    event = AuditEvent.objects.get(action="update")
    assert event.changes == {"api_tokens_deleted": 0, "must_change_password": [True, False]}


def test_a_temporary_password_gets_403_from_the_api(temporary):
    api, _token = api_for(temporary)
    before = password_state(temporary)

    responses = [
        api.get("/api/v1/members/"),
        api.get("/api/v1/organizations/"),
        api.post("/api/v1/notifications/mark-read/"),
    ]

    assert [r.status_code for r in responses] == [403, 403, 403]
    assert responses[0].json() == {
        "detail": "You must change your temporary password before using the API: "
        "POST /api/v1/auth/password/."
    }
    assert password_state(temporary) == before


def test_a_temporary_password_gets_a_token_and_changes_the_password_through_the_api(temporary):
    anonymous = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    token = anonymous.post(TOKEN_URL, {"username": "xa", "password": "demo"}, format="json")
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.json()['token']}")

    changed = api.post(PASSWORD_URL, {"old_password": "demo", "new_password": NEW}, format="json")
    again = anonymous.post(TOKEN_URL, {"username": "xa", "password": NEW}, format="json")
    api.credentials(HTTP_AUTHORIZATION=f"Token {again.json()['token']}")

    assert (token.status_code, changed.status_code, again.status_code) == (200, 204, 200)
    assert api.get("/api/v1/members/").status_code == 200
    temporary.refresh_from_db()
    assert temporary.must_change_password is False


def test_a_temporary_password_may_log_out_of_the_api(temporary):
    api, _token = api_for(temporary)

    assert api.post(LOGOUT_URL).status_code == 204
    assert not Token.objects.filter(user=temporary).exists()


def test_the_demo_accounts_need_not_change_their_password(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("seed_demo", preset="small", stdout=io.StringIO())
    demo = english_client()
    demo.post("/login/", {"username": "xa", "password": "demo"})

    assert not User.objects.filter(must_change_password=True).exists()
    assert demo.get("/").status_code == 200


# --- API tokens: a lifetime, and the end at logout


def test_an_expired_token_gets_401_and_is_deleted(world, settings):
    api, token = api_for(world.commune_clerk)
    Token.objects.filter(pk=token.pk).update(
        created=timezone.now() - datetime.timedelta(hours=12, seconds=1)
    )

    response = api.get("/api/v1/members/")

    assert response.status_code == 401
    assert response.json() == {"detail": "The token has expired. Obtain a new one."}
    assert not Token.objects.filter(user=world.commune_clerk).exists()


def test_a_token_works_until_its_lifetime_is_over(world, settings):
    settings.TOKEN_HOURS = 2
    api, token = api_for(world.commune_clerk)
    created = timezone.now() - datetime.timedelta(hours=1, minutes=59)
    Token.objects.filter(pk=token.pk).update(created=created)

    assert api.get("/api/v1/members/").status_code == 200
    Token.objects.filter(pk=token.pk).update(created=created - datetime.timedelta(minutes=2))
    assert api.get("/api/v1/members/").status_code == 401


def test_the_token_endpoint_returns_the_token_while_it_lasts_then_a_new_one(world):
    anonymous = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    credentials = {"username": "xa", "password": "demo"}

    first = anonymous.post(TOKEN_URL, credentials, format="json").json()["token"]
    second = anonymous.post(TOKEN_URL, credentials, format="json").json()["token"]
    Token.objects.filter(key=first).update(created=timezone.now() - datetime.timedelta(hours=13))
    third = anonymous.post(TOKEN_URL, credentials, format="json").json()

    assert first == second
    assert third["token"] != first
    token = Token.objects.get(user=world.commune_clerk)
    assert token.key == third["token"]
    expires = datetime.datetime.fromisoformat(third["expires"])
    assert expires == token.created + datetime.timedelta(hours=12)


def test_logging_out_of_the_site_deletes_the_users_tokens(client, world):
    Token.objects.create(user=world.commune_clerk)
    Token.objects.create(user=world.secretary_a1)
    client.force_login(world.commune_clerk)

    response = client.post(reverse("accounts:logout"))

    assert response["Location"] == "/login/"
    assert list(Token.objects.values_list("user_id", flat=True)) == [world.secretary_a1.pk]
    assert AuditEvent.objects.filter(action="logout", actor=world.commune_clerk).count() == 1


def test_api_logout_deletes_the_callers_token(world):
    api, _token = api_for(world.commune_clerk)
    Token.objects.create(user=world.secretary_a1)

    response = api.post(LOGOUT_URL)

    assert response.status_code == 204
    assert list(Token.objects.values_list("user_id", flat=True)) == [world.secretary_a1.pk]
    assert api.get("/api/v1/members/").status_code == 401
    event = AuditEvent.objects.get(action="logout")
    assert (event.actor, event.scope_path) == (world.commune_clerk, world.commune_a_committee.path)


def test_api_logout_of_a_session_caller_ends_the_session(world):
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    api.force_login(world.commune_clerk)

    response = api.post(LOGOUT_URL)

    assert response.status_code == 204
    assert SESSION_KEY not in api.session
    assert api.get("/api/v1/members/").status_code == 401


def test_api_logout_needs_credentials(db):
    assert APIClient().post(LOGOUT_URL).status_code == 401


# --- sessions: the idle time and the working day


def set_clock(client: Client, **seconds_ago: float) -> None:
    session = client.session
    moment = time.time()
    for key, ago in seconds_ago.items():
        session[{"last": LAST_ACTIVITY, "started": SESSION_STARTED}[key]] = moment - ago
    session.save()


def test_the_session_settings():
    assert (
        settings.SESSION_COOKIE_AGE,
        settings.SESSION_EXPIRE_AT_BROWSER_CLOSE,
        settings.IDLE_MINUTES,
        settings.TOKEN_HOURS,
    ) == (8 * 60 * 60, True, 30, 12)


def test_an_idle_session_is_logged_out_and_sent_to_the_login_page(client, world):
    Token.objects.create(user=world.commune_clerk)
    client.force_login(world.commune_clerk)
    set_clock(client, last=30 * 60 + 1)

    response = client.get("/members/?q=an")
    login_page = client.get(response["Location"])

    assert (response.status_code, response["Location"]) == (
        302,
        "/login/?next=/members/%3Fq%3Dan",
    )
    assert SESSION_KEY not in client.session
    assert [str(m) for m in login_page.context["messages"]] == [
        "You were logged out after 30 minutes without activity. Log in again."
    ]
    assert not Token.objects.filter(user=world.commune_clerk).exists()
    assert AuditEvent.objects.filter(action="logout", actor=world.commune_clerk).count() == 1


def test_an_active_session_stays_and_its_activity_is_recorded(client, world):
    client.force_login(world.commune_clerk)
    set_clock(client, last=30 * 60 - 5)
    before = time.time()

    response = client.get("/members/")

    assert response.status_code == 200
    assert client.session[LAST_ACTIVITY] >= before


def test_the_idle_time_is_configurable(client, world, settings):
    settings.IDLE_MINUTES = 5
    client.force_login(world.commune_clerk)
    set_clock(client, last=5 * 60 + 1)

    response = client.get("/")

    assert response["Location"] == "/login/?next=/"


def test_an_idle_htmx_request_reloads_the_login_page(client, world):
    client.force_login(world.commune_clerk)
    set_clock(client, last=31 * 60)

    response = client.get("/members/", HTTP_HX_REQUEST="true")

    assert (response.status_code, response["HX-Redirect"]) == (200, "/login/")
    assert SESSION_KEY not in client.session


def test_an_idle_session_calling_the_api_is_anonymous(world):
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    api.force_login(world.commune_clerk)
    set_clock(api, last=31 * 60)

    response = api.get("/api/v1/members/")

    assert response.status_code == 401
    assert SESSION_KEY not in api.session


def test_a_session_ends_after_the_working_day_however_active(client, world):
    client.force_login(world.commune_clerk)
    set_clock(client, started=8 * 60 * 60 + 1, last=10)

    response = client.get("/")
    login_page = client.get(response["Location"])

    assert response["Location"] == "/login/?next=/"
    assert [str(m) for m in login_page.context["messages"]] == [
        "Your session has ended. Log in again."
    ]


def test_logging_in_starts_the_session_clocks(client, world):
    before = time.time()

    client.post("/login/", {"username": "xa", "password": "demo"})

    assert client.session[SESSION_STARTED] == client.session[LAST_ACTIVITY] >= before


# --- resetting a forgotten password by e-mail


@pytest.fixture
def with_email(world: Any) -> User:
    User.objects.filter(pk=world.commune_clerk.pk).update(
        email="xa@example.vn", must_change_password=True
    )
    world.commune_clerk.refresh_from_db()
    return world.commune_clerk


def ask_reset(client: Client, email: str) -> Any:
    return client.post(reverse("accounts:password_reset"), {"email": email})


def test_the_login_page_links_to_the_reset(client, db):
    response = client.get("/login/")

    assert 'href="/password/reset/"' in response.content.decode()


def test_a_reset_link_is_mailed_to_an_existing_address_and_sets_the_password(client, with_email):
    Token.objects.create(user=with_email)
    other_session = english_client(with_email)

    asked = ask_reset(client, "XA@example.vn")
    [message] = mail.outbox
    link = re.search(r"http\S+", message.body)
    assert link is not None
    opened = client.get(link.group(0).removeprefix(settings.SITE_URL))
    form = client.get(opened["Location"])
    saved = client.post(opened["Location"], {"new_password1": NEW, "new_password2": NEW})
    reused = client.get(link.group(0).removeprefix(settings.SITE_URL))

    assert (asked.status_code, asked["Location"]) == (302, "/password/reset/sent/")
    assert (message.to, message.subject) == (
        ["xa@example.vn"],
        "Liên hệ 213: choose a new password",
    )
    assert link.group(0).startswith(f"{settings.SITE_URL}/password/reset/")
    assert form.context["validlink"] is True
    assert (saved.status_code, saved["Location"]) == (302, "/password/reset/done/")
    with_email.refresh_from_db()
    assert with_email.check_password(NEW)
    assert with_email.must_change_password is False
    assert not Token.objects.filter(user=with_email).exists()
    assert other_session.get("/")["Location"] == "/login/?next=/"
    assert reused.context["validlink"] is False
    event = AuditEvent.objects.get(action="update")
    assert (event.actor, event.reason, event.changes) == (
        with_email,
        "password reset",
        {"api_tokens_deleted": 1, "must_change_password": [True, False]},
    )


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, with_email):
    unknown = ask_reset(client, "nobody@example.vn")
    known = ask_reset(english_client(), "xa@example.vn")

    assert (unknown.status_code, unknown["Location"]) == (known.status_code, known["Location"])
    assert [m.to for m in mail.outbox] == [["xa@example.vn"]]
    page = client.get(unknown["Location"])
    assert "If an account has this address" in page.content.decode()


def test_an_inactive_account_gets_no_reset_mail(client, with_email):
    User.objects.filter(pk=with_email.pk).update(is_active=False)

    response = ask_reset(client, "xa@example.vn")

    assert response["Location"] == "/password/reset/sent/"
    assert mail.outbox == []


def test_reset_requests_are_limited_per_address_whether_or_not_it_exists(client, with_email):
    known = [ask_reset(client, "xa@example.vn").status_code for _ in range(6)]
    unknown = [ask_reset(client, "nobody@example.vn").status_code for _ in range(6)]
    other = ask_reset(client, "tinh@example.vn")

    assert known == unknown == [302] * 5 + [429]
    assert len(mail.outbox) == 5
    assert other.status_code == 302
    refused = ask_reset(client, "xa@example.vn")
    assert "Too many requests for this address. Try again in 60 minutes." in (
        refused.content.decode()
    )


def test_a_forged_reset_link_is_refused(client, with_email):
    response = client.get("/password/reset/MQ/forged-token/")

    assert response.status_code == 200
    assert response.context["validlink"] is False
    assert "This link does not work" in response.content.decode()
