"""End-to-end smoke test in a real browser: Debian's chromium driven by Playwright.

Playwright is used with ``executable_path``: no browser is downloaded.
"""

import os
import shutil
from collections.abc import Iterator

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = pytest.mark.e2e


@pytest.fixture
def browser_page() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the live server and
    # the fixtures still talk to the database synchronously.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        page = browser.new_page(viewport={"width": 390, "height": 844})  # a phone
        try:
            yield page
        finally:
            browser.close()
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def test_login_and_search_a_member(transactional_db, world, live_server, browser_page):
    page = browser_page
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "tinh")
    page.fill("input[name=password]", "demo")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/members/")
    page.fill("input[name=q]", "nguyen van duc")
    page.keyboard.press("Enter")
    page.wait_for_url("**q=nguyen*")
    page.wait_for_load_state("networkidle")

    results = page.inner_text("main")
    assert "Nguyễn Văn Đức" in results
    assert "Đặng Thị Hoa" not in results
    assert page.locator("html").get_attribute("lang") == "vi"

    page.fill("input[name=q]", "dang")
    page.keyboard.press("Enter")
    page.wait_for_url("**q=dang*")
    page.wait_for_load_state("networkidle")
    results = page.inner_text("main")
    assert "Đặng Thị Hoa" in results
    assert "Nguyễn Văn Đức" not in results
