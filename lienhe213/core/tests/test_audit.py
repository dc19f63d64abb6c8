"""The audit trail: request origin, logins and failed logins."""

import uuid

import pytest
from django.contrib.auth import authenticate

from lienhe213.core import audit, context
from lienhe213.core.models import AuditEvent


@pytest.fixture
def request_origin():
    token = context.set_current(context.RequestContext(ip="203.0.113.7", request_id="req-42"))
    yield
    context.reset(token)


def test_record_takes_the_ip_and_request_id_from_the_request_context(world, request_origin):
    # when a service records a change while a request is being handled
    event = audit.record(
        by=world.commune_clerk,
        action="update",
        obj=world.cell_a1,
        scope_path=world.cell_a1.path,
        changes={"name": ["a", "b"]},
        reason="typo",
    )

    # then the row carries the actor, the object and the request origin
    event.refresh_from_db()
    assert event.actor == world.commune_clerk
    assert event.actor_name == "xa"
    assert event.action == "update"
    assert event.object_type == "organizations.organization"
    assert event.object_id == str(world.cell_a1.pk)
    assert event.object_repr == "Chi bộ tổ 1"
    assert event.changes == {"name": ["a", "b"]}
    assert event.reason == "typo"
    assert event.ip == "203.0.113.7"
    assert event.request_id == "req-42"
    assert event.scope_path == world.cell_a1.path


def test_record_outside_a_request_has_no_origin_and_names_the_system(db):
    event = audit.record(by=None, action="import", object_repr="nightly load")

    event.refresh_from_db()
    assert event.actor is None
    assert event.actor_name == "system"
    assert event.ip is None
    assert event.request_id == ""
    assert event.object_type == ""
    assert event.object_id == ""
    assert event.object_repr == "nightly load"


def test_login_is_recorded(world, client):
    before = AuditEvent.objects.count()

    assert client.login(username="xa", password="demo")

    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.get(action="login")
    assert event.actor == world.commune_clerk
    assert event.actor_name == "xa"
    assert event.object_type == "accounts.user"
    assert event.object_id == str(world.commune_clerk.pk)
    assert event.scope_path == world.commune_a_committee.path


def test_logout_is_recorded(world, client):
    client.force_login(world.commune_clerk)

    client.logout()

    event = AuditEvent.objects.get(action="logout")
    assert event.actor == world.commune_clerk


def test_failed_login_of_a_known_account_is_recorded_with_the_username(world):
    before = AuditEvent.objects.count()

    user = authenticate(request=None, username="xa", password="wrong")

    assert user is None
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.get(action="login_failed")
    assert event.actor is None
    assert event.actor_name == "system"
    assert event.object_repr == "xa"
    assert event.object_id == str(world.commune_clerk.pk)
    assert event.scope_path == world.commune_a_committee.path
    assert "wrong" not in str(event.changes)


def test_failed_login_of_an_unknown_username_is_recorded(db):
    user = authenticate(request=None, username="nobody", password="guess")

    assert user is None
    event = AuditEvent.objects.get(action="login_failed")
    assert event.object_repr == "nobody"
    assert event.object_id == ""
    assert event.scope_path == ""


def test_every_response_carries_a_request_id(db, client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    request_id = response["X-Request-ID"]
    assert uuid.UUID(hex=request_id).hex == request_id


def test_the_request_id_of_a_trusted_proxy_is_kept(db, client, settings):
    settings.TRUST_REQUEST_ID = True

    response = client.get("/no-such-page/", headers={"X-Request-ID": "proxy-123"})

    assert response["X-Request-ID"] == "proxy-123"


@pytest.mark.parametrize("trusted", [False, True])
@pytest.mark.parametrize("given", ["tinh-did-this-on-purpose", "a b<script>", "x" * 65, "short"])
def test_a_client_request_id_never_reaches_the_audit(world, client, settings, trusted, given):
    settings.TRUST_REQUEST_ID = trusted
    well_formed = given == "tinh-did-this-on-purpose"

    client.post(
        "/login/",
        {"username": "tinh", "password": "wrong"},
        headers={"X-Request-ID": given},
    )

    event = AuditEvent.objects.get(action="login_failed")
    assert (event.request_id == given) == (trusted and well_formed)
    assert len(event.request_id) == (len(given) if trusted and well_formed else 32)


def test_the_request_context_is_reset_after_the_request(db, client):
    client.get("/no-such-page/", headers={"X-Request-ID": "proxy-123"})

    assert context.current() == context.RequestContext()
