"""The inbox and outbox XLSX export: the box's scope and filters, newest first."""

import datetime
import io

from django.urls import reverse
from openpyxl import load_workbook

from lienhe213.notices.models import Kind
from lienhe213.notices.tests.conftest import SENT_ON, second_member, send
from lienhe213.registry import services as registry_services
from lienhe213.registry.tests.conftest import MONDAY


def _rows(response):
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    return sheet, list(sheet.iter_rows(values_only=True))


def test_inbox_export_has_the_headers_and_rows(client, world, active):
    send(world, active, kind=Kind.RETIREMENT)
    send(world, active, kind=Kind.VIOLATION)
    client.force_login(world.workplace_officer)

    response = client.get(reverse("notices:inbox", args=[world.workplace.pk]), {"format": "xlsx"})

    sheet, rows = _rows(response)
    assert sheet.title == "Notices received"
    assert rows[0] == (
        "No.",
        "Sent on",
        "Kind",
        "Full name",
        "From",
        "To",
        "Message",
        "Answer due",
        "Acknowledged at",
        "Status",
        "Outcome",
    )
    assert rows[1][:7] == (
        1,
        datetime.datetime.combine(SENT_ON, datetime.time()),
        "Violation at the residence",
        "Nguyễn Văn Đức",
        "Chi bộ tổ 2",
        world.workplace.name,
        "Nội dung thông báo.",
    )
    assert sheet["B2"].number_format == "dd/mm/yyyy"
    assert len(rows) == 2  # the retirement notice went the other way


def test_outbox_export_applies_the_filters(client, world, active):
    send(world, active)
    send(world, active, kind=Kind.UNREACHABLE)
    client.force_login(world.commune_clerk)
    url = reverse("notices:outbox", args=[world.commune_a_committee.pk])

    _sheet, everything = _rows(client.get(url, {"format": "xlsx"}))
    _sheet, filtered = _rows(client.get(url, {"format": "xlsx", "kind": "unreachable"}))

    assert [row[2] for row in everything[1:]] == [
        "Unreachable / no longer living here",
        "Violation at the residence",
    ]
    assert [row[2] for row in filtered[1:]] == ["Unreachable / no longer living here"]


def test_export_keeps_to_the_organizations_subtree(client, world, active):
    send(world, active)
    member = second_member(world)
    registry_services.classify_member(
        by=world.root_user, member=member, decided_by=world.workplace, decided_on=MONDAY
    )
    link = registry_services.issue_letter(
        by=world.root_user, workplace=world.workplace, member=member, issued_on=MONDAY
    )
    send(world, link, kind=Kind.RETIREMENT, recipient=world.commune_b_committee)
    client.force_login(world.other_clerk)

    _sheet, rows = _rows(
        client.get(
            reverse("notices:inbox", args=[world.commune_b_committee.pk]), {"format": "xlsx"}
        )
    )
    refused = client.get(
        reverse("notices:inbox", args=[world.commune_a_committee.pk]), {"format": "xlsx"}
    )

    assert [row[3] for row in rows[1:]] == ["Trần Văn Bình"]
    assert refused.status_code == 404
