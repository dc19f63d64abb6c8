"""The introduction letter on paper: forms 1-213 and 2-213 as PDF and DOCX."""

import datetime

import pytest
from django.urls import reverse

from lienhe213.core.models import AuditEvent
from lienhe213.documents import rendering, services
from lienhe213.documents.models import IssuedDocument
from lienhe213.documents.tests.conftest import docx_text, pdf_pages, register_state
from lienhe213.registry import services as registry_services
from lienhe213.registry.tests.conftest import MONDAY, link_at

pytestmark = pytest.mark.django_db


def test_the_workplace_downloads_form_1_213_as_pdf(client, world):
    link = link_at(world, "issued")
    client.force_login(world.workplace_officer)

    response = client.get(reverse("documents:link", args=[link.pk, "pdf"]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="introduction-letter-form-1-213-no-1-2025.pdf"'
    )
    (page,) = pdf_pages(response.content)
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in page
    assert "GIẤY GIỚI THIỆU" in page
    assert "Mẫu 1-213" in page
    assert "ĐẢNG BỘ SỞ GIÁO DỤC VÀ ĐÀO TẠO" in page
    assert "Số: 1-GGT/ĐU" in page
    assert "Tuyên Quang, ngày 03 tháng 3 năm 2025" in page
    assert "Kính gửi: Đảng bộ phường Hà Giang 1" in page
    assert "Đồng chí: Nguyễn Văn Đức" in page
    assert "Sinh ngày: 14/03/1985" in page
    assert "Nơi cư trú: Tổ 2, Phường Hà Giang 1, tỉnh Tuyên Quang" in page
    assert "Tiếp nhận ngày … tháng … năm …" in page
    assert "miễn sinh hoạt" not in page
    # The texts it rests on, with their dates (Guidance 33 is of 30 October 2020).
    basis = " ".join(page.split())
    assert "Quy định số 213-QĐ/TW ngày 02/01/2020" in basis
    assert "Hướng dẫn số 33-HD/BTCTW ngày 30/10/2020" in basis
    document = IssuedDocument.objects.get()
    assert (document.kind, document.series, document.number, document.year) == (
        "1-213",
        "letter",
        link.letter_number,
        2025,
    )
    assert (document.link_id, document.member_id, document.issuer_id) == (
        link.pk,
        world.member_w1.pk,
        world.workplace.pk,
    )
    assert document.issued_on == MONDAY
    assert document.issued_by == world.workplace_officer
    assert len(document.verification_code) == 22
    assert f"Mã xác thực: {document.verification_code}" in page
    assert len(document.checksum) == 64
    event = AuditEvent.objects.filter(object_type="documents.issueddocument").get()
    assert event.changes["number"] == 1


def test_a_reprint_returns_the_same_registration_and_the_same_content(client, world):
    link = link_at(world, "issued")
    client.force_login(world.workplace_officer)
    first = client.get(reverse("documents:link", args=[link.pk, "pdf"]))
    document = IssuedDocument.objects.get()

    second = client.get(reverse("documents:link", args=[link.pk, "pdf"]))

    assert second.status_code == 200
    assert IssuedDocument.objects.get() == document
    assert pdf_pages(second.content) == pdf_pages(first.content)
    assert first.content == second.content
    assert services.checksum(services.papers.paper_for(document)) == document.checksum


def test_form_2_213_for_a_category_a_member(world):
    registry_services.record_exemption(
        by=world.root_user,
        member=world.member_w1,
        category="a",
        reason="mobile_work",
        decided_by=world.workplace,
        decided_on=MONDAY,
    )
    link = registry_services.issue_letter(
        by=world.root_user, workplace=world.workplace, member=world.member_w1, issued_on=MONDAY
    )

    issued = services.issue_letter_document(by=world.workplace_officer, link=link)

    (page,) = pdf_pages(issued.pdf)
    assert "Mẫu 2-213" in page
    assert "được miễn sinh hoạt ở nơi cư trú" in page
    assert issued.document.kind == "2-213"


def test_the_docx_carries_the_same_number_and_code(client, world):
    link = link_at(world, "issued")
    client.force_login(world.workplace_officer)

    response = client.get(reverse("documents:link", args=[link.pk, "docx"]))

    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="introduction-letter-form-1-213-no-1-2025.docx"'
    )
    document = IssuedDocument.objects.get()
    text = docx_text(response.content)
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text
    assert "GIẤY GIỚI THIỆU" in text
    assert "Số: 1-GGT/ĐU" in text
    assert "Nguyễn Văn Đức" in text
    assert f"Mã xác thực: {document.verification_code}" in text


def test_the_commune_may_see_the_link_but_not_print_the_letter(client, world):
    link = link_at(world, "issued")
    client.force_login(world.commune_clerk)
    before = register_state()

    response = client.get(reverse("documents:link", args=[link.pk, "pdf"]))

    assert response.status_code == 403
    assert register_state() == before


def test_a_returned_letter_is_not_printed(client, world):
    link = link_at(world, "issued")
    registry_services.return_letter(
        by=world.commune_clerk, link=link, returned_on=MONDAY, reason="Không cư trú tại địa bàn"
    )
    client.force_login(world.workplace_officer)
    before = register_state()

    response = client.get(reverse("documents:link", args=[link.pk, "pdf"]), follow=True)

    assert response.redirect_chain == [(reverse("registry:link_detail", args=[link.pk]), 302)]
    assert "This letter is no longer in force; it cannot be printed." in response.text
    assert register_state() == before


def test_a_rendering_failure_registers_nothing(world, monkeypatch):
    link = link_at(world, "issued")
    before = register_state()

    def broken(papers):
        raise OSError("out of disk space")

    monkeypatch.setattr(rendering, "render_pdf", broken)

    with pytest.raises(OSError, match="out of disk space"):
        services.issue_letter_document(by=world.workplace_officer, link=link)

    assert register_state() == before


def test_vietnamese_date_and_place():
    assert rendering.vietnamese_date(datetime.date(2025, 11, 3)) == "ngày 03 tháng 11 năm 2025"
    assert rendering.vietnamese_date(None) == "ngày … tháng … năm …"


def test_the_link_page_offers_the_letter_to_the_workplace_only(client, world):
    link = link_at(world, "issued")
    url = reverse("registry:link_detail", args=[link.pk])
    pdf = reverse("documents:link", args=[link.pk, "pdf"])

    client.force_login(world.workplace_officer)
    assert pdf in client.get(url).text
    client.force_login(world.commune_clerk)
    assert pdf not in client.get(url).text


def test_the_file_is_named_in_vietnamese_for_a_vietnamese_reader(client, world):
    link = link_at(world, "issued")
    client.force_login(world.workplace_officer)
    client.cookies["django_language"] = "vi"

    response = client.get(reverse("documents:link", args=[link.pk, "pdf"]))

    assert response["Content-Disposition"] == (
        'attachment; filename="giay-gioi-thieu-mau-1-213-so-1-2025.pdf"'
    )
