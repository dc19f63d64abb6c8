"""Helpers for the tracking-book tests: the cast's workplace member at each stage.

Every registry test runs at 9:00 on ``TODAY`` (15/01/2026, local time), whatever day the
suite runs: a letter issued on ``MONDAY`` (03/03/2025) is long overdue, one issued today
is not, and the dates and timestamps the services write are known."""

import datetime
import zoneinfo
from collections.abc import Iterator

import pytest
import time_machine
from django.conf import settings

from lienhe213.core.models import AuditEvent
from lienhe213.members.models import Member
from lienhe213.registry import services
from lienhe213.registry.models import ExemptionDecision, LinkEvent, ResidenceLink

MONDAY = datetime.date(2025, 3, 3)
TODAY = datetime.date(2026, 1, 15)
NOW = datetime.datetime.combine(
    TODAY, datetime.time(9), tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE)
)


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    with time_machine.travel(NOW.astimezone(datetime.UTC), tick=False):
        yield


def book_state():
    """Every row a tracking-book service may write, to prove a refusal changed nothing."""
    return (
        list(ResidenceLink.objects.order_by("pk").values()),
        list(LinkEvent.objects.order_by("pk").values()),
        list(ExemptionDecision.objects.order_by("pk").values()),
        list(AuditEvent.objects.order_by("pk").values()),
        list(Member.objects.order_by("pk").values()),
    )


def classify(world, member=None, on=MONDAY, workplace=None):
    member = member or world.member_w1
    return services.classify_member(
        by=world.root_user, member=member, decided_by=workplace or world.workplace, decided_on=on
    )


def link_at(world, stage, member=None, workplace=None):
    """``member`` (default member_w1, living in community A2) introduced to commune A
    and taken as far as ``stage``: issued, received, assigned or active."""
    member = member or world.member_w1
    workplace = workplace or world.workplace
    classify(world, member, workplace=workplace)
    link = services.issue_letter(
        by=world.root_user, workplace=workplace, member=member, issued_on=MONDAY
    )
    steps = ["issued", "received", "assigned", "active"]
    if steps.index(stage) >= 1:
        link = services.receive_letter(
            by=world.root_user, link=link, received_on=MONDAY + datetime.timedelta(days=7)
        )
    if steps.index(stage) >= 2:
        link = services.assign_to_cell(
            by=world.root_user,
            link=link,
            cell=world.cell_a2,
            assigned_on=MONDAY + datetime.timedelta(days=8),
        )
    if steps.index(stage) >= 3:
        link = services.acknowledge_link(
            by=world.root_user, link=link, acknowledged_on=MONDAY + datetime.timedelta(days=9)
        )
    return ResidenceLink.objects.get(pk=link.pk)


@pytest.fixture
def issued(world):
    return link_at(world, "issued")
