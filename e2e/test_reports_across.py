"""Across the 2025 restructuring in a real browser, at phone width (ADR 0018): the
province's report offers every year since the earliest record as a row of buttons,
so the 2023 and 2025 reports are one tap apart; a merged commune's report for a year
after its end says where it went and leads to its successor's report."""

import datetime

import pytest
from django.urls import reverse

from e2e.conftest import log_in
from lienhe213.reports.tests.test_across import records, restructure

pytestmark = pytest.mark.e2e

NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


def test_one_tap_between_years_and_to_the_successor_on_a_phone(
    transactional_db, world, live_server, phone
):
    # given records from 2023 on, and communes A and B merged on 01/07/2025
    records(world)
    new = restructure(world)
    base, page = live_server.url, phone
    province = reverse("reports:organization", args=[world.province.pk])
    this_year = datetime.date.today().year

    # when the provincial officer opens the province's report for 2025
    log_in(page, base, "tinh")
    page.goto(f"{base}{province}?year=2025")
    buttons = page.locator("nav.years a.button")
    assert buttons.all_inner_texts() == [str(y) for y in range(2023, this_year + 1)]
    for box in (buttons.nth(i).bounding_box() for i in range(buttons.count())):
        assert box is not None and box["height"] >= 44 and box["width"] >= 44
    assert page.evaluate(NO_SIDEWAYS_SCROLL)

    # then 2023 is one tap away, and 2025 one tap back
    with page.expect_navigation():
        page.click("nav.years a:text-is('2023')")
    assert page.url == f"{base}{province}?year=2023"
    assert "Đảng bộ xã Lâm Bình" in page.inner_text("main")
    with page.expect_navigation():
        page.click("nav.years a:text-is('2025')")
    assert page.url == f"{base}{province}?year=2025"

    # and commune A's report for 2026 says where it went, with its successor one tap away
    old = reverse("reports:organization", args=[world.commune_a_committee.pk])
    page.goto(f"{base}{old}?year=2026")
    main = page.inner_text("main")
    assert "Đảng bộ phường Hà Giang" in main and "01/07/2025" in main
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    with page.expect_navigation():
        page.click(".across a.button")
    assert page.url == f"{base}{reverse('reports:organization', args=[new.pk])}?year=2026"
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
