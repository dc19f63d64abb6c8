"""The heart of the year's cycle in a real browser, at phone width: the cell secretary
opens the to-do list, records the Front meeting, fills and signs one comment; the
commune clerk finds it on the commune's list, confirms it and returns it to the
workplace.

The pages are left in Vietnamese, the site's default; the test finds its way by the
links' addresses, the fields' names and the forms' actions, not by their wording.
"""

import datetime

import pytest

from e2e.conftest import log_in, log_out
from lienhe213.comments.models import Comment, CommentRequest
from lienhe213.comments.tests.conftest import request_at
from lienhe213.core.models import AuditEvent

pytestmark = pytest.mark.e2e

ITEMS = {
    "item_1": "good",
    "item_2": "exemplary",
    "item_3": "full",
    "item_4": "regular",
    "item_5": "active",
    "recommendation": "no_proposal",
}


def submit(page, step):
    """Press the button of the request page's form for ``step`` and wait for the page
    it leads back to."""
    with page.expect_navigation():
        page.click(f"form[action$='/{step}/'] button[type=submit]")


def confirm(page, step):
    """Open the summary of the irreversible ``step`` from the request page's link (it
    says what will happen and asks once), then press its one button."""
    with page.expect_navigation():
        page.click(f"main a[href$='/{step}/']")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    submit(page, step)


def test_cell_signs_and_commune_returns_a_comment_on_a_phone(
    transactional_db, world, live_server, phone
):
    # given a form 3-213 request for Nguyễn Văn Đức, living in Tổ 2 (cell A2)
    request = request_at(world, "requested")
    base, page = live_server.url, phone

    # when the cell secretary opens the comments to write from the menu's entry page
    log_in(page, base, "chibo2")
    page.goto(f"{base}/comments/")
    with page.expect_navigation():
        page.click(f"main a[href='/comments/cell/{world.cell_a2.pk}/']")
    assert page.locator("main .badge.status-requested").count() == 1
    with page.expect_navigation():
        page.click(f"main a[href='/comments/request/{request.pk}/']")

    # and records the meeting with the Front work committee
    page.fill("input[name=met_on]", "2025-11-10")
    page.fill("textarea[name=participants]", "Chi ủy; Ban công tác Mặt trận tổ 2")
    submit(page, "front_meeting")
    assert page.locator(".heading .badge.status-drafted").is_visible()

    # and fills the items, the free text, and signs
    for name, value in ITEMS.items():
        page.check(f"input[name={name}][value={value}]")
    page.fill("textarea[name=other_comments]", "Gương mẫu, nhiệt tình với phong trào tổ dân phố.")
    submit(page, "draft")
    confirm(page, "sign")

    # then the comment is signed, and nothing is left to edit on the phone
    assert page.locator(".heading .badge.status-signed").is_visible()
    assert page.locator("form[action$='/draft/']").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll

    # when the commune clerk opens the commune's list from the menu's entry page, finds
    # the signed comment waiting there, confirms and returns it
    log_out(page)
    log_in(page, base, "xa")
    page.goto(f"{base}/comments/")
    commune = f"/comments/commune/{world.commune_a_committee.pk}/"
    with page.expect_navigation():
        page.click(f"main a[href='{commune}']")
    assert page.locator("main .badge.status-signed").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    with page.expect_navigation():
        page.click(f"main a[href='/comments/request/{request.pk}/']")
    confirm(page, "confirm")
    assert page.locator(".heading .badge.status-confirmed").is_visible()
    confirm(page, "return")

    # then it is back at the workplace, each step by its actor, and the clerk back at
    # the commune's list, where nothing waits any more
    assert page.url.startswith(f"{base}{commune}?")
    assert page.locator(f"main a[href='/comments/request/{request.pk}/']").count() == 0
    stored = CommentRequest.objects.get(pk=request.pk)
    comment = Comment.objects.get(request=stored)
    assert stored.status == "returned"
    assert {name: getattr(comment, name) for name in ITEMS} == ITEMS
    assert comment.other_comments == "Gương mẫu, nhiệt tình với phong trào tổ dân phố."
    assert comment.front_meeting_on == datetime.date(2025, 11, 10)
    assert (comment.signed_by, comment.confirmed_by) == (world.secretary_a2, world.commune_clerk)
    events = AuditEvent.objects.filter(
        object_type="comments.commentrequest", object_id=str(request.pk)
    ).order_by("pk")
    assert [(e.actor_name, e.changes["event"]) for e in events] == [
        ("coquan", "requested"),
        ("chibo2", "front_meeting"),
        ("chibo2", "drafted"),
        ("chibo2", "signed"),
        ("xa", "confirmed"),
        ("xa", "returned"),
    ]
