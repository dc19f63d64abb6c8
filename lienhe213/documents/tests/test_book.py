"""The tracking book at the residence on paper: a cell's book or a commune's, today or
as it stood on a past day; issued with a POST from a page that shows what will be
issued."""

import datetime

import pytest
from django.urls import reverse

from lienhe213.comments.tests.conftest import request_at
from lienhe213.documents import services
from lienhe213.documents.models import IssuedDocument
from lienhe213.documents.tests.conftest import (
    TODAY,
    after,
    docx_text,
    heading,
    issue_page_fields,
    issue_through_page,
    pdf_lines,
    pdf_pages,
    register_state,
    working_member,
)
from lienhe213.meetings.models import Attendance, Meeting
from lienhe213.organizations.models import Organization
from lienhe213.organizations.services import rename_organization
from lienhe213.registry import services as registry_services
from lienhe213.registry.tests.conftest import link_at

pytestmark = pytest.mark.django_db

YEAR_END = datetime.date(2025, 12, 31)


def test_the_cell_secretary_issues_the_book_of_the_cell(client, world):
    link_at(world, "active")
    link_at(world, "assigned", member=working_member(world, "Trần", "Thị", "Lan"))
    client.force_login(world.secretary_a2)

    response, _posted = issue_through_page(
        client, reverse("documents:book", args=[world.cell_a2.pk, "pdf"])
    )

    assert response.status_code == 200
    pages = pdf_pages(response.content)
    assert len(pages) == 1
    (page,) = pages
    lines = pdf_lines(response.content)
    assert heading(lines) == ["ĐẢNG BỘ PHƯỜNG HÀ GIANG 1", "CHI BỘ TỔ 2"]
    assert after(lines, "*", 3) == ["*", "Số: 1-STĐV/CB", "ĐẢNG CỘNG SẢN VIỆT NAM"]
    assert "SỔ THEO DÕI ĐẢNG VIÊN ĐANG CÔNG TÁC GIỮ MỐI LIÊN HỆ VỚI NƠI CƯ TRÚ" in page
    assert "của Chi bộ tổ 2 — tính đến ngày 15/01/2026" in lines
    assert "Tổng số: 2 đảng viên." in lines
    for column in (
        "Sinh hoạt 6 tháng đầu năm",
        "Nhận xét hằng năm (năm, kết quả)",
        "Chuyển đến từ",
        "Chuyển đi (ngày, lý do, nơi đến)",
    ):
        assert column in page
    assert page.index("Nguyễn Văn Đức") < page.index("Trần Thị Lan")
    assert after(lines, "T/M CHI BỘ", 2) == ["T/M CHI BỘ", "BÍ THƯ"]
    document = IssuedDocument.objects.get()
    assert (document.kind, document.series, document.number) == ("book", "book", 1)
    assert (document.issuer, document.organization) == (world.cell_a2, world.cell_a2)
    assert (document.as_of, document.signer) == (datetime.date(2026, 1, 15), "secretary")
    assert len(document.content["table_rows"]) == 2


def test_opening_the_book_page_registers_nothing(client, world):
    link_at(world, "active")
    client.force_login(world.secretary_a2)
    before = IssuedDocument.objects.count()

    for _ in range(3):
        response = client.get(reverse("documents:book", args=[world.cell_a2.pk, "pdf"]))
        assert response.status_code == 200
        assert "Issue the tracking book" in response.text

    assert IssuedDocument.objects.count() == before == 0


def test_one_post_issues_one_book_and_the_same_post_again_issues_no_second(client, world):
    link_at(world, "active")
    client.force_login(world.secretary_a2)
    url = reverse("documents:book", args=[world.cell_a2.pk, "pdf"])
    data = {**issue_page_fields(client.get(url).text), "signer": "deputy"}

    first = client.post(url, data)
    assert IssuedDocument.objects.count() == 1
    second = client.post(url, data)  # a second click on the same page

    document = IssuedDocument.objects.get()
    assert first["Location"] == second["Location"]
    assert first["Location"] == reverse("documents:file", args=[document.pk, "pdf"])
    assert (document.number, document.status, document.signer) == (1, "valid", "deputy")


def test_a_new_issue_from_a_fresh_page_takes_the_next_number_and_supersedes(client, world):
    link_at(world, "active")
    client.force_login(world.secretary_a2)
    url = reverse("documents:book", args=[world.cell_a2.pk, "pdf"])
    issue_through_page(client, url)

    issue_through_page(client, url)  # the page now shows the first as the latest

    old, new = IssuedDocument.objects.order_by("number")
    assert [old.number, new.number] == [1, 2]
    assert (old.status, old.superseded_by, new.status) == ("superseded", new, "valid")


def test_each_issue_is_a_new_number_and_a_reprint_shows_the_rows_as_printed(world):
    link_at(world, "active")
    first = services.issue_book_document(
        by=world.secretary_a2, organization=world.cell_a2, signer="secretary"
    )
    link_at(world, "assigned", member=working_member(world, "Trần", "Thị", "Lan"))

    second = services.issue_book_document(
        by=world.commune_clerk, organization=world.cell_a2, signer="secretary"
    )
    reprint = services.render_pdf(first.document)

    assert [first.document.number, second.document.number] == [1, 2]
    assert "Trần Thị Lan" not in pdf_pages(reprint)[0]
    assert "Trần Thị Lan" in pdf_pages(second.pdf)[0]
    assert reprint == first.pdf


def test_the_commune_issues_the_book_of_all_its_cells(client, world):
    link_at(world, "active")
    link_at(world, "received", member=working_member(world, "Trần", "Thị", "Lan"))
    client.force_login(world.commune_clerk)

    response, _posted = issue_through_page(
        client, reverse("documents:book", args=[world.commune_a_committee.pk, "pdf"])
    )

    lines = pdf_lines(response.content)
    page = " ".join(lines)
    assert heading(lines) == ["ĐẢNG BỘ TỈNH TUYÊN QUANG", "ĐẢNG ỦY PHƯỜNG HÀ GIANG 1"]
    assert after(lines, "*", 2) == ["*", "Số: 1-STĐV/ĐU"]
    assert "Chi bộ nơi cư trú" in page
    assert "Tổng số: 2 đảng viên." in lines  # received, not yet assigned, included
    assert after(lines, "T/M ĐẢNG ỦY", 2) == ["T/M ĐẢNG ỦY", "BÍ THƯ"]
    document = IssuedDocument.objects.get()
    assert (document.issuer, document.organization) == (
        world.commune_a_committee,
        world.commune_a_committee,
    )


def test_a_book_as_of_a_past_day_uses_the_names_and_rows_of_that_day(client, world):
    link_at(world, "active")  # assigned on 11/03/2025
    Organization.objects.filter(pk=world.cell_a2.pk).update(valid_from=datetime.date(2020, 1, 2))
    rename_organization(
        by=world.root_user,
        organization=world.cell_a2,
        name="Chi bộ tổ dân phố 2",
        effective_date=datetime.date(2025, 6, 1),
    )
    client.force_login(world.secretary_a2)
    url = reverse("documents:book", args=[world.cell_a2.pk, "pdf"])

    page = client.get(url, {"as_of": "2025-05-31"})
    assert 'name="as_of" value="2025-05-31"' in page.text
    before_assignment = services.issue_book_document(
        by=world.secretary_a2,
        organization=world.cell_a2,
        as_of=datetime.date(2025, 3, 1),
        signer="secretary",
    )
    data = {**issue_page_fields(page.text), "signer": "secretary"}
    issued = client.get(client.post(url, data)["Location"])

    lines = pdf_lines(issued.content)
    assert heading(lines) == ["ĐẢNG BỘ PHƯỜNG HÀ GIANG 1", "CHI BỘ TỔ 2"]
    assert "của Chi bộ tổ 2 — tính đến ngày 31/05/2025" in lines
    assert "Tổng số: 1 đảng viên." in lines
    assert "Tổng số: 0 đảng viên." in pdf_lines(before_assignment.pdf)
    today = services.issue_book_document(
        by=world.secretary_a2, organization=world.cell_a2, signer="secretary"
    )
    assert heading(pdf_lines(today.pdf)) == ["ĐẢNG BỘ PHƯỜNG HÀ GIANG 1", "CHI BỘ TỔ DÂN PHỐ 2"]
    # Books of different days do not supersede each other.
    assert set(IssuedDocument.objects.values_list("status", flat=True)) == {"valid"}


def test_a_book_of_a_day_to_come_is_refused(client, world):
    client.force_login(world.secretary_a2)
    before = register_state()
    tomorrow = TODAY + datetime.timedelta(days=1)

    response = client.post(
        reverse("documents:book", args=[world.cell_a2.pk, "pdf"]),
        {"signer": "secretary", "latest": 0, "as_of": tomorrow.isoformat()},
    )

    assert response.status_code == 200
    assert "A book can only be printed as of today or a past day." in response.text
    assert register_state() == before


def test_the_book_shows_attendance_the_comment_and_who_left(world):
    link = link_at(world, "active")
    request_at(world, "confirmed", link=link)
    for day, status in (
        (datetime.date(2025, 6, 20), "present"),
        (datetime.date(2025, 12, 5), "absent"),
    ):
        meeting = Meeting.objects.create(cell=world.cell_a2, date=day, status="held")
        Attendance.objects.create(meeting=meeting, member=link.member, link=link, status=status)
    moved = link_at(world, "active", member=working_member(world, "Trần", "Thị", "Lan"))
    registry_services.move_residence(
        by=world.root_user,
        link=moved,
        moved_on=datetime.date(2025, 9, 1),
        residence_commune=world.commune_b_committee,
    )
    issued = services.issue_book_document(
        by=world.commune_clerk, organization=world.cell_a2, as_of=TODAY, signer="secretary"
    )

    rows = {row[1]: row for row in issued.document.content["table_rows"]}
    h1, h2, comment, came_from, moved_out = rows["Nguyễn Văn Đức"][10:15]
    assert (h1, h2) == ("", "")  # as of 15/01/2026: no meeting yet this year
    assert comment.startswith("Năm 2025: 1. Nêu gương tốt; 2. Gương mẫu đi đầu;")
    assert (came_from, moved_out) == ("", "")
    year_end = services.issue_book_document(
        by=world.commune_clerk, organization=world.cell_a2, as_of=YEAR_END, signer="secretary"
    )
    rows = {row[1]: row for row in year_end.document.content["table_rows"]}
    assert rows["Nguyễn Văn Đức"][10:12] == ["có mặt 1", "vắng 1"]
    assert rows["Trần Thị Lan"][14] == "01/09/2025, chuyển nơi cư trú, đến Đảng bộ xã Lâm Bình"
    # who left before this year (2026) began is no longer listed
    assert "Trần Thị Lan" not in {row[1] for row in issued.document.content["table_rows"]}


def test_the_book_as_docx(client, world):
    link_at(world, "active")
    client.force_login(world.commune_clerk)

    response, _posted = issue_through_page(
        client, reverse("documents:book", args=[world.cell_a2.pk, "docx"])
    )

    text = docx_text(response.content)
    assert "SỔ THEO DÕI ĐẢNG VIÊN ĐANG CÔNG TÁC GIỮ MỐI LIÊN HỆ VỚI NƠI CƯ TRÚ" in text
    assert "Nguyễn Văn Đức" in text


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("stranger", 404),
        ("other_clerk", 404),
        ("secretary_a1", 404),
        ("workplace_officer", 404),
        ("member_user", 404),
    ],
)
def test_others_may_not_print_the_book(client, world, who, expected):
    link_at(world, "active")
    client.force_login(world.user(who))
    before = register_state()
    url = reverse("documents:book", args=[world.cell_a2.pk, "pdf"])

    assert client.get(url).status_code == expected
    assert client.post(url, {"signer": "secretary", "latest": 0}).status_code == expected
    assert register_state() == before


def test_a_cell_secretary_may_not_print_the_communes_book(client, world):
    client.force_login(world.secretary_a2)

    response = client.get(reverse("documents:book", args=[world.commune_a_committee.pk, "pdf"]))

    assert response.status_code == 404


def test_a_workplace_cell_has_no_book_to_print(client, world):
    client.force_login(world.root_user)

    response = client.get(reverse("documents:book", args=[world.workplace_cell.pk, "pdf"]))

    assert response.status_code == 404


def test_the_book_page_of_a_cell_offers_the_print(client, world):
    client.force_login(world.secretary_a2)

    page = client.get(reverse("registry:book", args=[world.cell_a2.pk])).content.decode()

    assert reverse("documents:book", args=[world.cell_a2.pk, "pdf"]) in page
    assert reverse("documents:book", args=[world.cell_a2.pk, "docx"]) in page


def test_the_book_page_of_a_commune_offers_the_communes_book(client, world):
    client.force_login(world.commune_clerk)

    page = client.get(reverse("registry:book", args=[world.commune_a_committee.pk]))

    assert page.status_code == 200
    assert reverse("documents:book", args=[world.commune_a_committee.pk, "pdf"]) in page.text
