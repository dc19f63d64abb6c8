"""The reports in a real browser, at phone width: the provincial officer's numbers page
loads the dashboard (htmx), a commune's row leads to its report, and from there to the
commune's annual thematic review of the year the cast's rows were made in (2025).

The pages are left in Vietnamese, the site's default; the test finds its way by the
links' addresses and the forms' fields, and checks the figures and names it reads.
"""

import pytest
from django.urls import reverse

from e2e.conftest import log_in
from lienhe213.reports.tests.conftest import year_in_commune_a

pytestmark = pytest.mark.e2e

NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


def test_province_drills_down_to_a_communes_review_on_a_phone(
    transactional_db, world, live_server, phone
):
    # given a year of rows in commune A: a link active in cell A2, a meeting held, a
    # comment returned (2025)
    year_in_commune_a(world)
    base, page = live_server.url, phone
    commune = world.commune_a_committee
    report = reverse("reports:organization", args=[commune.pk])

    # when the provincial officer opens the numbers, one tap below the home page, the
    # dashboard block loads
    log_in(page, base, "tinh")
    page.wait_for_url(f"{base}/")
    with page.expect_navigation():
        page.click(f"main a[href='{reverse('accounts:numbers')}']")
    row = page.locator(f".dash-slot .dash-table a[href^='{report}?']")
    row.wait_for()
    assert row.inner_text() == "Đảng bộ phường Hà Giang 1"
    assert page.locator(".dash-slot .dash-card").count() > 0
    assert page.evaluate(NO_SIDEWAYS_SCROLL)

    # and follows the commune's row to its report, then asks for 2025
    with page.expect_navigation():
        row.click()
    assert page.url.startswith(f"{base}{report}?year=")
    page.fill("form.filters input[name=year]", "2025")
    with page.expect_navigation():
        page.click("form.filters button[type=submit]")
    heading = page.locator("main h1")
    assert heading.inner_text() == "Báo cáo: Đảng bộ phường Hà Giang 1"
    main = page.inner_text("main")
    assert "Năm 2025" in main
    assert "Chi bộ tổ 2" in main
    assert page.locator("main a[href='?year=2025&format=pdf']").is_visible()
    assert page.evaluate(NO_SIDEWAYS_SCROLL)

    # and opens the review of that year
    review = reverse("reports:review", args=[commune.pk, 2025])
    with page.expect_navigation():
        page.click(f"main a[href='{review}']")

    # then the review shows the year beside the one before, the ranked cell, and the
    # registered annual report to print; nothing scrolls sideways on the phone
    assert heading.inner_text() == ("Đánh giá chuyên đề hằng năm 2025: Đảng bộ phường Hà Giang 1")
    figures = page.locator("main table.review-figures")
    assert figures.locator("th").all_inner_texts()[1:3] == ["2025", "2024"]
    cell = reverse("reports:organization", args=[world.cell_a2.pk])
    ranked = page.locator(f"main table a[href='{cell}?year=2025']")
    assert ranked.inner_text() == "Chi bộ tổ 2"
    official = reverse("documents:review", args=[commune.pk, 2025, "pdf"])
    assert page.locator(f"main a[href='{official}']").is_visible()
    assert page.locator("main a[href='?format=pdf']").is_visible()
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
