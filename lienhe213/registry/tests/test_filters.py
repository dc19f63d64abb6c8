"""One filter set (``registry.filters.ResidenceLinkFilter``) for a subtree's links page
and the links API: the same parameters, named the same, give the same rows."""

import datetime

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from lienhe213.registry.models import ResidenceLink
from lienhe213.registry.tests.test_subtree_links import YEAR, two_communes

API = "/api/v1/links/"


@pytest.mark.parametrize(
    "params",
    [
        YEAR,
        {**YEAR, "side": "residence"},
        {**YEAR, "side": "workplace"},
        {**YEAR, "q": "binh"},
        {"status": "active"},
        {"active_on": "2025-12-31"},
        {"overdue_on": "2025-12-31"},
        {"received_from": "2025-01-01"},
        {"issued_to": "2024-12-31"},
        {**YEAR, "category": "normal"},
        {**YEAR, "overdue": "true"},
    ],
)
@pytest.mark.parametrize("org", ["commune_a_committee", "workplace"])
def test_the_subtree_page_and_the_api_give_the_same_rows(client, world, org, params):
    # given links to two communes from the workplace
    two_communes(world)
    pk = getattr(world, org).pk
    client.force_login(world.provincial_officer)
    api = APIClient()
    api.force_authenticate(world.provincial_officer)

    # when the page and the API are asked the same
    page = client.get(reverse("registry:subtree_links", args=[pk]), params)
    answer = api.get(API, {**params, "subtree": pk})

    # then they list the same links
    assert page.status_code == answer.status_code == 200
    rows = sorted(link.pk for link in page.context["page"].rows)
    assert rows == sorted(row["id"] for row in answer.json()["results"])


def test_without_a_status_or_a_date_only_the_page_narrows_to_the_open_links(client, world):
    two_communes(world)
    ResidenceLink.objects.filter(member=world.member_w1).update(
        status="closed", ended_on=datetime.date(2025, 10, 1)
    )
    pk = world.province.pk
    client.force_login(world.provincial_officer)
    api = APIClient()
    api.force_authenticate(world.provincial_officer)

    page = client.get(reverse("registry:subtree_links", args=[pk]))
    answer = api.get(API, {"subtree": pk})

    assert len(page.context["page"].rows) == 2
    assert len(answer.json()["results"]) == 3
    assert 'value="" selected>Open links</option>' in page.content.decode()
