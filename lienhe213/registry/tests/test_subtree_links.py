"""The links of any subtree (``registry:subtree_links``): the rows behind a report's
link figures where no book holds them, scoped by ``visible_to``, filtered by the same
conditions as the figures, exported, refusing unreadable filters."""

import datetime
import io

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from conftest import member_fields
from lienhe213.members.services import create_member
from lienhe213.registry import services
from lienhe213.registry.models import ResidenceLink
from lienhe213.registry.tests.conftest import MONDAY, book_state, classify, link_at
from lienhe213.registry.tests.test_views import second_member

YEAR = {"issued_from": "2025-01-01", "issued_to": "2025-12-31"}


def url(org):
    return reverse("registry:subtree_links", args=[org.pk])


def names(response):
    assert response.status_code == 200
    return [link.member.full_name for link in response.context["page"].rows]


def link_in_commune_b(world, given_name="Pọm"):
    """A working member of the workplace linked to cell B1 (assigned)."""
    member = create_member(
        by=world.root_user,
        **member_fields(
            world.workplace_cell,
            family_name="Lò",
            given_name=given_name,
            party_card_number="72345678",
            residence_commune=world.commune_b,
        ),
    )
    classify(world, member)
    link = services.issue_letter(
        by=world.root_user, workplace=world.workplace, member=member, issued_on=MONDAY
    )
    link = services.receive_letter(by=world.root_user, link=link, received_on=MONDAY)
    return services.assign_to_cell(
        by=world.root_user, link=link, cell=world.cell_b1, assigned_on=MONDAY
    )


def two_communes(world):
    """member_w1 active in cell A2, Bình's letter issued to commune A, Pọm in cell B1."""
    link_at(world, "active")
    link_at(world, "issued", member=second_member(world))
    link_in_commune_b(world)


def test_the_province_lists_every_link_of_its_subtree_in_vietnamese_name_order(client, world):
    two_communes(world)
    client.force_login(world.provincial_officer)

    response = client.get(url(world.province), YEAR)

    assert names(response) == ["Trần Thị Bình", "Nguyễn Văn Đức", "Lò Văn Pọm"]
    detail = reverse("registry:link_detail", args=[response.context["page"].rows[0].pk])
    assert detail in response.content.decode()


def test_the_figures_conditions_and_sides_narrow_the_rows(client, world):
    two_communes(world)
    client.force_login(world.provincial_officer)

    active = client.get(url(world.province), {"active_on": "2025-12-31"})
    overdue = client.get(url(world.province), {"overdue_on": "2025-12-31"})
    received = client.get(url(world.province), {"received_from": "2025-01-01"})
    last_year = client.get(url(world.province), {"issued_to": "2024-12-31"})
    residence_a = client.get(url(world.commune_a_committee), {**YEAR, "side": "residence"})
    workplace_a = client.get(url(world.commune_a_committee), {**YEAR, "side": "workplace"})
    workplace = client.get(url(world.workplace), {**YEAR, "side": "workplace"})
    party_unit = client.get(url(world.workplace_cell), {**YEAR, "side": "party_unit"})

    assert names(active) == ["Nguyễn Văn Đức"]
    assert names(overdue) == ["Trần Thị Bình"]
    assert names(received) == ["Nguyễn Văn Đức", "Lò Văn Pọm"]
    assert names(last_year) == []
    assert names(residence_a) == ["Trần Thị Bình", "Nguyễn Văn Đức"]
    assert names(workplace_a) == []
    assert names(workplace) == ["Trần Thị Bình", "Nguyễn Văn Đức", "Lò Văn Pọm"]
    assert names(party_unit) == names(workplace)


def test_without_a_date_or_a_status_the_open_links_are_listed(client, world):
    two_communes(world)
    ended = ResidenceLink.objects.get(member=world.member_w1)
    ResidenceLink.objects.filter(pk=ended.pk).update(
        status="closed", ended_on=datetime.date(2025, 10, 1)
    )
    client.force_login(world.provincial_officer)

    assert names(client.get(url(world.province))) == ["Trần Thị Bình", "Lò Văn Pọm"]
    assert names(client.get(url(world.province), {"status": "closed"})) == ["Nguyễn Văn Đức"]
    moved_out = {"moved_out_from": "2025-10-01", "moved_out_to": "2025-10-31"}
    assert names(client.get(url(world.province), moved_out)) == ["Nguyễn Văn Đức"]


def test_a_commune_clerk_sees_only_the_rows_of_their_commune(client, world):
    two_communes(world)
    client.force_login(world.commune_clerk)

    own = client.get(url(world.commune_a_committee), YEAR)
    other = client.get(url(world.commune_b_committee), YEAR)
    province = client.get(url(world.province), YEAR)
    forged = client.get(reverse("registry:subtree_links", args=[999999]), YEAR)

    assert names(own) == ["Trần Thị Bình", "Nguyễn Văn Đức"]
    assert {link.residence_commune_organization_id for link in own.context["page"].rows} == {
        world.commune_a_committee.pk
    }
    assert (other.status_code, province.status_code, forged.status_code) == (404, 404, 404)


def test_a_cell_secretary_sees_only_the_links_of_their_cell(client, world):
    two_communes(world)
    client.force_login(world.secretary_a2)

    response = client.get(url(world.cell_a2), YEAR)

    # Bình's letter has no cell yet: the commune holds it, not cell A2
    assert names(response) == ["Nguyễn Văn Đức"]
    assert client.get(url(world.cell_a1), YEAR).status_code == 404


def test_unreadable_filters_are_refused_with_a_message_and_list_nothing(client, world):
    two_communes(world)
    client.force_login(world.provincial_officer)
    before = book_state()

    bad = [
        {"issued_from": "2025-13-01"},
        {"active_on": "yesterday"},
        {"side": "sideways"},
        {"status": "lost"},
        {"issued_from": "2025-12-31", "issued_to": "2025-01-01"},
    ]
    responses = [client.get(url(world.province), query) for query in bad]

    assert [r.status_code for r in responses] == [400] * len(bad)
    assert all(r.context["page"].rows == [] for r in responses)
    assert "Enter a valid date." in responses[0].content.decode()
    assert "Select a valid choice." in responses[2].content.decode()
    assert "The end of the period is before its start." in responses[4].content.decode()
    assert book_state() == before


def test_export_holds_the_same_rows_with_vietnamese_headers(world):
    two_communes(world)
    client = Client()  # no language cookie: Vietnamese, the site's language
    client.force_login(world.provincial_officer)
    query = {**YEAR, "side": "workplace"}

    page = client.get(url(world.workplace), query)
    xlsx = client.get(url(world.workplace), {**query, "format": "xlsx"})
    pdf = client.get(url(world.workplace), {**query, "format": "pdf"})

    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert rows[0][1] == "Họ và tên"
    assert rows[0][3:5] == ("Cấp ủy nơi công tác", "Đảng ủy xã, phường nơi cư trú")
    assert [row[1] for row in rows[1:]] == [
        link.member.full_name for link in page.context["page"].rows
    ]
    assert [row[0] for row in rows[1:]] == [1, 2, 3]
    assert rows[1][8].date() == MONDAY  # the issue date, a date cell
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"


def test_the_page_does_not_query_per_row(client, world):
    link_at(world, "active")
    client.force_login(world.provincial_officer)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url(world.province), YEAR).status_code == 200
        return len(queries)

    one = count()
    link_at(world, "issued", member=second_member(world))
    link_in_commune_b(world)

    assert count() == one
    assert one <= 8


def test_the_api_lists_the_same_rows_and_refuses_what_it_cannot_read(client, world):
    from rest_framework.test import APIClient

    two_communes(world)
    client.force_login(world.commune_clerk)
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    api.force_authenticate(world.commune_clerk)
    query = {**YEAR, "subtree": world.commune_a_committee.pk, "side": "residence"}

    page = client.get(url(world.commune_a_committee), {**YEAR, "side": "residence"})
    listed = api.get("/api/v1/links/", query)
    overdue = api.get("/api/v1/links/", {"subtree": world.province.pk, "overdue_on": "2025-12-31"})
    side_alone = api.get("/api/v1/links/", {"side": "residence"})
    bad_date = api.get("/api/v1/links/", {"active_on": "2025-02-30"})
    other = api.get("/api/v1/links/", {"subtree": world.commune_b_committee.pk})

    assert sorted(row["id"] for row in listed.json()["results"]) == sorted(
        link.pk for link in page.context["page"].rows
    )
    assert len(listed.json()["results"]) == 2
    assert overdue.status_code == 400  # the province is out of the clerk's sight
    assert side_alone.status_code == 400
    assert "give subtree too" in side_alone.json()["side"][0]
    assert bad_date.status_code == 400
    assert other.status_code == 400
