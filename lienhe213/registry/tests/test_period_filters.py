"""The tracking book's period and past-day filters: the rows behind a report's figures,
closed links included, with the conditions the report itself counts by."""

import datetime

from django.urls import reverse

from lienhe213.registry.models import ResidenceLink
from lienhe213.registry.tests.conftest import MONDAY, link_at
from lienhe213.registry.tests.test_views import _names, second_member

DAY = datetime.timedelta(days=1)


def two_links(world):
    """Đức's link, active since MONDAY + 9, and Bình's letter, issued a year earlier,
    received, acknowledged and ended in the spring of 2024 (a closed link)."""
    duc = link_at(world, "active")
    binh = link_at(world, "active", member=second_member(world))
    ResidenceLink.objects.filter(pk=binh.pk).update(
        status="ended",
        issued_on=datetime.date(2024, 1, 10),
        received_on=datetime.date(2024, 1, 15),
        assigned_on=datetime.date(2024, 1, 16),
        acknowledged_on=datetime.date(2024, 1, 20),
        ended_on=datetime.date(2024, 6, 30),
    )
    return duc, binh


def test_book_lists_the_links_of_a_step_in_a_period_closed_ones_included(client, world):
    two_links(world)
    client.force_login(world.commune_clerk)
    url = reverse("registry:book", args=[world.commune_a_committee.pk])

    issued_2024 = client.get(url, {"issued_from": "2024-01-01", "issued_to": "2024-12-31"})
    issued_2025 = client.get(url, {"issued_from": "2025-01-01", "issued_to": "2025-12-31"})
    moved_in_2024 = client.get(url, {"moved_in_from": "2024-01-01", "moved_in_to": "2024-12-31"})
    moved_out_2024 = client.get(url, {"moved_out_from": "2024-01-01", "moved_out_to": "2024-12-31"})
    received_march = client.get(url, {"received_from": "2025-03-01", "received_to": "2025-03-31"})
    returned = client.get(url, {"returned_from": "2024-01-01"})
    default = client.get(url)

    assert _names(issued_2024) == ["Trần Thị Bình"]
    assert _names(issued_2025) == ["Nguyễn Văn Đức"]
    assert _names(moved_in_2024) == ["Trần Thị Bình"]
    assert _names(moved_out_2024) == ["Trần Thị Bình"]
    assert _names(received_march) == ["Nguyễn Văn Đức"]
    assert _names(returned) == []
    assert _names(default) == ["Nguyễn Văn Đức"]  # without dates: the open links only
    assert "Issued from" in issued_2024.content.decode()
    assert 'name="issued_from" value="2024-01-01"' in issued_2024.content.decode()


def test_book_lists_the_links_active_or_overdue_on_a_past_day(client, world):
    two_links(world)
    client.force_login(world.commune_clerk)
    url = reverse("registry:book", args=[world.commune_a_committee.pk])

    active_2024 = client.get(url, {"active_on": "2024-05-01"})
    active_after = client.get(url, {"active_on": "2024-06-30"})
    ResidenceLink.objects.filter(member=world.member_w1).update(deadline=MONDAY + 3 * DAY)
    overdue_before_receipt = client.get(url, {"overdue_on": (MONDAY + 5 * DAY).isoformat()})
    not_overdue_once_received = client.get(url, {"overdue_on": (MONDAY + 7 * DAY).isoformat()})

    assert _names(active_2024) == ["Trần Thị Bình"]
    assert _names(active_after) == []  # ended that day
    assert _names(overdue_before_receipt) == ["Nguyễn Văn Đức"]
    assert _names(not_overdue_once_received) == []


def test_book_dates_never_reach_outside_the_users_scope(client, world):
    two_links(world)
    client.force_login(world.other_clerk)

    response = client.get(
        reverse("registry:book", args=[world.commune_b_committee.pk]),
        {"issued_from": "2000-01-01"},
    )

    assert _names(response) == []


def test_book_refuses_an_unreadable_date_with_no_rows_changed(client, world):
    two_links(world)
    client.force_login(world.commune_clerk)

    response = client.get(
        reverse("registry:book", args=[world.commune_a_committee.pk]), {"issued_from": "soon"}
    )

    assert response.status_code == 200
    assert response.context["filter"].errors
