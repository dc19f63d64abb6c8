"""Numbers from the query string are range-checked: a huge or negative id, a page number
past any list, or a limit of a hundred million is a 400 or a bounded page, never a 500."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

API_LISTS = [
    "/api/v1/organizations/",
    "/api/v1/members/",
    "/api/v1/role-assignments/",
    "/api/v1/accounts/",
    "/api/v1/links/",
    "/api/v1/classifications/",
    "/api/v1/meetings/",
    "/api/v1/notices/",
    "/api/v1/comments/campaigns/",
    "/api/v1/comments/requests/",
    "/api/v1/notifications/",
    "/api/v1/documents/",
    "/api/v1/commendations/",
    "/api/v1/imports/",
]

ID_FILTERS = [
    "/api/v1/meetings/?cell=",
    "/api/v1/links/?member=",
    "/api/v1/classifications/?member=",
    "/api/v1/notices/?member=",
]

PAGES = [
    "/members/",
    "/registry/book/{commune}/",
    "/audit/",
    "/imports/",
]


def _api(user):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    token, _created = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.mark.parametrize("url", API_LISTS)
def test_an_api_page_holds_at_most_500_rows_and_any_offset_is_read(world, url):
    client = _api(world.provincial_officer)

    huge_limit = client.get(url, {"limit": "100000000"})
    huge_offset = client.get(url, {"offset": "99999999999999999999999"})

    assert huge_limit.status_code == 200
    assert "limit=500" in (huge_limit.json().get("next") or "limit=500")
    assert huge_offset.status_code == 200
    assert huge_offset.json()["results"] == []


@pytest.mark.parametrize("url", ID_FILTERS)
@pytest.mark.parametrize("value", ["1e40", "-4.5e97", "99999999999999999999999", "0", "-1"])
def test_an_id_filter_out_of_range_is_a_400(world, url, value):
    response = _api(world.provincial_officer).get(url + value)

    assert response.status_code == 400, response.content


def test_a_year_out_of_range_is_a_400(world):
    response = _api(world.provincial_officer).get("/api/v1/commendations/?year=1e40")

    assert response.status_code == 400


@pytest.mark.parametrize("url", PAGES)
def test_a_page_number_past_any_list_is_answered(world, client, url):
    client.force_login(world.provincial_officer)

    response = client.get(
        url.format(commune=world.commune_a_committee.pk), {"page": "99999999999999999999999"}
    )

    assert response.status_code == 200
