"""The dashboards of the home page: each role's own numbers, through the real pages.

Like the reports, they run at 9:00 on 15/01/2026 whatever day the suite runs: the
current year is 2026 and the 2025 cycle of ``year_in_commune_a`` is last year's."""

import datetime
from collections.abc import Iterator

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from lienhe213.accounts import dashboards
from lienhe213.reports.tests.conftest import NOW, rows_elsewhere, year_in_commune_a


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    with time_machine.travel(NOW.astimezone(datetime.UTC), tick=False):
        yield


@pytest.fixture(autouse=True)
def empty_cache():
    # The dashboards are cached per user, organization and day; ids repeat across tests.
    cache.clear()
    yield
    cache.clear()


def _board(client, user, org, role, **query):
    client.force_login(user)
    url = reverse("accounts:dashboard", args=[org.pk, role])
    return client.get(url, query)


def _cards(response):
    return {card.key: (card.value, card.of) for card in response.context["dashboard"].cards}


def _rows(response):
    return [(row.name, row.figures) for row in response.context["dashboard"].rows]


def test_the_numbers_page_loads_each_roles_dashboard_lazily(client, world):
    client.force_login(world.commune_clerk)

    response = client.get(reverse("accounts:numbers"))

    url = reverse("accounts:dashboard", args=[world.commune_a_committee.pk, "commune_clerk"])
    assert f'hx-get="{url}" hx-trigger="load"' in response.content.decode()


def test_member_role_has_no_dashboard(client, world):
    client.force_login(world.member_user)

    response = client.get(reverse("accounts:numbers"))

    assert "hx-get" not in response.content.decode()


def test_commune_dashboard_shows_the_communes_numbers_only(client, world):
    _link, campaign = year_in_commune_a(world)
    rows_elsewhere(world, campaign)

    response = _board(
        client, world.commune_clerk, world.commune_a_committee, "commune_clerk", year=2025
    )

    assert response.status_code == 200
    assert _cards(response) == {
        "working_members": (1, None),
        "active_links": (1, None),
        "letters_overdue": (0, None),
        "meetings_held": (1, 2),
        "comments_returned_on_time": (0, 1),
        "good_example_share": (100.0, None),
        "cells_uniform_ratings": (1, None),
        "notices_answered_on_time": (0, 1),
        "problems": (0, None),
    }
    assert _rows(response) == [
        ("Chi bộ tổ 1", [1, 0, 0, 0, 0, 0, None]),
        ("Chi bộ tổ 2", [0, 1, 0, 1, 2, 1, 100.0]),
    ]
    body = response.content.decode()
    assert "Chi bộ tổ 1" in body
    assert world.cell_b1.name not in body
    assert world.commune_b_committee.name not in body


def test_provincial_dashboard_drills_down_to_communes_and_workplaces(client, world):
    _link, campaign = year_in_commune_a(world)
    rows_elsewhere(world, campaign)

    response = _board(
        client, world.provincial_officer, world.province, "provincial_officer", year=2025
    )

    cards = _cards(response)
    assert cards["working_members"] == (5, None)
    assert cards["active_links"] == (2, None)
    assert cards["meetings_held"] == (2, 4)
    assert cards["good_example_share"] == (100.0, None)
    assert [name for name, _figures in _rows(response)] == [
        "Đảng bộ phường Hà Giang 1",
        "Đảng bộ xã Lâm Bình",
        "Đảng bộ Sở Giáo dục và Đào tạo",
        "Đảng bộ Sở Y tế",
    ]
    commune_url = reverse("reports:organization", args=[world.commune_b_committee.pk])
    assert f'href="{commune_url}?year=2025"' in response.content.decode()


def test_workplace_dashboard_shows_its_members_links_letters_and_comments(client, world):
    _link, campaign = year_in_commune_a(world)
    rows_elsewhere(world, campaign)

    response = _board(
        client, world.workplace_officer, world.workplace, "workplace_officer", year=2025
    )

    assert _cards(response) == {
        "working_members": (2, None),
        "active_links": (2, None),
        "letters_issued": (2, None),
        "letters_overdue": (0, None),
        "comments_returned": (2, 2),
        "comments_returned_on_time": (0, 2),
        "recommend_awaiting_follow_up": (0, None),
        "problems": (0, None),
    }
    assert _rows(response) == [("Chi bộ Văn phòng Sở", [2, 2, 2, 0, 2, 2])]
    assert response.context["dashboard"].chart == []


def test_cell_dashboard_shows_meetings_comments_and_absences(client, world):
    _link, campaign = year_in_commune_a(world)
    rows_elsewhere(world, campaign)

    response = _board(client, world.secretary_a2, world.cell_a2, "cell_secretary", year=2025)

    assert _cards(response) == {
        "active_links": (1, None),
        "meetings_held": (1, 2),
        "attendance_rate": (100.0, None),
        "comments_returned": (1, 1),
        "cells_uniform_ratings": (1, None),
        "comments_to_write": (0, None),
        "absent_twice": (0, None),
    }
    urls = {card.key: card.url for card in response.context["dashboard"].cards}
    assert urls["meetings_held"] == (
        reverse("meetings:held_list", args=[world.cell_a2.pk])
        + "?date_from=2025-01-01&date_to=2025-12-31"
    )
    assert urls["comments_to_write"] == reverse("comments:cell", args=[world.cell_a2.pk])
    assert urls["absent_twice"] == reverse("meetings:overdue", args=[world.cell_a2.pk])
    assert _rows(response) == []


def test_other_cell_sees_nothing_of_cell_a2(client, world):
    year_in_commune_a(world)

    response = _board(client, world.secretary_a1, world.cell_a1, "cell_secretary", year=2025)

    cards = _cards(response)
    assert cards["active_links"] == (0, None)
    assert cards["meetings_held"] == (0, 0)
    assert cards["comments_returned"] == (0, 0)


def test_current_year_cards_lead_to_the_lists_behind_them(client, world):
    response = _board(client, world.commune_clerk, world.commune_a_committee, "commune_clerk")

    pk = world.commune_a_committee.pk
    urls = {card.key: card.url for card in response.context["dashboard"].cards}
    assert response.context["dashboard"].year == 2026
    start, end = "2026-01-01", "2026-12-31"
    assert urls == {
        "working_members": f"/members/?organization={pk}&employment=working",
        "active_links": reverse("registry:book", args=[pk]) + "?status=active",
        "letters_overdue": reverse("registry:book", args=[pk]) + "?overdue=1",
        "meetings_held": reverse("meetings:held_list", args=[pk])
        + f"?date_from={start}&date_to={end}",
        "comments_returned_on_time": reverse("comments:commune", args=[pk])
        + f"?requested_from={start}&requested_to={end}&status=all&returned_on_time=1",
        "good_example_share": reverse("comments:progress", args=[pk]),
        "cells_uniform_ratings": reverse("comments:progress", args=[pk])
        + f"?requested_from={start}&requested_to={end}",
        "notices_answered_on_time": reverse("notices:outbox", args=[pk])
        + f"?both=1&sent_from={start}&sent_to={end}&answered_on_time=1",
        "problems": reverse("registry:worklist", args=[pk]),
    }


def test_current_year_rows_lead_to_each_childs_lists(client, world):
    response = _board(client, world.commune_clerk, world.commune_a_committee, "commune_clerk")

    first = response.context["dashboard"].rows[0]
    pk = world.cell_a1.pk
    assert first.name == "Chi bộ tổ 1"
    assert first.urls[:3] == [
        f"/members/?organization={pk}&employment=working",
        reverse("registry:book", args=[pk]) + "?status=active",
        reverse("registry:book", args=[pk]) + "?overdue=1",
    ]
    assert f'href="{reverse("registry:book", args=[pk])}?overdue=1"' in response.text


def test_htmx_gets_the_fragment_only(client, world):
    client.force_login(world.commune_clerk)
    url = reverse("accounts:dashboard", args=[world.commune_a_committee.pk, "commune_clerk"])

    response = client.get(url, headers={"HX-Request": "true"})

    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<div class="dashboard"')
    assert "<html" not in body


def test_dashboard_of_a_commune_out_of_sight_is_404(client, world):
    response = _board(
        client, world.commune_clerk, world.commune_b_committee, "commune_clerk", year=2025
    )

    assert response.status_code == 404


def test_dashboard_of_a_role_not_held_is_403(client, world):
    response = _board(client, world.commune_clerk, world.cell_a1, "cell_secretary")

    assert response.status_code == 403


def test_dashboard_of_an_unknown_role_is_404(client, world):
    response = _board(client, world.commune_clerk, world.commune_a_committee, "member")

    assert response.status_code == 404


def test_dashboard_is_computed_once_per_day(client, world, django_assert_max_num_queries):
    client.force_login(world.provincial_officer)
    url = reverse("accounts:dashboard", args=[world.province.pk, "provincial_officer"])
    client.get(url)

    # session, user, roles, organization, the role check, the unread notifications
    with django_assert_max_num_queries(6):
        response = client.get(url)

    assert response.status_code == 200
    assert dashboards.CACHE_SECONDS == 300


def test_dashboard_cache_is_per_user(client, world):
    year_in_commune_a(world)
    _board(client, world.provincial_officer, world.province, "provincial_officer", year=2025)

    response = _board(client, world.commune_clerk, world.commune_a_committee, "commune_clerk")

    assert response.context["dashboard"].organization_pk == world.commune_a_committee.pk


def test_workplace_dashboard_flags_the_proposals_awaiting_follow_up(client, world):
    from lienhe213.comments.tests.conftest import BEST_FORM_3, open_campaign, request_at

    campaign = open_campaign(world)
    items = {**BEST_FORM_3, "recommendation": "consider_handling"}
    request = request_at(world, "returned", campaign=campaign, items=items)

    response = _board(
        client, world.workplace_officer, world.workplace, "workplace_officer", year=2025
    )

    card = next(
        c for c in response.context["dashboard"].cards if c.key == "recommend_awaiting_follow_up"
    )
    assert (card.value, card.label, card.flagged) == (1, "Proposals awaiting follow-up", True)
    listed = client.get(card.url)
    assert [row.pk for row in listed.context["page"].rows] == [request.pk]
