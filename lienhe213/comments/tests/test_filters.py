"""One filter set (``comments.filters.CommentRequestFilter``) for the pages and the API:
the same parameters, named the same, give the same rows."""

import pytest
from django.urls import reverse

from lienhe213.comments.tests.test_report_filters import four_comments

API = "/api/v1/comments/requests/"
YEAR = {"requested_from": "2025-01-01", "requested_to": "2025-12-31"}


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"good_example": "true"},
        {"good_example": "false"},
        {"returned_on_time": "true"},
        {"returned": "false"},
        {"recommendation": "commend"},
        {"good_example": "true", "recommendation": "commend"},
        {"side": "residence"},
    ],
)
def test_the_subtree_page_and_the_api_give_the_same_rows(client, api, world, params):
    four_comments(world)
    org = world.commune_a_committee
    client.force_login(world.commune_clerk)
    api.force_authenticate(world.commune_clerk)

    page = client.get(reverse("comments:subtree", args=[org.pk]), {**YEAR, **params})
    answer = api.get(API, {**YEAR, **params, "subtree": org.pk})

    assert page.status_code == answer.status_code == 200
    rows = sorted(row.pk for row in page.context["page"].rows)
    assert rows == sorted(row["id"] for row in answer.json()["results"])


def test_good_example_narrows_the_commune_page_as_the_api(client, api, world):
    four_comments(world)
    org = world.commune_a_committee
    client.force_login(world.commune_clerk)
    api.force_authenticate(world.commune_clerk)
    query = {**YEAR, "good_example": "true"}

    page = client.get(reverse("comments:commune", args=[org.pk]), {**query, "status": "all"})
    answer = api.get(API, {**query, "subtree": org.pk})

    names = [row.member.full_name for row in page.context["page"].rows]
    assert names == ["Nguyễn Văn An"]
    assert [row["member"] for row in answer.json()["results"]] == [
        page.context["page"].rows[0].member_id
    ]


def test_the_page_checkbox_and_the_old_name_still_read(client, world):
    four_comments(world)
    url = reverse("comments:subtree", args=[world.commune_a_committee.pk])
    client.force_login(world.commune_clerk)

    checkbox = client.get(url, {**YEAR, "good_example": "on"})
    old_name = client.get(url, {**YEAR, "item1_best": "1"})

    assert [r.member.full_name for r in checkbox.context["page"].rows] == ["Nguyễn Văn An"]
    assert [r.member.full_name for r in old_name.context["page"].rows] == ["Nguyễn Văn An"]
    assert 'type="checkbox" name="good_example" id="id_good_example" checked' in (
        checkbox.content.decode()
    )
