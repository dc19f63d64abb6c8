"""XLSX exports of a commune's comment list and of a campaign's progress: the same
scoping and filters as the pages, Vietnamese headers and order, dates as dates."""

import datetime
import io

from django.urls import reverse
from openpyxl import load_workbook

from lienhe213.comments.tests import test_commune_list

spread = test_commune_list.spread  # a commune's requests at every step, and one in B


def _workbook(response):
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content))


def _rows(sheet):
    return list(sheet.iter_rows(values_only=True))


def _commune(world, pk=None, **query):
    return reverse("comments:commune", args=[pk or world.commune_a_committee.pk]), {
        "format": "xlsx",
        **query,
    }


def test_commune_list_export_has_the_headers_and_the_default_rows(client, world, spread):
    client.force_login(world.commune_clerk)

    response = client.get(*_commune(world))

    sheet = _workbook(response).active
    rows = _rows(sheet)
    assert sheet.title == "Comments at the commune"
    assert rows[0] == (
        "No.",
        "Full name",
        "Date of birth",
        "Cell",
        "Workplace committee",
        "Form",
        "Purpose",
        "Requested on",
        "Status",
        "Escalated at",
        "Deadline for return",
    )
    assert [(row[0], row[1], row[3], row[8]) for row in rows[1:]] == [
        (1, "Nguyễn Văn Cúc", "Chi bộ tổ 2", "Signed by the cell"),
        (2, "Nguyễn Văn Dung", "Chi bộ tổ 1", "Confirmed by the commune"),
    ]
    assert isinstance(rows[1][7], datetime.datetime)
    assert sheet["H2"].number_format == "dd/mm/yyyy"
    assert rows[1][10] == datetime.datetime.combine(spread.deadline, datetime.time())


def test_commune_list_export_applies_the_filters(client, world, spread):
    client.force_login(world.commune_clerk)

    everything = _rows(_workbook(client.get(*_commune(world, status="all"))).active)
    in_a2 = _rows(
        _workbook(client.get(*_commune(world, status="all", cell=world.cell_a2.pk))).active
    )

    assert [row[1] for row in everything[1:]] == [
        "Nguyễn Văn An",
        "Nguyễn Văn Bình",
        "Nguyễn Văn Cúc",
        "Nguyễn Văn Dung",
        "Nguyễn Văn Giang",
    ]
    assert [row[1] for row in in_a2[1:]] == ["Nguyễn Văn An", "Nguyễn Văn Cúc", "Nguyễn Văn Giang"]


def test_commune_list_export_keeps_to_the_commune(client, world, spread):
    client.force_login(world.other_clerk)

    rows = _rows(_workbook(client.get(*_commune(world, world.commune_b_committee.pk))).active)
    refused = client.get(*_commune(world))

    assert [row[1] for row in rows[1:]] == ["Nguyễn Văn Hà"]
    assert refused.status_code == 404


def test_progress_export_has_the_steps_and_the_uniform_ratings(client, world, spread):
    client.force_login(world.provincial_officer)

    url = reverse("comments:progress", args=[world.province.pk])

    response = client.get(url, {"format": "xlsx"})

    late = client.get(url).context["late"]  # the page's own figure
    workbook = _workbook(response)
    assert workbook.sheetnames == ["Campaign progress", "Uniform ratings"]
    assert _rows(workbook["Campaign progress"]) == [
        (
            "Commune",
            "Requested",
            "Drafted",
            "Signed",
            "Confirmed",
            "Returned",
            "Acknowledged",
            "Escalated",
        ),
        ("Đảng bộ phường Hà Giang 1", 5, 4, 3, 2, 1, 0, 0),
        ("Đảng bộ xã Lâm Bình", 1, 1, 1, 0, 0, 0, 0),
        ("Total", 6, 5, 4, 2, 1, 0, 0),
        ("Past the deadline, not yet returned:", late, None, None, None, None, None, None),
    ]
    assert _rows(workbook["Uniform ratings"])[0] == ("Organization", "Level", "Comments returned")


def test_progress_export_of_a_commune_counts_only_its_requests(client, world, spread):
    client.force_login(world.commune_clerk)

    response = client.get(
        reverse("comments:progress", args=[world.commune_a_committee.pk]), {"format": "xlsx"}
    )

    rows = _rows(_workbook(response)["Campaign progress"])
    assert [row[0] for row in rows[1:]] == [
        "Đảng bộ phường Hà Giang 1",
        "Total",
        "Past the deadline, not yet returned:",
    ]
