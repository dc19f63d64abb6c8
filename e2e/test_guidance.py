"""The rules at a phone's width: a step's "What do the rules say?" panel opened, the
guidance page searched, and the newcomer checklist dismissed with a tap."""

import io

import pytest
from django.core.management import call_command

from e2e.conftest import log_in

pytestmark = pytest.mark.e2e

FITS = "() => document.documentElement.scrollWidth <= window.innerWidth"


def test_a_clerk_reads_the_rule_of_a_step_and_dismisses_the_checklist(
    transactional_db, live_server, phone
):
    # given the small demo, a note of the province under the rule of receiving, and a
    # letter waiting at the demo clerk's commune
    from lienhe213.accounts.models import RoleAssignment, User
    from lienhe213.guidance import services
    from lienhe213.guidance.models import GuidanceEntry, WalkthroughDismissal

    call_command("seed_demo", preset="small", stdout=io.StringIO())
    clerk = User.objects.get(username="xa")
    commune = RoleAssignment.objects.get(user=clerk).organization
    province = RoleAssignment.objects.get(user__username="tinh").organization
    services.save_province_note(
        by=User.objects.get(username="tinh"),
        entry=GuidanceEntry.objects.get(key="qd213-dieu-4-khoan-1"),
        province=province,
        text="Tiếp nhận và vào sổ trong 10 ngày làm việc kể từ khi đảng viên nộp giấy.",
    )
    page, base = phone, live_server.url
    log_in(page, base, "xa")

    # when the clerk opens the letters waiting at the commune and unfolds the panel
    page.goto(f"{base}/registry/book/{commune.pk}/receive/")
    assert page.inner_text(".guidance-panel summary") == "Quy định nói gì?"
    page.click(".guidance-panel summary")

    # then the rule, its source and the province's note show, and the page fits
    panel = page.locator(".guidance-panel").inner_text()
    assert "Đảng ủy xã, phường tiếp nhận đảng viên" in panel
    assert "Điều 4, khoản 1" in panel
    assert "Tiếp nhận và vào sổ trong 10 ngày làm việc" in panel
    assert page.evaluate(FITS)

    # when the clerk searches the rules without accents
    page.goto(f"{base}/guidance/?q=mien+gioi")

    # then the exemption from introduction is found, on a page that fits
    assert "Diện được miễn giới thiệu về tổ chức đảng nơi cư trú" in page.inner_text("main")
    assert page.evaluate(FITS)

    # when the clerk goes home, sees the checklist and hides it
    page.goto(f"{base}/")
    assert page.locator(".walkthrough").count() == 1
    assert page.evaluate(FITS)
    with page.expect_navigation():
        page.click(".walkthrough button[type=submit]")

    # then it is gone, for good
    assert page.locator(".walkthrough").count() == 0
    page.reload()
    assert page.locator(".walkthrough").count() == 0
    assert list(WalkthroughDismissal.objects.values_list("role", flat=True)) == ["commune_clerk"]
