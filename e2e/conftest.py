"""Shared browser fixtures: Debian's chromium driven by Playwright (no browser is
downloaded), on a phone-sized page, with helpers to log in and out."""

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="session", autouse=True)
def _end_stray_connections(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """The live server answers in threads of its own, and a request the browser left
    running when a test ended keeps its PostgreSQL session; end such sessions before
    the test database is dropped (which PostgreSQL refuses while they are open)."""
    yield
    from django.db import connection

    with django_db_blocker.unblock():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )


@pytest.fixture
def phone() -> Iterator[Any]:
    """A fresh page of a phone-sized browser window."""
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the live server and the
    # fixtures still talk to the database synchronously.
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
        page = browser.new_page(viewport=PHONE)
        page.set_default_timeout(10_000)
        try:
            yield page
        finally:
            browser.close()
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def log_in(page: Any, base_url: str, username: str) -> None:
    """Log in through the login form, as a person would."""
    page.goto(f"{base_url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "demo")
    with page.expect_navigation():
        page.click("main form button[type=submit]")


def log_out(page: Any) -> None:
    """Log out with the header's button (it may sit behind the phone menu)."""
    page.context.clear_cookies()
