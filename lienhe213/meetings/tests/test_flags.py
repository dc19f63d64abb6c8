"""The six-month flags as two numbers: on the home page of the committees over
residential cells and on the tracking book, with links to the overdue page."""

import datetime

from django.urls import reverse

from lienhe213.meetings import services
from lienhe213.meetings.models import Meeting
from lienhe213.meetings.queries import cached_meeting_flag_counts, meeting_flag_counts
from lienhe213.meetings.tests.conftest import TODAY, held_meeting, linked, plan


def days_ago(days):
    return TODAY - datetime.timedelta(days=days)


def test_counts_a_cell_that_never_met_its_member(world):
    linked(world)

    counts = meeting_flag_counts(world.commune_a_committee, on=TODAY)

    assert counts == {"cells_without_meeting": 1, "absent_twice": 0}
    assert meeting_flag_counts(world.commune_b_committee, on=TODAY) == {
        "cells_without_meeting": 0,
        "absent_twice": 0,
    }


def test_counts_a_member_absent_twice_at_a_cell_that_met(world):
    linked(world)
    held_meeting(world, days_ago(100), {world.member_w1: "absent"})
    held_meeting(world, days_ago(10), {world.member_w1: "absent"})

    counts = meeting_flag_counts(world.province, on=TODAY)

    assert counts == {"cells_without_meeting": 0, "absent_twice": 1}


def test_both_flags_cost_one_query(world, django_assert_num_queries):
    linked(world)
    held_meeting(world, days_ago(100), {world.member_w1: "absent"})
    held_meeting(world, days_ago(10), {world.member_w1: "absent"})

    with django_assert_num_queries(1):
        counts = meeting_flag_counts(world.commune_a_committee, on=TODAY)

    assert counts == {"cells_without_meeting": 0, "absent_twice": 1}


def test_numbers_show_the_flags_to_the_committees_over_residential_cells(client, world):
    linked(world)
    overdue_a = reverse("meetings:overdue", args=[world.commune_a_committee.pk])

    client.force_login(world.commune_clerk)
    clerk = client.get(reverse("accounts:numbers")).text
    client.force_login(world.provincial_officer)
    province = client.get(reverse("accounts:numbers")).text
    client.force_login(world.secretary_a2)
    secretary = client.get(reverse("accounts:numbers")).text
    client.force_login(world.workplace_officer)
    workplace = client.get(reverse("accounts:numbers")).text

    flag = f'<a href="{overdue_a}" class="flagged">1 cell without a meeting in six months</a>'
    assert flag in clerk
    assert "0 members absent from the last two meetings" in clerk
    assert reverse("meetings:overdue", args=[world.province.pk]) in province
    assert "1 cell without a meeting in six months" in province
    assert reverse("meetings:overdue", args=[world.cell_a2.pk]) in secretary
    assert "1 cell without a meeting in six months" in secretary
    assert "without a meeting" not in workplace


def test_book_shows_the_flag_line(client, world):
    linked(world)
    held_meeting(world, days_ago(100), {world.member_w1: "absent"})
    held_meeting(world, days_ago(10), {world.member_w1: "absent"})
    client.force_login(world.commune_clerk)

    response = client.get(reverse("registry:book", args=[world.commune_a_committee.pk]))

    overdue = reverse("meetings:overdue", args=[world.commune_a_committee.pk])
    assert f'<a href="{overdue}">0 cells without a meeting in six months</a>' in response.text
    assert (
        f'<a href="{overdue}" class="flagged">1 member absent from the last two meetings</a>'
        in response.text
    )


def test_the_flags_are_kept_until_a_meeting_of_the_cell_changes(
    client, world, django_assert_num_queries, django_capture_on_commit_callbacks
):
    """Counted once, the flags come from the cache (no query); a meeting written without
    the services leaves them as counted, one marked held through them forgets them, over
    the cell and every committee above it."""
    linked(world)
    commune, cell = world.commune_a_committee, world.cell_a2
    before = {"cells_without_meeting": 1, "absent_twice": 0}
    assert cached_meeting_flag_counts(commune, on=TODAY) == before
    assert cached_meeting_flag_counts(cell, on=TODAY) == before
    assert cached_meeting_flag_counts(world.province, on=TODAY) == before
    with django_assert_num_queries(0):
        assert cached_meeting_flag_counts(commune, on=TODAY) == before

    meeting = plan(world, by=world.root_user, day=days_ago(3))
    Meeting.objects.filter(pk=meeting.pk).update(status="held")
    assert cached_meeting_flag_counts(commune, on=TODAY) == before

    Meeting.objects.filter(pk=meeting.pk).update(status="planned")
    with django_capture_on_commit_callbacks(execute=True):
        services.mark_held(by=world.root_user, meeting=meeting, place="Nhà văn hoá", agenda="Họp")

    after = {"cells_without_meeting": 0, "absent_twice": 0}
    assert cached_meeting_flag_counts(commune, on=TODAY) == after
    assert cached_meeting_flag_counts(cell, on=TODAY) == after
    assert cached_meeting_flag_counts(world.province, on=TODAY) == after
