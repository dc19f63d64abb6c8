"""The home page's inbox in a real browser at a phone's width: what waits for the commune
clerk, one card per item, each a tap target of at least 44 px leading to its step; the
menu counts what waits; nothing scrolls sideways; the page loads no htmx."""

import datetime

import pytest
from django.urls import reverse

from e2e.conftest import log_in
from lienhe213.registry import services
from lienhe213.registry.tests.conftest import MONDAY, classify

pytestmark = pytest.mark.e2e

NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"
SMALLEST_TAP = """(selector) => Math.min(...Array.from(document.querySelectorAll(selector),
    (e) => Math.min(e.getBoundingClientRect().height, e.getBoundingClientRect().width)))"""


def test_the_clerk_taps_a_letter_waiting_for_receipt_on_a_phone(
    transactional_db, world, live_server, phone
):
    # given the workplace's member introduced to commune A, not yet received
    classify(world)
    link = services.issue_letter(
        by=world.root_user,
        workplace=world.workplace,
        member=world.member_w1,
        issued_on=MONDAY + datetime.timedelta(days=1),
    )
    base, page = live_server.url, phone

    # when the commune clerk logs in, the home page is the inbox
    log_in(page, base, "xa")
    page.wait_for_url(f"{base}/")

    # then the letter is one card that leads to the link's page, as are the list and
    # the numbers; every tap target is large enough and nothing scrolls sideways
    card = page.locator(
        f"main .inbox-items a[href='{reverse('registry:link_detail', args=[link.pk])}']"
    )
    assert card.locator("strong").inner_text() == "Nguyễn Văn Đức"
    assert "03/03/2025" not in card.inner_text()
    assert "04/03/2025" in card.inner_text()
    assert page.evaluate(SMALLEST_TAP, "main .inbox-items a, main .see-all a") >= 44
    assert page.locator(f"main a[href='{reverse('accounts:numbers')}']").is_visible()
    assert page.locator("nav .badge.count").first.inner_text() == "1"
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    assert page.evaluate("typeof window.htmx") == "undefined"

    # and a tap opens the page where the letter is received
    with page.expect_navigation():
        card.click()
    assert page.url == f"{base}{reverse('registry:link_detail', args=[link.pk])}"
