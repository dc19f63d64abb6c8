"""The report pages, the XLSX export and the API, through the real interface."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from lienhe213.reports.tests.conftest import TODAY, year_in_commune_a


def test_index_leads_to_the_users_top_organization(client, world):
    client.force_login(world.commune_clerk)

    response = client.get(reverse("reports:index"))

    assert response.status_code == 302
    assert response["Location"] == reverse(
        "reports:organization", args=[world.commune_a_committee.pk]
    )


def test_report_page_shows_the_figures_and_drills_down(client, world):
    year_in_commune_a(world)
    client.force_login(world.commune_clerk)
    url = reverse("reports:organization", args=[world.commune_a_committee.pk])

    response = client.get(url, {"year": 2025})

    assert response.status_code == 200
    assert response.context["report"].figures["active_links"] == 1
    body = response.content.decode()
    cell_url = reverse("reports:organization", args=[world.cell_a2.pk])
    assert f'href="{cell_url}?year=2025"' in body
    members_url = reverse("members:list")
    assert (
        f"{members_url}?organization={world.commune_a_committee.pk}&amp;employment=working" in body
    )
    assert "<svg" in body


def test_report_page_refuses_a_period_that_makes_no_sense(client, world):
    client.force_login(world.commune_clerk)
    url = reverse("reports:organization", args=[world.commune_a_committee.pk])

    response = client.get(url, {"from": "2025-06-01", "to": "2025-01-01"})

    assert response.status_code == 400
    assert "The period ends before it starts." in response.content.decode()


def test_report_of_an_organization_outside_the_scope_is_404(client, world):
    client.force_login(world.commune_clerk)

    response = client.get(reverse("reports:organization", args=[world.commune_b_committee.pk]))

    assert response.status_code == 404


def test_xlsx_export_has_the_figures(client, world):
    year_in_commune_a(world)
    client.force_login(world.commune_clerk)
    url = reverse("reports:organization", args=[world.commune_a_committee.pk])

    response = client.get(url, {"year": 2025, "format": "xlsx"})

    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="dang-bo-phuong-ha-giang-1-2025.xlsx"'
    )
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Indicators", "Organizations", "Ratings"]
    figures = {row[0]: row[1] for row in workbook["Indicators"].iter_rows(values_only=True)}
    assert figures["Active links"] == 1
    assert figures["Letters issued"] == 1
    assert figures["Attendance rate (%)"] == 100
    children = list(workbook["Organizations"].iter_rows(values_only=True))
    assert [row[0] for row in children[1:]] == ["Chi bộ tổ 1", "Chi bộ tổ 2"]


def _api(user):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    token, _created = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def test_api_gives_the_same_figures(world):
    year_in_commune_a(world)

    response = _api(world.commune_clerk).get(
        "/api/v1/reports/indicators/",
        {"organization": world.commune_a_committee.pk, "year": 2025},
    )

    assert response.status_code == 200
    body = response.json()
    assert body["year"] == 2025
    assert body["on"] == "2025-12-31"
    assert body["figures"]["active_links"] == 1
    assert body["figures"]["good_example_share"] == 100.0
    assert body["reasons"]["abroad"] == 1
    assert body["distribution"]["item_1"] == {"good": 1, "fair": 0, "not_yet": 0}
    assert [child["name"] for child in body["children"]] == ["Chi bộ tổ 1", "Chi bộ tổ 2"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, 400),
        ({"organization": "x"}, 404),
        ({"from": "2025-01-01"}, 400),
        ({"year": "1900"}, 400),
    ],
)
def test_api_refuses_bad_input(world, query, expected):
    params = {"organization": world.commune_a_committee.pk} if query else {}
    params.update(query)

    response = _api(world.commune_clerk).get("/api/v1/reports/indicators/", params)

    assert response.status_code == expected


def test_report_page_of_a_year_without_data(client, world):
    client.force_login(world.provincial_officer)
    url = reverse("reports:organization", args=[world.province.pk])

    response = client.get(url, {"year": 2021})

    assert response.status_code == 200
    figures = response.context["report"].figures
    assert figures["letters_issued"] == 0
    assert figures["attendance_rate"] is None
    assert "—" in response.content.decode()


def test_this_years_report_links_the_numbers_to_todays_lists(client, world):
    year_in_commune_a(world)
    client.force_login(world.commune_clerk)

    response = client.get(reverse("reports:organization", args=[world.commune_a_committee.pk]))

    report = response.context["report"]
    assert (report.period.year, report.on) == (TODAY.year, TODAY)
    body = response.content.decode()
    book = reverse("registry:book", args=[world.cell_a2.pk])
    assert f'href="{book}?status=active"' in body
    assert f'href="{reverse("registry:worklist", args=[world.commune_a_committee.pk])}"' in body


def test_last_years_report_does_not_link_to_todays_book(client, world):
    year_in_commune_a(world)
    client.force_login(world.commune_clerk)
    url = reverse("reports:organization", args=[world.commune_a_committee.pk])

    body = client.get(url, {"year": 2025}).content.decode()

    assert "?status=active" not in body
