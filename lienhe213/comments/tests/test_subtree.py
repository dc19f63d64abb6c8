"""The comment requests of any subtree (``comments:subtree``): the rows behind a
report's comment figures where no commune list holds them, scoped by ``visible_to``,
filtered by the shared conditions, exported, refusing unreadable filters."""

import io

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from lienhe213.comments.tests.conftest import cycle_state, request_at
from lienhe213.comments.tests.test_queries import linked
from lienhe213.comments.tests.test_report_filters import four_comments

YEAR = {"requested_from": "2025-01-01", "requested_to": "2025-12-31"}


def url(org):
    return reverse("comments:subtree", args=[org.pk])


def names(response):
    assert response.status_code == 200
    return [r.member.full_name for r in response.context["page"].rows]


def test_the_province_lists_every_request_of_its_subtree_by_the_figures_filters(client, world):
    four_comments(world)
    client.force_login(world.provincial_officer)

    requested = client.get(url(world.province), YEAR)
    returned = client.get(url(world.province), {**YEAR, "status": "reached-returned"})
    on_time = client.get(url(world.province), {**YEAR, "returned_on_time": "1"})
    best = client.get(url(world.province), {**YEAR, "good_example": "1"})
    commend = client.get(url(world.province), {**YEAR, "recommendation": "commend"})
    last_year = client.get(
        url(world.province), {"requested_from": "2024-01-01", "requested_to": "2024-12-31"}
    )

    # Vietnamese order: by given name
    assert names(requested) == [
        "Nguyễn Văn An",
        "Nguyễn Văn Bình",
        "Nguyễn Văn Cúc",
        "Nguyễn Văn Hà",
    ]
    assert names(returned) == ["Nguyễn Văn An", "Nguyễn Văn Bình", "Nguyễn Văn Hà"]
    assert names(on_time) == ["Nguyễn Văn An"]
    assert names(best) == ["Nguyễn Văn An", "Nguyễn Văn Hà"]
    assert names(commend) == ["Nguyễn Văn An"]
    assert names(last_year) == []
    first = requested.context["page"].rows[0]
    assert reverse("comments:request", args=[first.pk]) in requested.content.decode()


def test_the_side_filter_reads_the_residence_or_the_workplace(client, world):
    four_comments(world)
    client.force_login(world.provincial_officer)

    cell_a2 = client.get(url(world.cell_a2), {**YEAR, "side": "residence"})
    workplace = client.get(url(world.workplace), {**YEAR, "side": "workplace"})
    workplace_cell = client.get(url(world.workplace_cell), {**YEAR, "side": "party_unit"})
    commune_b_workplace = client.get(url(world.commune_b_committee), {**YEAR, "side": "workplace"})

    assert names(cell_a2) == ["Nguyễn Văn An", "Nguyễn Văn Cúc"]
    assert len(names(workplace)) == 4
    assert names(workplace_cell) == names(workplace)
    assert names(commune_b_workplace) == []


def test_a_commune_clerk_sees_only_the_requests_of_their_commune(client, world):
    four_comments(world)
    client.force_login(world.commune_clerk)

    own = client.get(url(world.commune_a_committee), YEAR)
    statuses = [
        client.get(url(org), YEAR).status_code
        for org in (world.commune_b_committee, world.province, world.workplace)
    ]
    forged = client.get(reverse("comments:subtree", args=[999999]), YEAR)

    assert names(own) == ["Nguyễn Văn An", "Nguyễn Văn Bình", "Nguyễn Văn Cúc"]
    assert statuses == [404, 404, 404]
    assert forged.status_code == 404


def test_a_cell_secretary_reads_their_cells_requests_only(client, world):
    four_comments(world)
    client.force_login(world.secretary_a2)

    assert names(client.get(url(world.cell_a2), YEAR)) == ["Nguyễn Văn An", "Nguyễn Văn Cúc"]
    assert client.get(url(world.cell_a1), YEAR).status_code == 404


def test_unreadable_filters_are_refused_with_a_message_and_list_nothing(client, world):
    four_comments(world)
    client.force_login(world.provincial_officer)
    before = cycle_state()

    bad = [
        {"requested_from": "2025-13-01"},
        {"side": "both"},
        {"status": "lost"},
        {"recommendation": "praise"},
        {"requested_from": "2025-12-31", "requested_to": "2025-01-01"},
    ]
    responses = [client.get(url(world.province), query) for query in bad]

    assert [r.status_code for r in responses] == [400] * len(bad)
    assert all(r.context["page"].rows == [] for r in responses)
    assert "Enter a valid date." in responses[0].content.decode()
    assert "Select a valid choice." in responses[1].content.decode()
    assert "The end of the period is before its start." in responses[4].content.decode()
    assert cycle_state() == before


def test_export_holds_the_same_rows(world):
    four_comments(world)
    client = Client()  # Vietnamese, the site's language
    client.force_login(world.provincial_officer)
    query = {**YEAR, "status": "reached-returned"}

    page = client.get(url(world.province), query)
    xlsx = client.get(url(world.province), {**query, "format": "xlsx"})
    pdf = client.get(url(world.province), {**query, "format": "pdf"})

    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert rows[0][1] == "Họ và tên"
    assert [row[1] for row in rows[1:]] == [r.member.full_name for r in page.context["page"].rows]
    assert [row[5] for row in rows[1:]] == ["Chi bộ tổ 2", "Chi bộ tổ 1", "Chi bộ thôn Nà Tông"]
    assert rows[1][9] == "Biểu dương"
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"


def test_the_page_does_not_query_per_row(client, world):
    campaign = request_at(world, "returned").campaign
    client.force_login(world.provincial_officer)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url(world.province), YEAR).status_code == 200
        return len(queries)

    one = count()
    for name in ("Bình", "Cúc", "Hà"):
        request_at(world, "returned", campaign=campaign, link=linked(world, world.cell_a1, name))

    assert count() == one
    assert one <= 8


def test_the_api_lists_the_same_rows_and_refuses_what_it_cannot_read(client, world):
    from rest_framework.test import APIClient

    four_comments(world)
    client.force_login(world.provincial_officer)
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    api.force_authenticate(world.provincial_officer)
    base = "/api/v1/comments/requests/"

    def ids(response):
        assert response.status_code == 200, response.content
        return sorted(row["id"] for row in response.json()["results"])

    def page_ids(query):
        return sorted(r.pk for r in client.get(url(world.cell_a2), query).context["page"].rows)

    cell = {**YEAR, "subtree": world.cell_a2.pk, "side": "residence"}
    assert ids(api.get(base, cell)) == page_ids({**YEAR, "side": "residence"})
    assert len(ids(api.get(base, cell))) == 2
    on_time = api.get(base, {**YEAR, "subtree": world.province.pk, "returned_on_time": "true"})
    late = api.get(
        base,
        {**YEAR, "subtree": world.province.pk, "returned": "true", "returned_on_time": "false"},
    )
    commend = api.get(base, {"recommendation": "commend"})
    assert [row["member_name"] for row in on_time.json()["results"]] == ["Nguyễn Văn An"]
    assert len(ids(late)) == 2
    assert len(ids(commend)) == 1
    side_alone = api.get(base, {"side": "residence"})
    backwards = api.get(base, {"requested_from": "2025-12-31", "requested_to": "2025-01-01"})
    assert (side_alone.status_code, backwards.status_code) == (400, 400)
    assert "give subtree too" in side_alone.json()["side"][0]
    assert api.get(base, {"recommendation": "praise"}).status_code == 400
