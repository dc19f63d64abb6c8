"""The import pages: upload, follow the check, preview, correct, commit, download.

The check and the commit run in place (``services.run_check`` / ``run_commit``, the
bodies of the two tasks), as the worker would run them after the page queued them.
"""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from lienhe213.core.models import AuditEvent
from lienhe213.imports import services
from lienhe213.imports.models import ImportBatch
from lienhe213.members.models import Member

pytestmark = pytest.mark.django_db

HEADERS = [
    "STT",
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Số thẻ đảng viên",
    "Ngày vào Đảng",
    "Chi bộ",
]
CELL = "Chi bộ Văn phòng Sở"
ROWS = [
    [1, "TRẦN THỊ LAN", "12/04/1990", "Nữ", "49.123.456", "03/02/2015", CELL],
    [2, "Hoàng Văn Hải", "01/01/1988", "Nam", "", "10/10/2012", CELL],
    [3, "Lê Văn Tú", "31/02/1980", "Nam", "", "10/10/2012", CELL],
]


def workbook(rows, headers=HEADERS) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(client, org, content, *, kind="members", name="danh-sach.xlsx", **extra):
    data = {"kind": kind, "organization": org.pk, "file": SimpleUploadedFile(name, content)}
    return client.post(reverse("imports:list"), {**data, **extra})


def checked(client, world, rows=ROWS, headers=HEADERS) -> ImportBatch:
    """A members file uploaded by the workplace officer through the page, then checked."""
    client.force_login(world.workplace_officer)
    response = upload(client, world.workplace, workbook(rows, headers))
    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    services.run_check(batch_id=batch.pk)
    batch.refresh_from_db()
    return batch


def detail(batch):
    return reverse("imports:detail", args=[batch.pk])


def state():
    return (
        list(ImportBatch.objects.values_list("pk", "status", "version", "mapping", "choices")),
        Member.objects.count(),
    )


# --- upload, check, preview, commit ------------------------------------------------------


def test_a_members_file_is_checked_previewed_and_imported(client, world):
    client.force_login(world.workplace_officer)

    response = upload(client, world.workplace, workbook(ROWS))

    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail(batch)
    assert (batch.kind, batch.organization, batch.file_name, batch.status, batch.created_by) == (
        "members",
        world.workplace,
        "danh-sach.xlsx",
        "validating",
        world.workplace_officer,
    )
    waiting = client.get(detail(batch))
    assert waiting.status_code == 200
    assert "Checking the file…" in waiting.content.decode()
    assert f'hx-get="{detail(batch)}" hx-trigger="every 2s"' in waiting.content.decode()

    # when the worker has checked the file
    services.run_check(batch_id=batch.pk)
    preview = client.get(detail(batch))

    # then the preview opens on the rejected row, with its reason and its cells as typed
    page = preview.content.decode()
    assert [(v, c) for v, _label, c in preview.context["outcomes"]] == [
        ("rejected", 1),
        ("new", 2),
        ("update", 0),
        ("unchanged", 0),
    ]
    assert preview.context["outcome"] == "rejected"
    [row] = preview.context["page"]["rows"]
    assert (row.number, row.title, row.summary) == (4, "Lê Văn Tú", ["31/02/1980", CELL])
    assert row.reasons == ["Ngày sinh: 31/02/1980 is not a real date."]
    assert "Ngày sinh: 31/02/1980 is not a real date." in page
    assert reverse("imports:errors", args=[batch.pk]) in page
    assert reverse("imports:commit", args=[batch.pk]) in page
    new = client.get(detail(batch), {"outcome": "new"}).context["page"]["rows"]
    assert [(r.number, r.title) for r in new] == [(2, "TRẦN THỊ LAN"), (3, "Hoàng Văn Hải")]

    # when the officer imports the accepted rows and the worker writes them
    batch.refresh_from_db()
    response = client.post(reverse("imports:commit", args=[batch.pk]), {"version": batch.version})
    assert response.status_code == 302
    assert ImportBatch.objects.get().status == "committing"
    services.run_commit(batch_id=batch.pk)

    # then the two members exist as the file said, and one audit event records the import
    batch.refresh_from_db()
    assert batch.status == "done"
    lan = Member.objects.get(family_name="Trần", given_name="Lan")
    assert (
        lan.middle_name,
        lan.gender,
        lan.birth_date,
        lan.party_card_number,
        lan.joined_on,
        lan.organization,
    ) == (
        "Thị",
        "female",
        datetime.date(1990, 4, 12),
        "49123456",
        datetime.date(2015, 2, 3),
        world.workplace_cell,
    )
    hai = Member.objects.get(family_name="Hoàng", given_name="Hải")
    assert (hai.middle_name, hai.gender, hai.birth_date, hai.joined_on, hai.organization) == (
        "Văn",
        "male",
        datetime.date(1988, 1, 1),
        datetime.date(2012, 10, 10),
        world.workplace_cell,
    )
    assert not Member.objects.filter(given_name="Tú").exists()
    event = AuditEvent.objects.get(action="import")
    assert (event.actor, event.object_id, event.changes["file_name"]) == (
        world.workplace_officer,
        str(batch.pk),
        "danh-sach.xlsx",
    )
    done = client.get(detail(batch)).content.decode()
    assert "2 new records, 0 records updated." in done
    assert "1 rejected row was not imported." in done
    assert reverse("imports:commit", args=[batch.pk]) not in done


def test_the_list_shows_the_imports_and_the_form(client, world):
    batch = checked(client, world)

    response = client.get(reverse("imports:list"))

    page = response.content.decode()
    assert response.status_code == 200
    assert [b.pk for b in response.context["page"].rows] == [batch.pk]
    assert "danh-sach.xlsx" in page
    assert "3 rows: 2 new, 0 to update, 0 unchanged, 1 rejected" in page
    assert timezone.localtime(batch.created_at).strftime("%d/%m/%Y %H:%M") in page
    # the workplace officer may import members only, into the workplace committee's subtree
    form = response.context["form"]
    assert [value for value, _label in form.fields["kind"].choices] == ["members"]
    assert [label for _value, label in form.fields["organization"].choices][1:] == [
        "Đảng bộ Sở Giáo dục và Đào tạo — Đảng bộ tỉnh Tuyên Quang",
        "Chi bộ Văn phòng Sở — Đảng bộ Sở Giáo dục và Đào tạo",
    ]
    for kind in ("organizations", "members", "links"):
        assert reverse("imports:template", args=[kind]) in page


def test_a_forged_organization_is_refused_and_nothing_is_stored(client, world):
    client.force_login(world.workplace_officer)

    response = upload(client, world.commune_b_committee, workbook(ROWS))

    assert response.status_code == 200
    assert "organization" in response.context["form"].errors
    assert not ImportBatch.objects.exists()


def test_a_kind_the_user_may_not_import_is_refused(client, world):
    client.force_login(world.commune_clerk)

    response = upload(client, world.commune_a_committee, workbook(ROWS), kind="organizations")

    assert response.status_code == 200
    assert "kind" in response.context["form"].errors
    assert not ImportBatch.objects.exists()


def test_an_organization_that_refuses_the_kind_shows_the_services_message(client, world):
    client.force_login(world.provincial_officer)

    response = upload(
        client, world.cell_a1, workbook([["Chi bộ tổ 9", "Chi bộ"]]), kind="organizations"
    )

    assert response.status_code == 200
    assert response.context["form"].errors["organization"] == [
        "A file of this kind cannot be imported into “Chi bộ tổ 1”."
    ]
    assert not ImportBatch.objects.exists()


# --- scoping -----------------------------------------------------------------------------


def test_another_clerk_gets_404_on_the_import_and_changes_nothing(client, world):
    batch = checked(client, world)
    before = state()
    client.force_login(world.other_clerk)

    answers = [
        client.get(detail(batch)).status_code,
        client.get(reverse("imports:errors", args=[batch.pk])).status_code,
        client.post(
            reverse("imports:commit", args=[batch.pk]), {"version": batch.version}
        ).status_code,
        client.post(
            reverse("imports:mapping", args=[batch.pk]), {"version": batch.version}
        ).status_code,
        client.post(
            reverse("imports:choose", args=[batch.pk]), {"version": batch.version}
        ).status_code,
    ]

    assert answers == [404] * 5
    assert state() == before


# --- corrections, refusals ---------------------------------------------------------------


def test_a_corrected_column_mapping_checks_the_file_again(client, world):
    headers = [*HEADERS[:-1], "Đơn vị sinh hoạt"]  # the cell's column is not recognised
    batch = checked(client, world, ROWS[:2], headers)
    assert batch.counts["rejected"] == 2
    assert "6" not in batch.mapping
    page = client.get(detail(batch))
    assert page.context["mapping_form"]["column_6"].value() == ""

    data = {f"column_{i}": field for i, field in batch.mapping.items()}
    response = client.post(
        reverse("imports:mapping", args=[batch.pk]),
        {**data, "column_6": "cell", "version": batch.version},
    )

    assert response.status_code == 302
    batch.refresh_from_db()
    assert (batch.status, batch.version, batch.mapping["6"]) == ("validating", 2, "cell")
    services.run_check(batch_id=batch.pk)
    batch.refresh_from_db()
    assert (batch.status, batch.counts["new"], batch.counts["rejected"]) == ("ready", 2, 0)


def test_a_mapping_refused_by_the_service_keeps_the_choices_and_says_why(client, world):
    batch = checked(client, world)
    before = state()
    data = {f"column_{i}": field for i, field in batch.mapping.items()}

    response = client.post(
        reverse("imports:mapping", args=[batch.pk]),
        {**data, "column_0": "full_name", "version": batch.version},
    )

    assert response.status_code == 200
    assert response.context["errors"] == ["Two columns are mapped to the same field."]
    assert response.context["mapping_form"]["column_0"].value() == "full_name"
    assert state() == before


def test_a_second_commit_is_refused_with_the_services_message(client, world):
    batch = checked(client, world)
    url = reverse("imports:commit", args=[batch.pk])
    assert client.post(url, {"version": batch.version}).status_code == 302
    before = state()

    response = client.post(url, {"version": batch.version})

    assert response.status_code == 200
    assert response.context["errors"] == ["Only a checked import can be committed."]
    assert "Only a checked import can be committed." in response.content.decode()
    assert state() == before


def test_a_commit_without_the_version_is_refused(client, world):
    batch = checked(client, world)
    before = state()

    response = client.post(reverse("imports:commit", args=[batch.pk]))

    assert response.status_code == 200
    assert response.context["errors"] == [
        "This import was changed by someone else meanwhile. Reload it and try again."
    ]
    assert state() == before


def test_the_progress_fragment_reloads_the_page_when_the_check_ends(client, world):
    client.force_login(world.workplace_officer)
    upload(client, world.workplace, workbook(ROWS))
    batch = ImportBatch.objects.get()

    running = client.get(detail(batch), headers={"HX-Request": "true"})
    services.run_check(batch_id=batch.pk)
    ended = client.get(detail(batch), headers={"HX-Request": "true"})

    assert running.status_code == 200
    assert (
        running.content.decode().lstrip().startswith('<section class="card" id="import-progress"')
    )
    assert ended["HX-Refresh"] == "true"


# --- downloads ---------------------------------------------------------------------------


def test_the_rejected_rows_come_back_as_typed_with_the_reason(client, world):
    batch = checked(client, world)

    response = client.get(reverse("imports:errors", args=[batch.pk]))

    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="import-{batch.pk}-rejected.xlsx"'
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == [*HEADERS, "Reason"]
    assert rows[1][:4] == ["3", "Lê Văn Tú", "31/02/1980", "Nam"]
    assert rows[1][-1] == "Ngày sinh: 31/02/1980 is not a real date."


@pytest.mark.parametrize("kind", ["organizations", "members", "links"])
def test_a_blank_template_per_kind(client, world, kind):
    client.force_login(world.commune_clerk)

    response = client.get(reverse("imports:template", args=[kind]))

    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="import-template-{kind}.xlsx"'
    assert load_workbook(io.BytesIO(response.content)).active.max_row == 2


def test_an_unknown_template_is_404(client, world):
    client.force_login(world.commune_clerk)

    assert client.get(reverse("imports:template", args=["people"])).status_code == 404


# --- menu, speed --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "shown"),
    [
        ("workplace_officer", True),
        ("commune_clerk", True),
        ("provincial_officer", True),
        ("secretary_a1", False),
        ("member_user", False),
        ("stranger", False),
    ],
)
def test_the_menu_offers_imports_to_those_who_may_import(client, world, who, shown):
    client.force_login(world.user(who))

    page = client.get(reverse("accounts:home")).content.decode()

    assert (f'href="{reverse("imports:list")}"' in page) == shown


def test_the_preview_of_a_large_file_runs_a_bounded_number_of_queries(
    client, world, django_assert_max_num_queries
):
    rows = [
        [n, f"Nguyễn Văn Số{n}", "01/01/1980", "Nam", f"{50_000_000 + n}", "10/10/2012", CELL]
        for n in range(1, 201)
    ]
    batch = checked(client, world, rows)
    assert batch.counts["new"] == 200

    # session, user, roles, the import, one page of rows, the unread notifications
    with django_assert_max_num_queries(6):
        response = client.get(detail(batch), {"outcome": "new", "page": 2})

    assert response.status_code == 200
    assert [r.number for r in response.context["page"]["rows"]] == list(range(52, 102))
    assert response.context["page"]["has_next"] is True
    last = client.get(detail(batch), {"outcome": "new", "page": 4}).context["page"]
    assert (last["first"], last["last"], last["has_next"]) == (151, 200, False)
    # the same, with the organizations offered instead of the rows
    with django_assert_max_num_queries(6):
        assert client.get(reverse("imports:list")).status_code == 200


def test_a_split_commune_is_chosen_and_the_file_checked_again(client, world):
    # given a check that met a former commune split between the two communes of the cast
    batch = checked(client, world)
    batch.counts = {**batch.counts, "choose": {"xa cu": ["Xã Cũ", ["02269", "02266"]]}}
    batch.save(update_fields=["counts"])

    page = client.get(detail(batch))
    field = page.context["communes_form"]["commune_0"]
    assert field.label == "Xã Cũ"
    assert [label for _code, label in field.field.choices][1:] == [
        "Phường Hà Giang 1",
        "Xã Lâm Bình",
    ]

    response = client.post(
        reverse("imports:choose", args=[batch.pk]),
        {"commune_0": "02266", "version": batch.version},
    )

    assert response.status_code == 302
    batch.refresh_from_db()
    assert (batch.status, batch.version, batch.choices) == ("validating", 2, {"xa cu": "02266"})


def test_a_file_that_cannot_be_read_shows_why_and_offers_nothing_to_commit(client, world):
    client.force_login(world.workplace_officer)
    upload(client, world.workplace, b"%PDF-1.7\n...", name="danh-sach.xlsx")
    batch = ImportBatch.objects.get()

    services.run_check(batch_id=batch.pk)
    response = client.get(detail(batch))

    batch.refresh_from_db()
    page = response.content.decode()
    assert batch.status == "failed"
    assert batch.error in page
    assert "page" not in response.context
    assert reverse("imports:commit", args=[batch.pk]) not in page
