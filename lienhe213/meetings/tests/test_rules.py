"""The six-month rule and the two-absences rule, with planted data."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lienhe213.meetings.queries import (
    cells_without_recent_meeting,
    links_absent_twice,
    months_before,
)
from lienhe213.meetings.tests.conftest import held_meeting, linked, plan, working_member

pytestmark = pytest.mark.django_db

ON = datetime.date(2025, 12, 1)


def test_months_before_clamps_to_the_end_of_the_month():
    assert months_before(datetime.date(2025, 8, 31), 6) == datetime.date(2025, 2, 28)
    assert months_before(datetime.date(2025, 3, 15), 6) == datetime.date(2024, 9, 15)


def test_cell_without_a_held_meeting_in_six_months_is_flagged(world):
    # given cell A2 with an active member whose last held meeting was 01/06/2025,
    # and a later meeting that was only planned; cell A1 and B1 have no active link
    linked(world)
    held_meeting(world, datetime.date(2025, 5, 31), {})
    plan(world, by=world.root_user, day=datetime.date(2025, 9, 1))

    flagged = list(cells_without_recent_meeting(world.province, on=ON))

    assert [(cell.pk, cell.last_held_on) for cell in flagged] == [
        (world.cell_a2.pk, datetime.date(2025, 5, 31))
    ]
    assert list(cells_without_recent_meeting(world.commune_b_committee, on=ON)) == []


def test_a_meeting_held_exactly_six_months_ago_still_counts(world):
    linked(world)
    held_meeting(world, datetime.date(2025, 6, 1), {})

    assert list(cells_without_recent_meeting(world.commune_a_committee, on=ON)) == []
    assert [c.pk for c in cells_without_recent_meeting(world.cell_a2, on=ON.replace(day=2))] == [
        world.cell_a2.pk
    ]


def test_members_absent_from_their_last_two_meetings_are_flagged(world):
    # given three members of cell A2 and three held meetings
    w1 = linked(world)
    excused = linked(world, working_member(world, "Bình", "002085009991"))
    came_back = linked(world, working_member(world, "Cường", "002085009992"))
    w1m, em, cm = w1.member, excused.member, came_back.member
    held_meeting(world, datetime.date(2025, 1, 10), {w1m: "present", em: "absent", cm: "absent"})
    held_meeting(world, datetime.date(2025, 4, 10), {w1m: "absent", em: "excused", cm: "absent"})
    held_meeting(world, datetime.date(2025, 7, 10), {w1m: "absent", em: "absent", cm: "present"})
    # a planned (not held) meeting does not count
    plan(world, by=world.root_user, day=datetime.date(2025, 10, 10))

    for scope in (world.province, world.commune_a_committee, world.cell_a2):
        assert [link.pk for link in links_absent_twice(scope)] == [w1.pk]
    assert list(links_absent_twice(world.cell_a1)) == []


def test_the_flags_take_one_query_each(world):
    for name, citizen_id in (("Bình", "002085009991"), ("Cường", "002085009992")):
        linked(world, working_member(world, name, citizen_id))
    linked(world)
    held_meeting(world, datetime.date(2025, 1, 10), {})

    with CaptureQueriesContext(connection) as queries:
        cells = [
            (c.name, c.last_held_on) for c in cells_without_recent_meeting(world.province, on=ON)
        ]
        links = [
            (link.member.full_name, link.residence_cell.name)
            for link in links_absent_twice(world.province)
        ]

    assert len(queries) == 2
    assert cells == [("Chi bộ tổ 2", datetime.date(2025, 1, 10))]
    assert links == []
