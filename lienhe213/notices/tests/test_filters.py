"""One filter set (``notices.filters.NoticeFilter``) for the notice box pages and the
API: the same parameters, named the same, give the same rows."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from lienhe213.notices.tests.test_report_filters import three_notices

API = "/api/v1/notices/"
YEAR = {"sent_from": "2025-01-01", "sent_to": "2025-12-31"}


@pytest.mark.parametrize(
    "params",
    [
        {},
        YEAR,
        {"kind": "violation"},
        {"status": "acknowledged"},
        {"overdue": "true"},
        {"overdue": "false"},
        {"waiting": "true"},
        {**YEAR, "acknowledged": "true"},
        {**YEAR, "acknowledged": "false"},
        {**YEAR, "needs_answer": "true"},
        {**YEAR, "answered_on_time": "true"},
        {"answered_on_time": "false"},
    ],
)
@pytest.mark.parametrize("box", ["inbox", "outbox", "involving"])
def test_the_box_page_and_the_api_give_the_same_rows(client, world, active, box, params):
    # given notices sent and received below commune A, in 2024 and 2025
    three_notices(world, active)
    org = world.commune_a_committee
    client.force_login(world.commune_clerk)
    api = APIClient()
    api.force_authenticate(world.commune_clerk)
    page_box, both = ("outbox", {"both": "1"}) if box == "involving" else (box, {})

    # when the page and the API are asked the same
    page = client.get(reverse(f"notices:{page_box}", args=[org.pk]), {**params, **both})
    answer = api.get(API, {**params, box: org.pk})

    # then they list the same notices
    assert page.status_code == answer.status_code == 200
    rows = sorted(notice.pk for notice in page.context["page"].rows)
    assert rows == sorted(row["id"] for row in answer.json()["results"])


def test_the_page_checkboxes_read_as_the_api_booleans(client, world, active):
    violation, _change = three_notices(world, active)
    url = reverse("notices:outbox", args=[world.commune_a_committee.pk])
    client.force_login(world.commune_clerk)

    checkbox = client.get(url, {**YEAR, "both": "on", "answered_on_time": "on"})
    unreadable = client.get(url, {**YEAR, "both": "1", "overdue": "maybe"})

    assert [n.pk for n in checkbox.context["page"].rows] == [violation.pk]
    assert len(unreadable.context["page"].rows) == 2  # no overdue condition
