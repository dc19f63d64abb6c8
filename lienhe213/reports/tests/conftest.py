"""A small year on the cast: the workplace member's link in cell A2 with a meeting, a
returned comment and a notice; and the same kinds of rows elsewhere (commune B and
another workplace) to prove a commune's report never counts them.

Every report test runs at 9:00 on ``TODAY`` (15/01/2026, local time), whatever day the
suite runs: the 2025 campaign's deadline has passed, 2025 is last year and its reference
day its last day, and the timestamps written are known."""

import datetime
import zoneinfo
from collections.abc import Iterator

import pytest
import time_machine
from django.conf import settings

from conftest import member_fields
from lienhe213.comments.tests.conftest import open_campaign, request_at
from lienhe213.meetings import services as meeting_services
from lienhe213.members.services import create_member
from lienhe213.notices.tests.conftest import send
from lienhe213.organizations.services import create_organization
from lienhe213.registry import services as registry_services
from lienhe213.registry.tests.conftest import MONDAY, link_at

MEETING_DAY = datetime.date(2025, 6, 2)
TODAY = datetime.date(2026, 1, 15)
NOW = datetime.datetime.combine(
    TODAY, datetime.time(9), tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE)
)


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    with time_machine.travel(NOW.astimezone(datetime.UTC), tick=False):
        yield


def held(world, cell, day, statuses):
    meeting = meeting_services.plan_meeting(
        by=world.root_user, cell=cell, kind="periodic", date=day
    )
    for member, status in statuses.items():
        meeting_services.record_attendance(
            by=world.root_user, meeting=meeting, member=member, status=status
        )
    return meeting_services.mark_held(
        by=world.root_user, meeting=meeting, place="Nhà văn hoá", agenda="Sinh hoạt định kỳ"
    )


def year_in_commune_a(world):
    """member_w1 linked to cell A2 (issued 03/03/2025, active from 12/03), a working
    member of cell A1 in category B, one meeting held, one comment returned, one
    notice from the cell to the workplace."""
    link = link_at(world, "active")
    own = create_member(
        by=world.root_user,
        **member_fields(world.cell_a1, given_name="Bình", citizen_id="002085009999"),
    )
    registry_services.record_exemption(
        by=world.root_user,
        member=own,
        category="b",
        reason="abroad",
        decided_by=world.commune_a_committee,
        decided_on=MONDAY,
    )
    held(world, world.cell_a2, MEETING_DAY, {world.member_w1: "present"})
    campaign = open_campaign(world)
    request_at(world, "returned", campaign=campaign, link=link)
    send(world, link)
    return link, campaign


def rows_elsewhere(world, campaign):
    """The same kinds of rows outside commune A: a link of the workplace to commune B
    taken to active in cell B1 with a meeting, a returned comment and a notice; and a
    second workplace committee with a classified working member."""
    member = create_member(
        by=world.root_user,
        **member_fields(
            world.workplace_cell,
            family_name="Trần",
            given_name="Bình",
            party_card_number="42345678",
            residence_commune=world.commune_b,
        ),
    )
    registry_services.classify_member(
        by=world.root_user, member=member, decided_by=world.workplace, decided_on=MONDAY
    )
    link = registry_services.issue_letter(
        by=world.root_user, workplace=world.workplace, member=member, issued_on=MONDAY
    )
    link = registry_services.receive_letter(
        by=world.root_user, link=link, received_on=MONDAY + datetime.timedelta(days=7)
    )
    link = registry_services.assign_to_cell(
        by=world.root_user,
        link=link,
        cell=world.cell_b1,
        assigned_on=MONDAY + datetime.timedelta(days=8),
    )
    link = registry_services.acknowledge_link(
        by=world.root_user, link=link, acknowledged_on=MONDAY + datetime.timedelta(days=9)
    )
    held(world, world.cell_b1, MEETING_DAY, {member: "absent"})
    request_at(world, "returned", campaign=campaign, link=link)
    send(world, link, sender=world.cell_b1, recipient=world.workplace)

    other = create_organization(
        by=world.root_user,
        name="Đảng bộ Sở Y tế",
        kind="grassroots_committee",
        side="workplace",
        parent=world.province,
    )
    other_cell = create_organization(
        by=world.root_user, name="Chi bộ Phòng Y tế", kind="cell", side="workplace", parent=other
    )
    worker = create_member(
        by=world.root_user,
        **member_fields(other_cell, given_name="Cường", party_card_number="52345678"),
    )
    registry_services.record_exemption(
        by=world.root_user,
        member=worker,
        category="a",
        reason="mobile_work",
        decided_by=other,
        decided_on=MONDAY,
    )
    return other
