"""``?format=pdf`` on every list that exports to XLSX: the same scope, filters and rows,
printed as an A4 table (landscape when wide) with the header on every page."""

import io

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from lienhe213.documents import rendering
from lienhe213.documents.tests.conftest import pdf_pages
from lienhe213.meetings.tests.conftest import linked
from lienhe213.registry.tests.conftest import link_at
from lienhe213.registry.tests.test_views import linked_members

pytestmark = pytest.mark.django_db


def _pdf(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return pdf_pages(response.content)


def test_the_commune_book_as_pdf_in_vietnamese_landscape_with_page_numbers(world):
    link_at(world, "assigned")
    linked_members(world, 1)
    client = Client()  # no language cookie: Vietnamese
    client.force_login(world.commune_clerk)

    response = client.get(
        reverse("registry:book", args=[world.commune_a_committee.pk]), {"format": "pdf"}
    )

    (page,) = _pdf(response)
    assert response["Content-Disposition"].startswith(
        'attachment; filename="dang-bo-phuong-ha-giang-1-'
    )
    assert response["Content-Disposition"].endswith('.pdf"')
    assert "Ngày sinh" in page
    assert "Giới tính" in page
    assert "Nguyễn Văn Đức" in page
    assert "Trần Thị Lan 000" in page
    assert page.index("Nguyễn Văn Đức") < page.index("Trần Thị Lan 000")
    assert "Chi bộ tổ 2" in page
    assert "14/03/1985" in page
    assert page.endswith("1 / 1")
    box = PdfReader(io.BytesIO(response.content)).pages[0].mediabox
    assert float(box.width) > float(box.height)  # 20 columns: landscape


def test_the_book_pdf_follows_the_filters(client, world):
    link_at(world, "assigned")
    linked_members(world, 2)
    client.force_login(world.commune_clerk)

    response = client.get(
        reverse("registry:book", args=[world.commune_a_committee.pk]),
        {"format": "pdf", "status": "assigned"},
    )

    (page,) = _pdf(response)
    assert "Nguyễn Văn Đức" in page
    assert "Lan 000" not in page


def test_a_long_book_runs_over_pages_with_the_header_on_each(client, world):
    linked_members(world, 45)
    client.force_login(world.commune_clerk)

    response = client.get(
        reverse("registry:book", args=[world.commune_a_committee.pk]), {"format": "pdf"}
    )

    pages = _pdf(response)
    assert len(pages) > 1
    assert all("Full name" in page for page in pages)
    assert pages[-1].endswith(f"{len(pages)} / {len(pages)}")
    text = " ".join(pages)
    assert all(f"Trần Thị Lan {n:03d}" in text for n in range(45))


def test_the_member_list_pdf_keeps_to_the_users_scope(client, world):
    client.force_login(world.other_clerk)

    response = client.get(reverse("members:list"), {"format": "pdf"})

    (page,) = _pdf(response)
    assert world.member_b1.full_name in page
    assert "Nguyễn Văn Đức" not in page
    assert "Đặng Thị Hoa" not in page


def test_the_member_list_pdf_of_a_committee(client, world):
    client.force_login(world.commune_clerk)

    response = client.get(reverse("members:list"), {"format": "pdf"})

    (page,) = _pdf(response)
    assert "Đặng Thị Hoa" in page
    assert world.member_b1.full_name not in page


def test_the_workplace_mirror_pdf(client, world):
    link_at(world, "active")
    client.force_login(world.workplace_officer)

    response = client.get(
        reverse("registry:workplace", args=[world.workplace.pk]), {"format": "pdf"}
    )

    (page,) = _pdf(response)
    assert "Working members" in page
    assert "Nguyễn Văn Đức" in page
    assert "Chi bộ tổ 2" in page


def test_the_overdue_flags_pdf_has_both_lists(client, world):
    linked(world)
    client.force_login(world.commune_clerk)

    response = client.get(
        reverse("meetings:overdue", args=[world.commune_a_committee.pk]), {"format": "pdf"}
    )

    (page,) = _pdf(response)
    assert "Cells without a meeting" in page
    assert "Absent twice" in page
    assert "Chi bộ tổ 2" in page


@pytest.mark.parametrize(
    ("name", "who", "org", "title"),
    [
        ("notices:inbox", "workplace_officer", "workplace", "Notices received"),
        ("notices:outbox", "commune_clerk", "commune_a_committee", "Notices sent"),
        ("comments:commune", "commune_clerk", "commune_a_committee", "Comments at the commune"),
        ("comments:progress", "commune_clerk", "commune_a_committee", "Campaign progress"),
    ],
)
def test_every_other_list_exports_a_pdf(client, world, name, who, org, title):
    client.force_login(getattr(world, who))

    response = client.get(reverse(name, args=[getattr(world, org).pk]), {"format": "pdf"})

    (page,) = _pdf(response)
    assert title in page


def test_a_list_out_of_sight_is_404_as_pdf(client, world):
    client.force_login(world.other_clerk)

    response = client.get(
        reverse("registry:book", args=[world.commune_a_committee.pk]), {"format": "pdf"}
    )

    assert response.status_code == 404


def test_list_pdf_is_portrait_for_a_narrow_list_and_prints_every_diacritic():
    pdf = rendering.list_pdf(
        "Danh sách", "Phường Hà Giang 1", [("STT", 6), ("Họ và tên", 30)], [[1, "Ỷ Ững Ợ"]]
    )

    reader = PdfReader(io.BytesIO(pdf))
    box = reader.pages[0].mediabox
    assert float(box.width) < float(box.height)
    text = " ".join((reader.pages[0].extract_text() or "").split())
    assert text == "Danh sách Phường Hà Giang 1 STT Họ và tên 1 Ỷ Ững Ợ 1 / 1"


def test_a_list_rendered_in_parts_is_numbered_across_them(client, world, monkeypatch):
    linked_members(world, 45)
    monkeypatch.setattr(rendering, "LIST_CHUNK_ROWS", 10)
    client.force_login(world.commune_clerk)

    response = client.get(
        reverse("registry:book", args=[world.commune_a_committee.pk]), {"format": "pdf"}
    )

    pages = _pdf(response)
    total = len(pages)
    assert total >= 5
    assert [page.endswith(f"{n} / {total}") for n, page in enumerate(pages, start=1)] == [
        True
    ] * total
    assert pages[0].startswith("Tracking book")
    assert not pages[1].startswith("Tracking book")
    text = " ".join(pages)
    assert [f"Trần Thị Lan {n:03d}" in text for n in range(45)] == [True] * 45


def test_a_list_too_long_to_print_is_refused_clearly(client, world, monkeypatch):
    linked_members(world, 4)
    monkeypatch.setattr(rendering, "LIST_MAX_ROWS", 3)
    client.force_login(world.commune_clerk)

    response = client.get(
        reverse("registry:book", args=[world.commune_a_committee.pk]), {"format": "pdf"}
    )

    assert response.status_code == 400
    assert response.content.decode() == (
        "The list has more than 3 rows, too many to print: filter it, or export it to Excel."
    )
