"""The bulk steps and their summaries in a real browser at a phone's width (issue 11,
items 3 and 6): the commune clerk receives two letters from the list of letters waiting
(choose, see the summary, confirm), and confirms and returns a comment from the
commune's list; the cell secretary records a whole meeting's attendance in one form.
No JavaScript is needed; nothing scrolls sideways; checkboxes, choices and buttons are
taps of at least 44 px."""

import datetime

import pytest
from django.urls import reverse

from conftest import member_fields
from e2e.conftest import log_in
from lienhe213.comments.tests.conftest import open_campaign, request_at
from lienhe213.meetings.tests.conftest import linked, plan
from lienhe213.members.services import create_member
from lienhe213.registry import services
from lienhe213.registry.models import ResidenceLink
from lienhe213.registry.tests.conftest import MONDAY, classify

pytestmark = pytest.mark.e2e

NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"
SMALLEST_TAP = """(selector) => Math.min(...Array.from(document.querySelectorAll(selector),
    (e) => Math.min(e.getBoundingClientRect().height, e.getBoundingClientRect().width)))"""


def _wide_page(page):
    assert page.evaluate(NO_SIDEWAYS_SCROLL), page.evaluate("document.documentElement.scrollWidth")


def test_the_clerk_receives_two_letters_on_a_phone(transactional_db, world, live_server, phone):
    # given two letters issued to commune A, one for a member with a very long name
    classify(world)
    long_name = create_member(
        by=world.root_user,
        **member_fields(
            world.workplace_cell,
            family_name="Nguyễn",
            middle_name="Thị Thanh Phương Hoàng Bảo",
            given_name="Ngọc",
            citizen_id="002085001111",
            residence_commune=world.commune_a,
        ),
    )
    classify(world, long_name)
    services.issue_letters(
        by=world.workplace_officer,
        workplace=world.workplace,
        members=[world.member_w1, long_name],
        issued_on=MONDAY,
    )
    base, page = live_server.url, phone
    log_in(page, base, "xa")

    # when the clerk opens the list of letters waiting to be received and chooses both
    page.goto(f"{base}{reverse('registry:receive_letters', args=[world.commune_a_committee.pk])}")
    _wide_page(page)
    assert page.evaluate(SMALLEST_TAP, "main .pick-target, main .bulk-actions button") >= 44
    for checkbox in page.locator("main input[name=links]").all():
        checkbox.check()
    with page.expect_navigation():
        page.click("main .bulk-actions button")

    # then the summary says what will happen, at the phone's width, and asks once
    assert page.locator("main .confirm ol.rows > li").count() == 2
    _wide_page(page)
    assert (
        page.evaluate(SMALLEST_TAP, "main .confirm-actions button, main .confirm-actions a") >= 44
    )
    assert ResidenceLink.objects.filter(status="received").count() == 0
    with page.expect_navigation():
        page.click("main .confirm-actions button")

    # and both letters are received
    assert page.locator(".messages .success").count() == 1
    assert ResidenceLink.objects.filter(status="received").count() == 2


def test_the_clerk_returns_a_comment_from_the_list_on_a_phone(
    transactional_db, world, live_server, phone
):
    request = request_at(world, "signed", campaign=open_campaign(world))
    base, page = live_server.url, phone
    log_in(page, base, "xa")

    page.goto(f"{base}{reverse('comments:commune', args=[world.commune_a_committee.pk])}")
    _wide_page(page)
    assert page.evaluate(SMALLEST_TAP, "main .pick-target, main .bulk-actions button") >= 44
    page.check(f"main input[name=requests][value='{request.pk}']")
    with page.expect_navigation():
        page.click("main .bulk-actions button")
    assert page.locator("main .confirm ol.rows > li").count() == 1
    _wide_page(page)
    with page.expect_navigation():
        page.click("main .confirm-actions button")

    assert page.locator(".messages .success").count() == 1
    request.refresh_from_db()
    assert request.status == "returned"


def test_the_secretary_records_the_whole_meeting_on_a_phone(
    transactional_db, world, live_server, phone
):
    linked(world)
    meeting = plan(world, day=datetime.date.today(), place="Nhà văn hoá tổ 2")
    base, page = live_server.url, phone
    log_in(page, base, "chibo2")

    page.goto(f"{base}{reverse('meetings:detail', args=[meeting.pk])}")
    _wide_page(page)
    assert page.evaluate(SMALLEST_TAP, "main .attendance-choice label:has(> input)") >= 44
    page.check("main .attendance-choice input[value=excused]")
    page.fill("main .attendance-choice input[type=text]", "Đi công tác")
    with page.expect_navigation():
        page.click("main .attendance-sheet button")

    assert page.locator(".messages .success").count() == 1
    assert meeting.attendances.get().excuse_reason == "Đi công tác"
