"""The introduction letter on paper: forms 1-213 and 2-213 as PDF and DOCX."""

import datetime

import pytest
from django.urls import reverse

from lienhe213.core.models import AuditEvent
from lienhe213.documents import rendering, services
from lienhe213.documents.models import IssuedDocument
from lienhe213.documents.papers.forms import letter_paper
from lienhe213.documents.tests.conftest import (
    after,
    docx_text,
    heading,
    issue_through_page,
    pdf_lines,
    pdf_pages,
    register_state,
)
from lienhe213.organizations.tests.pre_2025 import tran_phu_of_ha_giang
from lienhe213.registry import services as registry_services
from lienhe213.registry.tests.conftest import MONDAY, link_at

pytestmark = pytest.mark.django_db


def test_the_workplace_downloads_form_1_213_as_pdf(client, world):
    link = link_at(world, "issued")
    client.force_login(world.workplace_officer)

    response, _posted = issue_through_page(client, reverse("documents:link", args=[link.pk, "pdf"]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="introduction-letter-form-1-213-no-1-2025.pdf"'
    )
    (page,) = pdf_pages(response.content)
    lines = pdf_lines(response.content)
    # The committee that signs, under the superior organization; not the stored name.
    assert heading(lines) == ["ĐẢNG BỘ TỈNH TUYÊN QUANG", "ĐẢNG ỦY SỞ GIÁO DỤC VÀ", "ĐÀO TẠO"]
    assert after(lines, "*", 4) == [
        "*",
        "Số: 1-GGT/ĐU",
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "Tuyên Quang, ngày 03 tháng 3 năm 2025",
    ]
    assert after(lines, "GIẤY GIỚI THIỆU", 3)[2] == "Kính gửi: Đảng ủy phường Hà Giang 1"
    assert "Đảng ủy Sở Giáo dục và Đào tạo trân trọng giới thiệu:" in lines
    assert "Nơi công tác: Sở Giáo dục và Đào tạo" in lines
    assert after(lines, "T/M ĐẢNG ỦY", 2) == ["T/M ĐẢNG ỦY", "BÍ THƯ"]
    assert "ĐẢNG ỦY PHƯỜNG HÀ GIANG 1" in lines  # the receipt part's committee
    assert "Mẫu 1-213" in page
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
    first, _posted = issue_through_page(client, reverse("documents:link", args=[link.pk, "pdf"]))
    document = IssuedDocument.objects.get()

    second = client.get(reverse("documents:link", args=[link.pk, "pdf"]))  # a download

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

    issued = services.issue_letter_document(by=world.workplace_officer, link=link, signer="deputy")

    (page,) = pdf_pages(issued.pdf)
    assert "Mẫu 2-213" in page
    assert (
        "Đồng chí thuộc diện được giới thiệu nhưng được miễn sinh hoạt ở nơi cư trú (Khoản "
        "1.1, Điểm 1 Hướng dẫn số 33-HD/BTCTW ngày 30/10/2020 của Ban Tổ chức Trung ương)."
    ) in page
    assert after(pdf_lines(issued.pdf), "T/M ĐẢNG ỦY", 2) == ["T/M ĐẢNG ỦY", "PHÓ BÍ THƯ"]
    assert issued.document.kind == "2-213"
    assert issued.document.signer == "deputy"


def test_the_docx_carries_the_same_number_and_code(client, world):
    link = link_at(world, "issued")
    client.force_login(world.workplace_officer)

    response, _posted = issue_through_page(
        client, reverse("documents:link", args=[link.pk, "docx"])
    )

    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="introduction-letter-form-1-213-no-1-2025.docx"'
    )
    document = IssuedDocument.objects.get()
    text = docx_text(response.content)
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text
    assert "GIẤY GIỚI THIỆU" in text
    assert "Số: 1-GGT/ĐU" in text
    assert "ĐẢNG ỦY SỞ GIÁO DỤC VÀ ĐÀO TẠO" in text
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

    response, _posted = issue_through_page(client, reverse("documents:link", args=[link.pk, "pdf"]))

    assert response["Content-Disposition"] == (
        'attachment; filename="giay-gioi-thieu-mau-1-213-so-1-2025.pdf"'
    )


# --- a GET never writes; the issue is a POST, safe to send twice ----------------------


def test_opening_the_issue_page_registers_nothing(client, world):
    link = link_at(world, "issued")
    client.force_login(world.workplace_officer)
    before = register_state()

    response = client.get(reverse("documents:link", args=[link.pk, "pdf"]))

    assert response.status_code == 200
    assert "Issue the introduction letter" in response.text
    assert 'name="signer"' in response.text
    assert 'type="radio" name="signer" value="secretary" required' in response.text
    assert "checked" not in response.text  # nobody is chosen for the user
    assert register_state() == before


def test_the_issue_needs_who_signs(client, world):
    link = link_at(world, "issued")
    client.force_login(world.workplace_officer)
    before = register_state()

    response = client.post(reverse("documents:link", args=[link.pk, "pdf"]), {})

    assert response.status_code == 200
    assert "This field is required." in response.text
    assert register_state() == before


def test_posting_the_issue_twice_registers_one_letter(client, world):
    link = link_at(world, "issued")
    client.force_login(world.workplace_officer)
    url = reverse("documents:link", args=[link.pk, "pdf"])

    first = client.post(url, {"signer": "secretary"})
    second = client.post(url, {"signer": "secretary"})

    document = IssuedDocument.objects.get()
    file_url = reverse("documents:file", args=[document.pk, "pdf"])
    assert (first.status_code, first["Location"]) == (302, file_url)
    assert (second.status_code, second["Location"]) == (302, file_url)
    assert AuditEvent.objects.filter(object_type="documents.issueddocument").count() == 1


def test_the_download_of_an_issued_letter_writes_nothing(client, world):
    link = link_at(world, "issued")
    issued = services.issue_letter_document(
        by=world.workplace_officer, link=link, signer="secretary"
    )
    client.force_login(world.workplace_officer)
    before = register_state()

    by_link = client.get(reverse("documents:link", args=[link.pk, "pdf"]))
    by_number = client.get(reverse("documents:file", args=[issued.document.pk, "pdf"]))

    assert by_link.content == by_number.content == issued.pdf
    assert register_state() == before


def test_a_letter_dated_before_july_2025_names_the_residence_with_the_units_of_its_day(
    client, world
):
    # Phường Hà Giang 1 was made of the old Phường Trần Phú alone (in this small world).
    tran_phu_of_ha_giang(world.commune_a)
    link = link_at(world, "issued")
    client.force_login(world.workplace_officer)

    response, _posted = issue_through_page(client, reverse("documents:link", args=[link.pk, "pdf"]))

    (page,) = pdf_pages(response.content)
    assert link.issued_on < datetime.date(2025, 7, 1)
    assert "Nơi cư trú: Tổ 2, Phường Trần Phú, Thành phố Hà Giang, tỉnh Hà Giang" in page
    # The same member on a paper dated after the reform: today's units.
    link.issued_on = datetime.date(2025, 8, 4)
    paper = letter_paper(link, IssuedDocument(number=2, verification_code="X"))
    assert ("Nơi cư trú", "Tổ 2, Phường Hà Giang 1, tỉnh Tuyên Quang") in paper.facts
