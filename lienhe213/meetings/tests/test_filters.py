"""One filter set (``meetings.filters.MeetingFilter``) for the held-meetings page and the
API: the same parameters, named the same, give the same rows."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from lienhe213.meetings.tests.test_held_list import three_meetings

pytestmark = pytest.mark.django_db

API = "/api/v1/meetings/"


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"date_from": "2025-01-01", "date_to": "2025-12-31"},
        {"date_from": "2025-06-01", "date_to": "2025-06-30"},
        {"date_from": "2025-06-03"},
        {"date_to": "2024-12-31"},
    ],
)
@pytest.mark.parametrize("org", ["commune_a_committee", "cell_a2"])
def test_the_held_page_and_the_api_give_the_same_rows(client, world, org, params):
    # given two held meetings and a planned one in cell A2
    three_meetings(world)
    pk = getattr(world, org).pk
    client.force_login(world.commune_clerk)
    api = APIClient()
    api.force_authenticate(world.commune_clerk)

    # when the page and the API are asked for the held meetings of the same subtree
    page = client.get(reverse("meetings:held_list", args=[pk]), params)
    answer = api.get(API, {**params, "subtree": pk, "status": "held"})

    # then they list the same meetings, in the same order
    assert page.status_code == answer.status_code == 200
    assert [m.pk for m in page.context["page"].rows] == [
        row["id"] for row in answer.json()["results"]
    ]


def test_an_unreadable_date_is_no_bound_on_the_page_and_a_400_in_the_api(client, world):
    three_meetings(world)
    pk = world.commune_a_committee.pk
    client.force_login(world.commune_clerk)
    api = APIClient()
    api.force_authenticate(world.commune_clerk)

    page = client.get(reverse("meetings:held_list", args=[pk]), {"date_from": "someday"})
    answer = api.get(API, {"date_from": "someday", "subtree": pk})

    assert len(page.context["page"].rows) == 2
    assert answer.status_code == 400
    assert list(answer.json()) == ["date_from"]
