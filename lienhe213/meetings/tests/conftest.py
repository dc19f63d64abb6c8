"""Helpers for the meeting tests: linked members in cell A2 and the state to compare.

Every meeting test runs at 9:00 on ``TODAY`` (15/01/2026, local time), whatever day the
suite runs: the six-month windows, "held" and "in the future" are judged against a known
day, and the timestamps written are known."""

import datetime
import zoneinfo
from collections.abc import Iterator

import pytest
import time_machine
from django.conf import settings

from conftest import member_fields
from lienhe213.core.models import AuditEvent
from lienhe213.meetings import services
from lienhe213.meetings.models import Attendance, FollowUp, Meeting, Opinion
from lienhe213.members.services import create_member
from lienhe213.registry.models import ResidenceLink
from lienhe213.registry.tests.conftest import link_at

DAY = datetime.date(2025, 6, 2)
TODAY = datetime.date(2026, 1, 15)
NOW = datetime.datetime.combine(
    TODAY, datetime.time(9), tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE)
)


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    with time_machine.travel(NOW.astimezone(datetime.UTC), tick=False):
        yield


def meeting_state():
    """Every row a meeting service may write, to prove a refusal changed nothing."""
    return (
        list(Meeting.objects.order_by("pk").values()),
        list(Attendance.objects.order_by("pk").values()),
        list(Opinion.objects.order_by("pk").values()),
        list(FollowUp.objects.order_by("pk").values()),
        list(AuditEvent.objects.order_by("pk").values()),
    )


def working_member(world, given_name, citizen_id):
    """Another working member of the workplace cell living in community A2."""
    return create_member(
        by=world.root_user,
        **member_fields(
            world.workplace_cell,
            given_name=given_name,
            citizen_id=citizen_id,
            residence_commune=world.commune_a,
            residence_community=world.community_a2,
        ),
    )


def linked(world, member=None, category="normal"):
    """An active link of ``member`` (default member_w1) in cell A2."""
    link = link_at(world, "active", member=member)
    if category != "normal":
        ResidenceLink.objects.filter(pk=link.pk).update(category=category)
        link.refresh_from_db()
    return link


def plan(world, by=None, day=DAY, cell=None, **kw):
    return services.plan_meeting(
        by=by or world.secretary_a2, cell=cell or world.cell_a2, kind="periodic", date=day, **kw
    )


def held_meeting(world, day, statuses):
    """A held meeting of cell A2 on ``day`` with ``{member: status}`` recorded."""
    meeting = plan(world, by=world.root_user, day=day)
    for member, status in statuses.items():
        services.record_attendance(
            by=world.root_user,
            meeting=meeting,
            member=member,
            status=status,
            excuse_reason="ill" if status == "excused" else "",
        )
    return services.mark_held(
        by=world.root_user, meeting=meeting, place="Nhà văn hoá tổ 2", agenda="Sinh hoạt định kỳ"
    )
