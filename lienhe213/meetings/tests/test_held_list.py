"""The meetings held in a period over an organization's subtree: the rows behind a
report's "meetings held"."""

import datetime

import pytest
from django.urls import reverse

from lienhe213.meetings.models import Meeting
from lienhe213.meetings.tests.conftest import DAY, held_meeting, linked, plan

pytestmark = pytest.mark.django_db


def dates(response):
    return [meeting.date for meeting in response.context["page"].rows]


def three_meetings(world):
    """Cell A2: held on DAY and on DAY + 30, planned (not held) on DAY + 60."""
    linked(world)
    held_meeting(world, DAY, {world.member_w1: "present"})
    later = held_meeting(world, DAY + datetime.timedelta(days=30), {world.member_w1: "absent"})
    plan(world, by=world.root_user, day=DAY + datetime.timedelta(days=60))
    return later


def test_held_list_shows_the_held_meetings_of_the_subtree_in_a_period(client, world):
    three_meetings(world)
    client.force_login(world.commune_clerk)
    url = reverse("meetings:held_list", args=[world.commune_a_committee.pk])

    year = client.get(url, {"date_from": "2025-01-01", "date_to": "2025-12-31"})
    june = client.get(url, {"date_from": "2025-06-01", "date_to": "2025-06-30"})
    last_year = client.get(url, {"date_from": "2024-01-01", "date_to": "2024-12-31"})
    of_cell = client.get(
        reverse("meetings:held_list", args=[world.cell_a2.pk]), {"date_to": "2025-12-31"}
    )

    assert dates(year) == [DAY + datetime.timedelta(days=30), DAY]
    assert dates(june) == [DAY]
    assert dates(last_year) == []
    assert dates(of_cell) == [DAY + datetime.timedelta(days=30), DAY]
    assert Meeting.objects.count() == 3


@pytest.mark.parametrize(
    ("name", "expected", "rows"),
    [
        ("anonymous", 302, None),
        ("stranger", 404, None),
        ("other_clerk", 404, None),
        ("secretary_a1", 404, None),
        ("commune_clerk", 200, 2),
        ("provincial_officer", 200, 2),
    ],
)
def test_held_list_permissions(client, world, name, expected, rows):
    three_meetings(world)
    user = world.user(name)
    if user is not None:
        client.force_login(user)

    response = client.get(reverse("meetings:held_list", args=[world.commune_a_committee.pk]))

    assert response.status_code == expected
    if rows is not None:
        assert len(response.context["page"].rows) == rows
