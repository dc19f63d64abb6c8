"""The member list's XLSX export: the list's scope, filters and order."""

import datetime
import io

from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from conftest import member_fields
from lienhe213.members.services import create_member


def _sheet(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(response.content)).active


def test_export_has_the_headers_and_rows_of_the_list(client, world):
    create_member(
        by=world.root_user,
        **member_fields(world.cell_a1, family_name="Bùi", given_name="Ánh", citizen_id=""),
    )
    client.force_login(world.commune_clerk)

    response = client.get(reverse("members:list"), {"format": "xlsx"})

    sheet = _sheet(response)
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:6] == (
        "No.",
        "Full name",
        "Date of birth",
        "Gender",
        "Party unit",
        "Date admitted to the Party",
    )
    # Vietnamese order: by given name first, Ánh before Hoa
    assert [row[1] for row in rows[1:]] == ["Bùi Văn Ánh", "Đặng Thị Hoa"]
    assert rows[1][2] == datetime.datetime(1985, 3, 14)
    assert sheet["C2"].number_format == "dd/mm/yyyy"
    assert rows[1][4] == world.cell_a1.name


def test_export_keeps_to_the_users_scope(client, world):
    client.force_login(world.other_clerk)

    response = client.get(reverse("members:list"), {"format": "xlsx"})

    names = [row[1] for row in list(_sheet(response).iter_rows(values_only=True))[1:]]
    assert names == [world.member_b1.full_name]


def test_export_applies_the_filters(client, world):
    client.force_login(world.provincial_officer)

    response = client.get(
        reverse("members:list"), {"format": "xlsx", "organization": world.workplace.pk}
    )

    names = [row[1] for row in list(_sheet(response).iter_rows(values_only=True))[1:]]
    assert names == [world.member_w1.full_name]
    assert response["Content-Disposition"].startswith(
        'attachment; filename="dang-bo-so-giao-duc-va-dao-tao-'
    )


def test_export_of_an_organization_out_of_sight_is_400_and_no_workbook(client, world):
    client.force_login(world.commune_clerk)

    response = client.get(
        reverse("members:list"), {"format": "xlsx", "organization": world.commune_b_committee.pk}
    )

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


def test_member_without_a_committee_role_exports_only_themselves(client, world):
    client.force_login(world.member_user)

    response = client.get(reverse("members:list"), {"format": "xlsx"})

    names = [row[1] for row in list(_sheet(response).iter_rows(values_only=True))[1:]]
    assert names == [world.member_w1.full_name]


def test_export_headers_are_in_vietnamese_for_the_committees(world):
    client = Client()  # no language cookie: Vietnamese first
    client.force_login(world.commune_clerk)

    response = client.get(reverse("members:list"), {"format": "xlsx"})

    header = next(_sheet(response).iter_rows(values_only=True))
    assert header[:3] == ("STT", "Họ và tên", "Ngày sinh")
