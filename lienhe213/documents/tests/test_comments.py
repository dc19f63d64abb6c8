"""The residence's comment on paper: forms 3-213 and 4-213."""

import datetime

import pytest
from django.urls import reverse

from conftest import member_fields
from lienhe213.comments.tests.conftest import BEST_FORM_4, open_campaign, request_at
from lienhe213.documents import services
from lienhe213.documents.models import IssuedDocument
from lienhe213.documents.tests.conftest import (
    after,
    docx_text,
    heading,
    issue_through_page,
    pdf_lines,
    pdf_pages,
    register_state,
    working_member,
)
from lienhe213.members.services import create_member
from lienhe213.registry.models import ResidenceLink
from lienhe213.registry.tests.conftest import link_at

pytestmark = pytest.mark.django_db


def test_the_commune_prints_a_confirmed_form_3_213(client, world):
    request = request_at(world, "confirmed")
    client.force_login(world.commune_clerk)

    response, _posted = issue_through_page(
        client, reverse("documents:comment", args=[request.pk, "pdf"]), signer="deputy"
    )

    assert response.status_code == 200
    pages = pdf_pages(response.content)
    assert len(pages) == 1
    (page,) = pages
    lines = pdf_lines(response.content)
    # The cell (no committee: fewer than 9 official members) under its commune's
    # organization, and no committee number.
    assert heading(lines) == ["ĐẢNG BỘ PHƯỜNG HÀ GIANG 1", "CHI BỘ TỔ 2"]
    assert after(lines, "*", 2) == ["*", "ĐẢNG CỘNG SẢN VIỆT NAM"]
    assert "PNX" not in page
    assert "PHIẾU NHẬN XÉT" in page
    assert "Mẫu 3-213" in page
    assert "Năm 2025" in page
    assert "Chi bộ tổ 2, sau khi họp với Ban công tác Mặt trận tổ 2" in page
    assert "Chi ủy Chi bộ" not in page
    assert "thống nhất nhận xét đồng chí Nguyễn Văn Đức" in page
    assert "hiện công tác tại Sở Giáo dục và Đào tạo, như sau:" in page
    assert "X Nêu gương tốt" in page
    assert "X Không đề nghị" in page
    assert "7. Nhận xét khác" in lines
    # The commune's confirmation, signed by the deputy chosen, then the cell's block.
    assert after(lines, "XÁC NHẬN CỦA ĐẢNG ỦY", 6) == [
        "XÁC NHẬN CỦA ĐẢNG ỦY",
        "PHƯỜNG HÀ GIANG 1",
        "T/M ĐẢNG ỦY",
        "PHÓ BÍ THƯ",
        "T/M CHI BỘ",
        "BÍ THƯ",
    ]
    document = IssuedDocument.objects.get()
    assert (document.kind, document.series, document.number) == ("3-213", "comment", 1)
    assert (document.issuer_id, document.comment_request_id, document.member_id) == (
        world.commune_a_committee.pk,
        request.pk,
        world.member_w1.pk,
    )
    assert document.issued_on == datetime.date(2026, 1, 15)


def test_comment_numbers_follow_each_other_per_commune(world):
    campaign = open_campaign(world)
    first = request_at(world, "confirmed", campaign=campaign)
    second_link = link_at(world, "active", member=working_member(world, "Trần", "Thị", "Lan"))
    second = request_at(world, "confirmed", campaign=campaign, link=second_link)

    one = services.issue_comment_document(by=world.commune_clerk, request=first, signer="deputy")
    two = services.issue_comment_document(by=world.commune_clerk, request=second, signer="deputy")
    again = services.issue_comment_document(by=world.commune_clerk, request=first)

    assert [one.document.number, two.document.number, again.document.number] == [1, 2, 1]
    assert IssuedDocument.objects.count() == 2


def test_form_4_213_for_a_category_a_member_as_docx(client, world):
    link = link_at(world, "active")
    ResidenceLink.objects.filter(pk=link.pk).update(category="a")  # introduced as category A
    campaign = open_campaign(world)
    (request,) = services_request_form_4(world, campaign, link)
    from lienhe213.comments import services as comment_services

    comment_services.save_draft(
        by=world.secretary_a2,
        request=request,
        version=None,
        values={**BEST_FORM_4, "other_comments": "Gia đình gương mẫu."},
    )
    comment_services.record_front_meeting(
        by=world.secretary_a2,
        request=request,
        met_on=datetime.date(2025, 11, 10),
        participants="Chi ủy; Ban công tác Mặt trận tổ 2",
    )
    comment_services.sign_comment(by=world.secretary_a2, request=request)
    comment_services.confirm_comment(by=world.commune_clerk, request=request)
    client.force_login(world.commune_clerk)

    response, _posted = issue_through_page(
        client, reverse("documents:comment", args=[request.pk, "docx"])
    )

    assert response.status_code == 200
    text = docx_text(response.content)
    assert "Mẫu 4-213" in text
    assert "PHIẾU NHẬN XÉT" in text
    assert "☒ Thực hiện tốt" in text
    # Items a–c, then the closing "other comments"; no recommendation (item 6 of 3-213).
    lines = text.splitlines()
    titles = [line for line in lines if line[:2] in ("a)", "b)", "c)", "d)")]
    assert [t[:2] for t in titles] == ["a)", "b)", "c)", "d)"]
    assert titles[-1] == "d) Nhận xét khác"
    assert lines[lines.index("d) Nhận xét khác") + 1] == "Gia đình gương mẫu."
    assert "Biểu dương" not in text
    assert IssuedDocument.objects.get().kind == "4-213"


def services_request_form_4(world, campaign, link):
    from lienhe213.comments import services as comment_services

    return comment_services.request_comments(
        by=world.workplace_officer,
        campaign=campaign,
        workplace=world.workplace,
        members=[link.member],
        requested_on=campaign.opens_on,
        purpose="cadre_work",
    )


def test_a_comment_not_yet_confirmed_is_not_printed(client, world):
    request = request_at(world, "signed")
    client.force_login(world.commune_clerk)
    before = register_state()

    response = client.get(reverse("documents:comment", args=[request.pk, "pdf"]), follow=True)

    assert response.redirect_chain == [(reverse("comments:request", args=[request.pk]), 302)]
    assert "The comment can be printed once the commune has confirmed it." in response.text
    assert register_state() == before


def test_the_workplace_prints_the_comment_only_once_returned(client, world):
    request = request_at(world, "confirmed")
    client.force_login(world.workplace_officer)
    before = register_state()

    refused = client.get(reverse("documents:comment", args=[request.pk, "pdf"]))

    assert refused.status_code == 403
    assert register_state() == before
    from lienhe213.comments import services as comment_services

    comment_services.return_comment(by=world.commune_clerk, request=request)

    allowed, _posted = issue_through_page(
        client, reverse("documents:comment", args=[request.pk, "pdf"])
    )

    assert allowed.status_code == 200
    assert IssuedDocument.objects.get().issuer == world.commune_a_committee


def test_the_request_page_offers_the_comment_once_confirmed(client, world):
    request = request_at(world, "signed")
    url = reverse("comments:request", args=[request.pk])
    pdf = reverse("documents:comment", args=[request.pk, "pdf"])
    client.force_login(world.commune_clerk)
    assert pdf not in client.get(url).text
    from lienhe213.comments import services as comment_services

    comment_services.confirm_comment(by=world.commune_clerk, request=request)

    assert pdf in client.get(url).text


def test_the_workplace_prints_its_request_for_a_comment(client, world):
    request = request_at(world, "requested")
    client.force_login(world.workplace_officer)

    response, _posted = issue_through_page(
        client, reverse("documents:request", args=[request.pk, "pdf"])
    )
    again = client.get(reverse("documents:request", args=[request.pk, "pdf"]))

    assert response.status_code == 200
    (page,) = pdf_pages(response.content)
    lines = pdf_lines(response.content)
    assert heading(lines) == ["ĐẢNG BỘ TỈNH TUYÊN QUANG", "ĐẢNG ỦY SỞ GIÁO DỤC VÀ", "ĐÀO TẠO"]
    assert after(lines, "*", 4) == [
        "*",
        "Số: 1-PXYK/ĐU",
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "Tuyên Quang, ngày 03 tháng 11 năm 2025",
    ]
    assert "PHIẾU XIN Ý KIẾN" in page
    assert "Mẫu 3-213" in page
    assert "Kính gửi: Đảng ủy phường Hà Giang 1" in lines
    assert "(Chi bộ tổ 2)" in lines
    assert "Đảng ủy Sở Giáo dục và Đào tạo đề nghị Chi bộ tổ 2 nhận xét đồng chí" in page
    assert "Chi ủy Chi bộ" not in page
    assert after(lines, "T/M ĐẢNG ỦY", 2) == ["T/M ĐẢNG ỦY", "BÍ THƯ"]
    assert "Đồng chí: Nguyễn Văn Đức" in page
    assert "gửi lại trước ngày 15/12/2025" in page
    assert again.content == response.content
    document = IssuedDocument.objects.get()
    assert (document.kind, document.series, document.number, document.issuer) == (
        "request",
        "request",
        1,
        world.workplace,
    )
    docx = client.get(reverse("documents:request", args=[request.pk, "docx"]))
    assert "PHIẾU XIN Ý KIẾN" in docx_text(docx.content)


def test_the_residence_may_not_print_the_request(client, world):
    request = request_at(world, "requested")
    client.force_login(world.commune_clerk)
    before = register_state()

    response = client.get(reverse("documents:request", args=[request.pk, "pdf"]))

    assert response.status_code == 403
    assert register_state() == before


def test_the_request_page_offers_the_request_to_the_workplace(client, world):
    request = request_at(world, "requested")
    client.force_login(world.workplace_officer)

    page = client.get(reverse("comments:request", args=[request.pk])).text

    assert reverse("documents:request", args=[request.pk, "pdf"]) in page
    assert reverse("documents:comment", args=[request.pk, "pdf"]) not in page


def test_a_cell_with_a_committee_signs_for_its_committee(world):
    for given in ("An", "Bình", "Chi", "Dũng", "Em", "Giang", "Hà", "Khánh", "Linh"):
        create_member(
            by=world.root_user,
            **member_fields(world.cell_a2, family_name="Lê", given_name=given),
        )
    request = request_at(world, "confirmed")

    issued = services.issue_comment_document(
        by=world.commune_clerk, request=request, signer="secretary"
    )

    lines = pdf_lines(issued.pdf)
    page = " ".join(lines)
    assert heading(lines) == ["ĐẢNG BỘ PHƯỜNG HÀ GIANG 1", "CHI ỦY CHI BỘ TỔ 2"]
    assert "Chi ủy tổ 2, sau khi họp với Ban công tác Mặt trận tổ 2" in page
    assert "Chi ủy chi bộ" not in page  # the words are not doubled in the text
    assert after(lines, "T/M ĐẢNG ỦY", 4) == ["T/M ĐẢNG ỦY", "BÍ THƯ", "T/M CHI ỦY", "BÍ THƯ"]


def test_opening_the_comment_issue_page_registers_nothing(client, world):
    request = request_at(world, "confirmed")
    client.force_login(world.commune_clerk)
    before = register_state()

    response = client.get(reverse("documents:comment", args=[request.pk, "pdf"]))

    assert response.status_code == 200
    assert "Issue the comment" in response.text
    assert register_state() == before
