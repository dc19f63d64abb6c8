"""The API token endpoint: credentials in, token out, every attempt in the audit trail."""

import datetime

import pytest
from django.utils import timezone, translation
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from lienhe213.core.models import AuditEvent

TOKEN_URL = "/api/v1/auth/token/"


@pytest.fixture
def api() -> APIClient:
    return APIClient(HTTP_ACCEPT_LANGUAGE="en")


def test_good_credentials_give_the_users_token_and_record_a_login(world, api):
    response = api.post(TOKEN_URL, {"username": "xa", "password": "demo"}, format="json")

    token = Token.objects.get(user=world.commune_clerk)
    assert response.status_code == 200
    assert response.json() == {
        "token": token.key,
        "expires": timezone.localtime(token.created + datetime.timedelta(hours=12)).isoformat(),
    }
    logins = AuditEvent.objects.filter(action="login")
    assert [(e.actor_id, e.object_id, e.scope_path) for e in logins] == [
        (world.commune_clerk.pk, str(world.commune_clerk.pk), world.commune_a_committee.path)
    ]
    assert logins[0].ip == "127.0.0.1"
    assert not AuditEvent.objects.filter(action="login_failed").exists()


def test_asking_twice_gives_the_same_token(world, api):
    first = api.post(TOKEN_URL, {"username": "xa", "password": "demo"}, format="json")
    second = api.post(TOKEN_URL, {"username": "xa", "password": "demo"}, format="json")

    assert first.json() == second.json()
    assert Token.objects.count() == 1
    assert AuditEvent.objects.filter(action="login").count() == 2


def test_bad_password_is_refused_and_recorded_as_a_failed_login(world, api):
    response = api.post(TOKEN_URL, {"username": "xa", "password": "wrong"}, format="json")

    assert response.status_code == 400
    assert response.json() == {"detail": "The username or password is incorrect."}
    assert not Token.objects.exists()
    failed = AuditEvent.objects.get(action="login_failed")
    assert (failed.actor_id, failed.object_id, failed.object_repr) == (
        None,
        str(world.commune_clerk.pk),
        "xa",
    )
    assert not AuditEvent.objects.filter(action="login").exists()


def test_unknown_username_gets_the_same_answer_as_a_bad_password(world, api):
    response = api.post(TOKEN_URL, {"username": "nobody", "password": "demo"}, format="json")

    assert response.status_code == 400
    assert response.json() == {"detail": "The username or password is incorrect."}
    failed = AuditEvent.objects.get(action="login_failed")
    assert (failed.object_id, failed.object_repr) == ("", "nobody")


def test_inactive_account_gets_no_token(world, api):
    world.commune_clerk.is_active = False
    world.commune_clerk.save()

    response = api.post(TOKEN_URL, {"username": "xa", "password": "demo"}, format="json")

    assert response.status_code == 400
    assert not Token.objects.exists()


def test_missing_fields_are_named(world, api):
    response = api.post(TOKEN_URL, {"username": "xa"}, format="json")

    assert response.status_code == 400
    assert response.json() == {"password": ["This field is required."]}
    assert not AuditEvent.objects.filter(action__in=["login", "login_failed"]).exists()


def test_the_message_is_translated(world, api):
    response = api.post(
        TOKEN_URL,
        {"username": "xa", "password": "wrong"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="vi",
    )

    assert response.status_code == 400
    with translation.override("vi"):
        expected = translation.gettext("The username or password is incorrect.")
    assert response.json() == {"detail": expected}


def test_token_authenticates_later_requests(world, api):
    token = api.post(TOKEN_URL, {"username": "xa", "password": "demo"}, format="json").json()

    api.credentials(HTTP_AUTHORIZATION=f"Token {token['token']}")
    response = api.get("/api/v1/members/")

    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [world.member_a1.pk]


def test_a_wrong_token_is_refused(world, api):
    api.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")

    response = api.get("/api/v1/members/")

    assert response.status_code == 401
