"""XLSX exports of the tracking book and of the workplace mirror: a real spreadsheet."""

import datetime
import io

from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from lienhe213.registry.tests.conftest import MONDAY, link_at
from lienhe213.registry.tests.test_views import linked_members


def _sheet(response):
    return load_workbook(io.BytesIO(response.content)).active


def test_book_export_in_vietnamese_has_date_cells_and_one_row_per_linked_member(world):
    link_at(world, "assigned")
    linked_members(world, 2)
    client = Client()  # no language cookie: Vietnamese, the site's language
    client.force_login(world.commune_clerk)

    response = client.get(
        reverse("registry:book", args=[world.commune_a_committee.pk]), {"format": "xlsx"}
    )

    sheet = _sheet(response)
    rows = list(sheet.iter_rows(values_only=True))
    headers = rows[0]
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"] == (
        'attachment; filename="dang-bo-phuong-ha-giang-1-2026-01-15.xlsx"'
    )
    assert headers[2:4] == ("Ngày sinh", "Giới tính")
    assert headers[8] == "Điện thoại"
    assert headers[12] == "Số giấy giới thiệu"
    # Vietnamese order, given name first: Đức before Lan.
    assert [row[1] for row in rows[1:]] == [
        "Nguyễn Văn Đức",
        "Trần Thị Lan 000",
        "Trần Thị Lan 001",
    ]
    assert [row[0] for row in rows[1:]] == [1, 2, 3]
    birth = sheet.cell(row=2, column=3)
    issued = sheet.cell(row=2, column=14)
    assert birth.value == datetime.datetime(1985, 3, 14)
    assert birth.number_format == "dd/mm/yyyy"
    assert issued.value == datetime.datetime.combine(MONDAY, datetime.time())
    assert issued.is_date
    assert sheet.cell(row=2, column=17).value == "Chi bộ tổ 2"
    assert sheet.cell(row=3, column=17).value is None
    assert sheet.freeze_panes == "A2"


def test_book_export_follows_the_filters(client, world):
    link_at(world, "assigned")
    linked_members(world, 2)
    client.force_login(world.commune_clerk)

    response = client.get(
        reverse("registry:book", args=[world.commune_a_committee.pk]),
        {"format": "xlsx", "status": "assigned"},
    )

    rows = list(_sheet(response).iter_rows(values_only=True))
    assert rows[0][:3] == ("No.", "Full name", "Date of birth")
    assert [row[1] for row in rows[1:]] == ["Nguyễn Văn Đức"]


def test_cell_book_export_has_no_cell_column(client, world):
    link_at(world, "active")
    client.force_login(world.secretary_a2)

    response = client.get(reverse("registry:book", args=[world.cell_a2.pk]), {"format": "xlsx"})

    rows = list(_sheet(response).iter_rows(values_only=True))
    assert "Residential cell" not in rows[0]
    assert rows[1][1] == "Nguyễn Văn Đức"
    assert rows[1][-3] == "Active"
    assert isinstance(rows[1][-2], datetime.datetime)


def test_workplace_export_lists_where_each_member_is_registered(client, world):
    link_at(world, "assigned")
    client.force_login(world.workplace_officer)

    response = client.get(
        reverse("registry:workplace", args=[world.workplace.pk]), {"format": "xlsx"}
    )

    rows = list(_sheet(response).iter_rows(values_only=True))
    assert rows[1][:7] == (
        1,
        "Nguyễn Văn Đức",
        datetime.datetime(1985, 3, 14),
        "Chi bộ Văn phòng Sở",
        "Normal",
        "Đảng bộ phường Hà Giang 1",
        "Chi bộ tổ 2",
    )
    assert rows[1][9] == "Assigned to a cell"
