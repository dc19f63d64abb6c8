"""The overdue page's XLSX export: both lists whole, within the organization's subtree."""

import datetime
import io

from django.urls import reverse
from openpyxl import load_workbook

from lienhe213.meetings.tests.conftest import TODAY, held_meeting, linked, working_member


def _workbook(response):
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content))


def _rows(sheet):
    return list(sheet.iter_rows(values_only=True))


def test_export_lists_the_cells_without_a_meeting(client, world):
    linked(world)
    client.force_login(world.commune_clerk)

    response = client.get(
        reverse("meetings:overdue", args=[world.commune_a_committee.pk]), {"format": "xlsx"}
    )

    workbook = _workbook(response)
    assert workbook.sheetnames == ["Cells without a meeting", "Absent twice"]
    assert _rows(workbook["Cells without a meeting"]) == [
        ("No.", "Cell", "Last meeting held"),
        (1, "Chi bộ tổ 2", None),
    ]
    assert _rows(workbook["Absent twice"]) == [
        ("No.", "Full name", "Date of birth", "Cell", "Commune")
    ]


def test_export_lists_the_members_absent_twice_in_vietnamese_order(client, world):
    other = working_member(world, "Ánh", "002085009991")
    linked(world)
    linked(world, member=other)
    absent = {world.member_w1: "absent", other: "absent"}
    held_meeting(world, TODAY - datetime.timedelta(days=60), absent)
    last = held_meeting(world, TODAY - datetime.timedelta(days=30), absent)
    client.force_login(world.provincial_officer)

    response = client.get(reverse("meetings:overdue", args=[world.province.pk]), {"format": "xlsx"})

    workbook = _workbook(response)
    assert _rows(workbook["Cells without a meeting"])[1:] == []
    rows = _rows(workbook["Absent twice"])
    assert [row[1] for row in rows[1:]] == ["Nguyễn Văn Ánh", "Nguyễn Văn Đức"]
    assert rows[1][2] == datetime.datetime(1985, 3, 14)
    assert workbook["Absent twice"]["C2"].number_format == "dd/mm/yyyy"
    assert rows[1][3:] == ("Chi bộ tổ 2", world.commune_a_committee.name)
    assert last.date == datetime.date(2025, 12, 16)


def test_export_of_another_commune_shows_nothing_of_commune_a(client, world):
    linked(world)
    client.force_login(world.other_clerk)

    response = client.get(
        reverse("meetings:overdue", args=[world.commune_b_committee.pk]), {"format": "xlsx"}
    )

    workbook = _workbook(response)
    assert _rows(workbook["Cells without a meeting"])[1:] == []


def test_export_of_a_commune_out_of_sight_is_404(client, world):
    client.force_login(world.other_clerk)

    response = client.get(
        reverse("meetings:overdue", args=[world.commune_a_committee.pk]), {"format": "xlsx"}
    )

    assert response.status_code == 404
