"""The tracking book of a residential cell on paper."""

import pytest
from django.urls import reverse

from lienhe213.documents import services
from lienhe213.documents.models import IssuedDocument
from lienhe213.documents.tests.conftest import (
    docx_text,
    pdf_pages,
    register_state,
    working_member,
)
from lienhe213.registry.tests.conftest import link_at

pytestmark = pytest.mark.django_db


def test_the_cell_secretary_prints_the_book_of_the_cell(client, world):
    link_at(world, "active")
    link_at(world, "assigned", member=working_member(world, "Trần", "Thị", "Lan"))
    client.force_login(world.secretary_a2)

    response = client.get(reverse("documents:book", args=[world.cell_a2.pk, "pdf"]))

    assert response.status_code == 200
    pages = pdf_pages(response.content)
    assert len(pages) == 1
    (page,) = pages
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in page
    assert "SỔ THEO DÕI ĐẢNG VIÊN ĐANG CÔNG TÁC GIỮ MỐI LIÊN HỆ VỚI NƠI CƯ TRÚ" in page
    assert "Số: 1-STĐV/CB" in page
    assert "Tổng số: 2 đảng viên." in page
    assert "Nguyễn Văn Đức" in page
    assert "Trần Thị Lan" in page
    assert page.index("Nguyễn Văn Đức") < page.index("Trần Thị Lan")
    assert "Đang sinh hoạt" in page
    assert "Đã phân về chi bộ" in page
    document = IssuedDocument.objects.get()
    assert (document.kind, document.series, document.number) == ("book", "book", 1)
    assert (document.issuer, document.organization) == (world.cell_a2, world.cell_a2)
    assert len(document.content["table_rows"]) == 2


def test_each_print_is_a_new_number_and_a_reprint_shows_the_rows_as_printed(world):
    link_at(world, "active")
    first = services.issue_book_document(by=world.secretary_a2, cell=world.cell_a2)
    link_at(world, "assigned", member=working_member(world, "Trần", "Thị", "Lan"))

    second = services.issue_book_document(by=world.commune_clerk, cell=world.cell_a2)
    reprint = services.render_pdf(first.document)

    assert [first.document.number, second.document.number] == [1, 2]
    assert "Trần Thị Lan" not in pdf_pages(reprint)[0]
    assert "Trần Thị Lan" in pdf_pages(second.pdf)[0]
    assert reprint == first.pdf


def test_the_book_as_docx(client, world):
    link_at(world, "active")
    client.force_login(world.commune_clerk)

    response = client.get(reverse("documents:book", args=[world.cell_a2.pk, "docx"]))

    text = docx_text(response.content)
    assert "SỔ THEO DÕI ĐẢNG VIÊN ĐANG CÔNG TÁC GIỮ MỐI LIÊN HỆ VỚI NƠI CƯ TRÚ" in text
    assert "Nguyễn Văn Đức" in text
    assert "Đang sinh hoạt" in text


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

    response = client.get(reverse("documents:book", args=[world.cell_a2.pk, "pdf"]))

    assert response.status_code == expected
    assert register_state() == before


def test_a_workplace_cell_has_no_book_to_print(client, world):
    client.force_login(world.root_user)

    response = client.get(reverse("documents:book", args=[world.workplace_cell.pk, "pdf"]))

    assert response.status_code == 404


def test_the_book_page_of_a_cell_offers_the_print(client, world):
    client.force_login(world.secretary_a2)

    page = client.get(reverse("registry:book", args=[world.cell_a2.pk])).content.decode()

    assert reverse("documents:book", args=[world.cell_a2.pk, "pdf"]) in page
    assert reverse("documents:book", args=[world.cell_a2.pk, "docx"]) in page


def test_the_book_page_of_a_commune_has_no_book_to_print(client, world):
    client.force_login(world.commune_clerk)

    page = client.get(reverse("registry:book", args=[world.commune_a_committee.pk]))

    assert page.status_code == 200
    assert "/documents/book/" not in page.content.decode()
