"""The menu: a short bar with the role's main pages and a "More" sheet with the others
(accounts/templatetags/menu.py); a link past it to the page's content."""

import re
from html import unescape as html_unescape

import pytest
from django.urls import reverse

BAR = re.compile(r'<ul class="nav-bar">(.*?)<li class="nav-more">', re.S)
SHEET = re.compile(r'<ul class="nav-sheet">(.*?)</ul>', re.S)
LINK = re.compile(r'<a href="([^"]+)"[^>]*>([^<]+)')


def _menu(client, user, url="/"):
    client.force_login(user)
    html = client.get(url).content.decode()
    bar = [text.strip() for _, text in LINK.findall(BAR.search(html).group(1))]
    sheet = [html_unescape(text.strip()) for _, text in LINK.findall(SHEET.search(html).group(1))]
    return bar, sheet


@pytest.mark.parametrize(
    ("who", "bar", "sheet"),
    [
        (
            "secretary_a1",
            ["Home", "Tracking book", "Meetings", "Annual comments"],
            [
                "Notifications",
                "Organizations",
                "Members",
                "Notices",
                "Residents' reports",
                "Training",
                "Reports",
                "Rules",
            ],
        ),
        (
            "commune_clerk",
            ["Home", "Tracking book", "Annual comments", "Members"],
            [
                "Notifications",
                "Organizations",
                "Meetings",
                "Notices",
                "Residents' reports",
                "Training",
                "Reports",
                "Import",
                "Accounts",
                "Rules",
            ],
        ),
        (
            "workplace_officer",
            ["Home", "Tracking book", "Annual comments", "Members"],
            ["Notifications", "Organizations", "Notices", "Training", "Reports", "Import", "Rules"],
        ),
        (
            "provincial_officer",
            ["Home", "Reports", "Organizations", "Members"],
            [
                "Notifications",
                "Tracking book",
                "Meetings",
                "Notices",
                "Residents' reports",
                "Training",
                "Annual comments",
                "Import",
                "Accounts",
                "Audit",
                "Rules",
            ],
        ),
        (
            "member_user",
            ["Home", "Meetings", "Annual comments", "Notifications"],
            ["Members", "Training", "Rules"],
        ),
        ("stranger", ["Home", "Notifications"], ["Members", "Rules"]),
    ],
)
def test_the_bar_holds_the_roles_main_pages_and_the_sheet_the_others(
    client, world, who, bar, sheet
):
    assert _menu(client, world.user(who)) == (bar, sheet)


def test_the_current_section_is_marked_in_the_bar_or_on_the_sheets_button(client, world):
    client.force_login(world.secretary_a1)

    book = client.get(reverse("registry:index")).content.decode()
    members = client.get(reverse("members:list")).content.decode()

    index = reverse("registry:index")
    assert f'<a href="{index}" aria-current="page">Tracking book</a>' in book
    assert '<summary class="current">' not in book
    assert f'<a href="{reverse("members:list")}" aria-current="page">Members</a>' in members
    assert '<summary class="current">More' in members


def test_unread_notifications_on_the_sheet_are_counted_on_its_button(client, world):
    from lienhe213.reminders.models import Notification

    Notification.objects.create(
        user=world.secretary_a1, kind="meeting_due", key="meeting_due:1", object_id=1
    )
    client.force_login(world.secretary_a1)

    html = client.get(reverse("accounts:home")).content.decode()

    assert 'More <span class="badge count" aria-label="unread">1</span></summary>' in html


def test_every_page_starts_with_a_link_to_its_content(client, world):
    client.force_login(world.commune_clerk)

    html = client.get(reverse("accounts:home")).content.decode()

    body = html.split("<body", 1)[1]
    assert body.index('<a class="skip" href="#main">Skip to main content</a>') < body.index(
        "<header"
    )
    assert '<main class="content" id="main" tabindex="-1">' in html
