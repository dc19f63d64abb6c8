"""Helpers for the reminder tests: e-mail addresses for the cast, one run of the
command, and the state that proves a second run changed nothing.

Every reminder test runs at 9:00 on ``TODAY`` (15/01/2026, local time), whatever day the
suite runs: a run without a day runs today, and the timestamps written (notifications
read, digests claimed and sent, escalations) are known."""

import datetime
import io
import zoneinfo
from collections.abc import Iterator

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core import mail
from django.core.management import call_command

from lienhe213.reminders.models import Digest, Notification

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
TODAY = datetime.date(2026, 1, 15)
NOW = datetime.datetime.combine(
    TODAY, datetime.time(9), tzinfo=zoneinfo.ZoneInfo(django_settings.TIME_ZONE)
)


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[time_machine.Traveller]:
    """The clock, frozen at ``NOW``; a test that runs the command again later moves it
    with ``shift``."""
    with time_machine.travel(NOW.astimezone(datetime.UTC), tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    """The digests run inside the command; one test uses the database queue instead."""
    settings.TASKS = IMMEDIATE


@pytest.fixture(autouse=True)
def quiet_handoffs(request, monkeypatch):
    """The steps that set up a reminder test (issue, assign, request, sign, send…) tell
    the next side at once (ADR 0013); these tests count what ``run_due`` finds, so the
    hand-offs stay out of them. ``test_handoffs`` tests the hand-offs themselves."""
    if request.module.__name__.endswith("test_handoffs"):
        return
    from lienhe213.reminders import handoffs

    monkeypatch.setattr(handoffs, "notify", lambda **kwargs: [])


@pytest.fixture
def emails(world):
    """Addresses for the people the cast's reminders go to (the commune clerk has none)."""
    for user in (
        world.secretary_a2,
        world.workplace_officer,
        world.provincial_officer,
        world.member_user,
        world.other_clerk,
    ):
        user.email = f"{user.username}@example.org"
        user.save(update_fields=["email"])
    return world


def run(day, *args):
    out = io.StringIO()
    call_command("run_due", "--on", day.isoformat(), *args, stdout=out)
    return out.getvalue()


def notified(world):
    """``{username: sorted kinds}`` of every notification."""
    result = {}
    for username, kind in Notification.objects.order_by(
        "user__username", "kind", "key"
    ).values_list("user__username", "kind"):
        result.setdefault(username, []).append(kind)
    return result


def reminder_state():
    return (
        list(Notification.objects.order_by("pk").values()),
        list(Digest.objects.order_by("pk").values()),
        len(mail.outbox),
    )
