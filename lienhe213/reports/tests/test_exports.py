"""The report and the thematic review as PDF beside the XLSX (the same sheets, printed
through ``documents.rendering``), and the registered annual report offered on the
review to those who sign it."""

import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from lienhe213.documents.tests.conftest import pdf_pages
from lienhe213.reports.tests.conftest import year_in_commune_a

pytestmark = pytest.mark.django_db


def _pdf(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return pdf_pages(response.content)


def _vietnamese(user):
    client = Client()  # no language cookie: Vietnamese, as a committee reads it
    client.force_login(user)
    return client


def test_the_report_as_pdf_in_vietnamese(world):
    year_in_commune_a(world)
    client = _vietnamese(world.commune_clerk)
    url = reverse("reports:organization", args=[world.commune_a_committee.pk])

    response = client.get(url, {"year": 2025, "format": "pdf"})

    pages = _pdf(response)
    assert response["Content-Disposition"] == (
        'attachment; filename="dang-bo-phuong-ha-giang-1-2025.pdf"'
    )
    assert len(pages) == 3
    assert pages[-1].endswith("3 / 3")
    first = pages[0]
    assert first.startswith("Báo cáo: Đảng bộ phường Hà Giang 1 2025 · ")
    assert "tính đến ngày 31/12/2025" in first
    assert "Đảng viên đang công tác 1" in first
    assert "Liên hệ nơi cư trú đang hoạt động 1" in first
    assert "Giấy giới thiệu đã cấp 1" in first
    assert "Tỷ lệ tham dự (%) 100,0" in first
    text = " ".join(pages)
    assert "Lý do: Ở nước ngoài từ 12 tháng trở lên 1" in text
    assert "Chi bộ tổ 1 1 0 0 0" in text
    assert "Chi bộ tổ 2 0 1 1 0 1 2 100,0 1 1 100,0 1" in text
    assert "1. Nêu gương Nêu gương tốt 1" in text


def test_the_report_pdf_prints_the_rows_of_the_workbook(client, world):
    year_in_commune_a(world)
    client.force_login(world.commune_clerk)
    url = reverse("reports:organization", args=[world.commune_a_committee.pk])

    workbook = load_workbook(io.BytesIO(client.get(url, {"year": 2025, "format": "xlsx"}).content))
    text = " ".join(_pdf(client.get(url, {"year": 2025, "format": "pdf"})))

    rows = list(workbook["Indicators"].iter_rows(min_row=2, values_only=True))
    assert len(rows) == 44  # with the three training figures (ADR 0015)
    for label, value in rows:
        printed = f"{value:.1f}" if isinstance(value, float) else str(value)
        if value is None:  # a share with nothing to divide: an empty cell in both
            printed = ""
        assert f"{label} {printed}".strip() in text
    for name, *_figures in workbook["Organizations"].iter_rows(min_row=2, values_only=True):
        assert name in text


def test_the_report_pdf_of_an_organization_outside_the_scope_is_404(client, world):
    year_in_commune_a(world)
    client.force_login(world.other_clerk)
    url = reverse("reports:organization", args=[world.commune_a_committee.pk])

    response = client.get(url, {"year": 2025, "format": "pdf"})

    assert response.status_code == 404


def test_the_report_of_a_year_with_nothing_prints_zeros(client, world):
    client.force_login(world.other_clerk)
    url = reverse("reports:organization", args=[world.commune_b_committee.pk])

    pages = _pdf(client.get(url, {"year": 2021, "format": "pdf"}))

    assert pages[0].startswith("Report: Đảng bộ xã Lâm Bình 2021 · ")
    assert "Active links 0" in pages[0]
    assert "Letters issued 0" in pages[0]
    assert "Chi bộ thôn Nà Tông 1 0 0 0 0 0" in " ".join(pages)


def test_the_pages_offer_both_exports(client, world):
    client.force_login(world.commune_clerk)
    pk = world.commune_a_committee.pk

    report = client.get(reverse("reports:organization", args=[pk]), {"year": 2025})
    review = client.get(reverse("reports:review", args=[pk, 2025]))

    body = report.content.decode()
    assert "year=2025&amp;format=xlsx" in body
    assert "year=2025&amp;format=pdf" in body
    assert ">Export to PDF</a>" in body
    body = review.content.decode()
    assert 'href="?format=xlsx"' in body
    assert 'href="?format=pdf"' in body


def test_the_review_as_pdf_in_vietnamese(world):
    year_in_commune_a(world)
    client = _vietnamese(world.commune_clerk)
    url = reverse("reports:review", args=[world.commune_a_committee.pk, 2025])

    response = client.get(url, {"format": "pdf"})

    pages = _pdf(response)
    assert response["Content-Disposition"] == (
        'attachment; filename="review-dang-bo-phuong-ha-giang-1-2025.pdf"'
    )
    assert len(pages) == 2
    assert pages[-1].endswith("2 / 2")
    first = pages[0]
    assert first.startswith("Đánh giá chuyên đề hằng năm 2025: Đảng bộ phường Hà Giang 1")
    assert "2025 2024 Tăng, giảm" in first
    assert "Đảng viên đang công tác 1 1 0" in first
    assert "Diện B 1 0 1" in first
    text = " ".join(pages)
    assert "Thứ hạng Tổ chức đảng Điểm" in text
    assert "1 Chi bộ tổ 2 37,5 50,0 0 100,0 0" in text
    assert "Khen thưởng" in text


# --- the registered annual report (documents:review) -----------------------------------


def _official_links(client, org, year):
    body = client.get(reverse("reports:review", args=[org.pk, year])).content.decode()
    pdf = reverse("documents:review", args=[org.pk, year, "pdf"])
    docx = reverse("documents:review", args=[org.pk, year, "docx"])
    return (f'href="{pdf}"' in body, f'href="{docx}"' in body)


def test_the_commune_clerk_is_offered_the_annual_report(client, world):
    client.force_login(world.commune_clerk)

    assert _official_links(client, world.commune_a_committee, 2025) == (True, True)


def test_the_province_is_offered_its_annual_report(client, world):
    client.force_login(world.provincial_officer)

    assert _official_links(client, world.province, 2025) == (True, True)
    assert _official_links(client, world.commune_a_committee, 2025) == (True, True)


def test_no_annual_report_for_a_workplace_committee_nor_a_year_to_come(client, world):
    client.force_login(world.workplace_officer)

    assert _official_links(client, world.workplace, 2025) == (False, False)

    client.force_login(world.provincial_officer)
    assert _official_links(client, world.province, 2099) == (False, False)


def test_who_sees_a_cells_review_but_does_not_sign_is_not_offered_it(client, world):
    client.force_login(world.secretary_a2)

    response = client.get(reverse("reports:review", args=[world.cell_a2.pk, 2025]))

    assert response.status_code == 200
    assert "/documents/review/" not in response.content.decode()
