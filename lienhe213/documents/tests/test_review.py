"""The annual report (thematic review) of a province or a commune as a registered
document."""

import pytest
from django.urls import reverse

from lienhe213.core.errors import DomainError
from lienhe213.documents import services
from lienhe213.documents.models import IssuedDocument
from lienhe213.documents.tests.conftest import (
    after,
    docx_text,
    heading,
    issue_page_fields,
    issue_through_page,
    pdf_lines,
    pdf_pages,
    register_state,
)
from lienhe213.reports.tests.conftest import rows_elsewhere, year_in_commune_a

pytestmark = pytest.mark.django_db


def test_the_province_prints_its_annual_report(client, world):
    _link, campaign = year_in_commune_a(world)
    rows_elsewhere(world, campaign)
    client.force_login(world.provincial_officer)

    response, _posted = issue_through_page(
        client, reverse("documents:review", args=[world.province.pk, 2025, "pdf"])
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(pdf_pages(response.content))
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text
    assert "BÁO CÁO" in text
    assert "Kết quả thực hiện Quy định số 213-QĐ/TW năm 2025" in text
    lines = pdf_lines(response.content)
    assert heading(lines) == ["TỈNH ỦY TUYÊN QUANG"]  # no superior line above a province
    assert after(lines, "*", 2) == ["*", "Số: 1-BC/TU"]
    assert "Tỉnh ủy Tuyên Quang báo cáo kết quả năm 2025 so với năm 2024 như sau:" in text
    assert "Chỉ tiêu 2025 2024 Tăng, giảm" in text
    assert "Giấy giới thiệu đã cấp 2 0 +2" in text  # Vietnamese whatever the UI language
    assert "Các đơn vị thực hiện tốt nhất: Đảng bộ phường Hà Giang 1 (37,5 điểm)." in text
    assert "Các đơn vị cần chấn chỉnh: Đảng bộ xã Lâm Bình (12,5 điểm)." in text
    assert after(lines, "T/M TỈNH ỦY", 2) == ["T/M TỈNH ỦY", "BÍ THƯ"]
    document = IssuedDocument.objects.get()
    assert (document.kind, document.series, document.number) == ("report", "report", 1)
    assert (document.organization, document.issuer) == (world.province, world.province)
    assert document.subject_year == 2025
    assert f"Mã xác thực: {document.verification_code}" in text


def test_the_commune_report_as_docx_and_a_reprint_supersedes(client, world):
    year_in_commune_a(world)
    client.force_login(world.commune_clerk)
    url = reverse("documents:review", args=[world.commune_a_committee.pk, 2025, "docx"])

    first, _posted = issue_through_page(client, url)
    second, _posted = issue_through_page(client, url)

    assert "BÁO CÁO" in docx_text(first.content)
    assert "Đảng viên đang công tác" in docx_text(first.content)
    old, new = IssuedDocument.objects.order_by("number")
    assert [old.number, new.number] == [1, 2]
    assert (old.status, old.superseded_by, new.status) == ("superseded", new, "valid")
    assert "Số: 2-BC/ĐU" in docx_text(second.content)
    assert "ĐẢNG ỦY PHƯỜNG HÀ GIANG 1" in docx_text(second.content)
    other_year = services.issue_review_document(
        by=world.commune_clerk, organization=world.commune_a_committee, year=2024
    )
    assert other_year.document.number == 3
    assert IssuedDocument.objects.get(pk=new.pk).status == "valid"  # another year's report
    page = client.get(reverse("documents:verify", args=[old.verification_code])).text
    assert "Annual report" in page
    assert "Superseded" in page


@pytest.mark.parametrize(
    ("who", "status"),
    [("other_clerk", 404), ("workplace_officer", 404), ("secretary_a2", 404), ("stranger", 404)],
)
def test_who_may_not_print_the_communes_report(client, world, who, status):
    client.force_login(getattr(world, who))
    before = register_state()
    url = reverse("documents:review", args=[world.commune_a_committee.pk, 2025, "pdf"])

    assert client.get(url).status_code == status
    assert client.post(url, {"signer": "secretary", "latest": 0}).status_code == status
    assert register_state() == before


def test_no_report_for_a_cell_a_workplace_or_a_year_out_of_range(client, world):
    client.force_login(world.provincial_officer)
    before = register_state()

    for org, year in [
        (world.cell_a2, 2025),
        (world.workplace, 2025),
        (world.commune_a_committee, 2019),
        (world.commune_a_committee, 2999),
    ]:
        response = client.get(reverse("documents:review", args=[org.pk, year, "pdf"]))
        assert response.status_code == 404, (org, year)

    with pytest.raises(DomainError, match="Only a province or a commune"):
        services.issue_review_document(
            by=world.provincial_officer, organization=world.cell_a2, year=2025
        )
    assert register_state() == before


def test_a_year_without_data_is_a_report_of_zeros(client, world):
    client.force_login(world.commune_clerk)

    response, _posted = issue_through_page(
        client, reverse("documents:review", args=[world.commune_a_committee.pk, 2021, "pdf"])
    )

    text = " ".join(pdf_pages(response.content))
    assert "năm 2021" in text
    assert "Giấy giới thiệu đã cấp 0 0 0" in text
    assert "Không có đề nghị khen thưởng trong năm." in text


def test_the_report_page_writes_nothing_and_a_repeated_post_issues_one(client, world):
    client.force_login(world.commune_clerk)
    url = reverse("documents:review", args=[world.commune_a_committee.pk, 2025, "pdf"])
    before = register_state()

    page = client.get(url)
    assert register_state() == before
    data = {**issue_page_fields(page.text), "signer": "deputy"}
    first = client.post(url, data)
    second = client.post(url, data)

    document = IssuedDocument.objects.get()
    assert first["Location"] == second["Location"]
    assert first["Location"] == reverse("documents:file", args=[document.pk, "pdf"])
    lines = pdf_lines(client.get(first["Location"]).content)
    assert heading(lines) == ["ĐẢNG BỘ TỈNH TUYÊN QUANG", "ĐẢNG ỦY PHƯỜNG HÀ GIANG", "1"]
    assert after(lines, "T/M ĐẢNG ỦY", 2) == ["T/M ĐẢNG ỦY", "PHÓ BÍ THƯ"]
