"""Schemathesis against the API's own OpenAPI schema (``/api/schema/``), in process.

Every operation of the schema gets examples generated from its declaration, valid and
invalid alike, sent through the WSGI application as a provincial officer (the widest
reader of the ``world`` cast): no answer may be a 5xx, and every documented answer
must match the schema that promises it. The seed is fixed and Hypothesis is
derandomized, so a run repeats the same requests; the database is the test's own and
is rolled back afterwards.
"""

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from conftest import World
from lienhe213.registry import services

SEED = 213
MAX_EXAMPLES = 20
# A fixed key, so that the token can be put back when an example logs out.
TOKEN_KEY = "5c4e3a7e51b92d0a7a5d43e7ef5c312563b7be04"


# Django's WSGI application; the schema is read from it when the module is collected (the
# schema view needs no database), the examples are sent to it during the tests.
APPLICATION = WSGIHandler()
CONFIG = schemathesis.Config.from_dict(
    {
        "seed": SEED,
        "headers": {"Authorization": f"Token {TOKEN_KEY}"},
        "generation": {
            "mode": "all",
            "max-examples": MAX_EXAMPLES,
            "deterministic": True,
            "database": "none",
        },
        "phases": {
            "examples": {"enabled": True},
            "coverage": {"enabled": False},
            "fuzzing": {"enabled": True},
            "stateful": {"enabled": False},
        },
    }
)
schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", APPLICATION, config=CONFIG)


@pytest.fixture
def in_process_requests() -> Iterator[None]:
    """Like Django's test client, a request must not close the database connection: it
    holds the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def officer_token(world: World) -> Token:
    return Token.objects.create(key=TOKEN_KEY, user=world.provincial_officer)


@pytest.fixture
def book(world: World) -> None:
    """A tracking book with a line in it, so its answers are checked with data: a
    normal classification (no reason) and a letter issued (not ended)."""
    services.classify_member(
        by=world.root_user,
        member=world.member_w1,
        decided_by=world.workplace,
        decided_on=datetime.date(2025, 3, 3),
    )
    services.issue_letter(
        by=world.root_user,
        workplace=world.workplace,
        member=world.member_w1,
        issued_on=datetime.date(2025, 3, 3),
    )


@schema.parametrize()
# The cast and the token are set up once per operation, for all its examples.
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@pytest.mark.usefixtures("in_process_requests", "book")
def test_api_answers_as_its_schema_says(case: Any, world: World, officer_token: Token) -> None:
    # An example may have logged the officer out (POST /api/v1/auth/logout/ deletes the
    # user's tokens): the next one comes with the token again.
    Token.objects.get_or_create(key=TOKEN_KEY, defaults={"user": world.provincial_officer})
    case.call_and_validate(checks=[not_a_server_error, response_schema_conformance])
