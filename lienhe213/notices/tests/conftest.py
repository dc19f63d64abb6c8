"""Helpers for the notice tests: the cast's active link and notices on it.

Every notice test runs at 9:00 on ``TODAY`` (15/01/2026, local time), whatever day the
suite runs: the notices sent on ``SENT_ON`` (17/03/2025) are past their answer deadline,
and the timestamps the steps write are known."""

import datetime
import zoneinfo
from collections.abc import Iterator

import pytest
import time_machine
from django.conf import settings

from conftest import member_fields
from lienhe213.core.models import AuditEvent
from lienhe213.members.services import create_member
from lienhe213.notices import services
from lienhe213.notices.models import Kind, Notice, NoticeReply
from lienhe213.registry.models import ResidenceLink
from lienhe213.registry.tests.conftest import MONDAY, link_at

SENT_ON = MONDAY + datetime.timedelta(days=14)  # Monday 17/03/2025
TODAY = datetime.date(2026, 1, 15)
NOW = datetime.datetime.combine(
    TODAY, datetime.time(9), tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE)
)

__all__ = [
    "MONDAY",
    "NOW",
    "SENT_ON",
    "TODAY",
    "link_at",
    "notice_state",
    "second_member",
    "send",
]


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    with time_machine.travel(NOW.astimezone(datetime.UTC), tick=False):
        yield


def notice_state():
    """Every row a notice service may write, to prove a refusal changed nothing."""
    return (
        list(Notice.objects.order_by("pk").values()),
        list(NoticeReply.objects.order_by("pk").values()),
        list(AuditEvent.objects.order_by("pk").values()),
        list(ResidenceLink.objects.order_by("pk").values()),
    )


def send(world, link, kind=Kind.VIOLATION, by=None, sender=None, recipient=None, on=SENT_ON):
    """A notice on ``link``: by default a violation from the cell to the workplace."""
    if sender is None:
        sender = (
            world.cell_a2
            if kind in (Kind.VIOLATION, Kind.GOOD_CONDUCT, Kind.REPEATED_ABSENCE, Kind.UNREACHABLE)
            else world.workplace
        )
    if recipient is None:
        recipient = world.workplace if sender != world.workplace else world.commune_a_committee
    return services.send_notice(
        by=by or world.root_user,
        link=link,
        kind=kind,
        sender=sender,
        recipient=recipient,
        body="Nội dung thông báo.",
        sent_on=on,
    )


def second_member(world):
    """A second working member of the workplace, living in commune B."""
    fields = member_fields(
        world.workplace_cell,
        family_name="Trần",
        given_name="Bình",
        party_card_number="42345678",
        residence_commune=world.commune_b,
    )
    return create_member(by=world.root_user, **fields)


@pytest.fixture
def active(world):
    return link_at(world, "active")
