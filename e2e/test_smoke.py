"""End-to-end smoke test in a real browser: Debian's chromium driven by Playwright
(the ``phone`` fixture in ``e2e/conftest.py``; no browser is downloaded)."""

import pytest

from e2e.conftest import log_in

pytestmark = pytest.mark.e2e


def test_login_and_search_a_member(transactional_db, world, live_server, phone):
    page = phone
    log_in(page, live_server.url, "tinh")
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/members/")
    page.fill("input[name=q]", "nguyen van duc")
    page.keyboard.press("Enter")
    page.wait_for_url("**q=nguyen*")
    page.wait_for_load_state("networkidle")

    results = page.inner_text("main")
    assert "Nguyễn Văn Đức" in results
    assert "Đặng Thị Hoa" not in results
