"""The notifications page and API: one's own notifications only, and mark-read."""

import datetime

from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from lienhe213.meetings.tests.conftest import linked
from lienhe213.reminders.models import Notification
from lienhe213.reminders.tests.conftest import NOW, run

DAY = datetime.date(2025, 6, 2)


def _api(user):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    token, _created = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def test_the_page_lists_only_ones_own_notifications(client, world):
    linked(world)
    run(DAY)
    client.force_login(world.secretary_a2)

    response = client.get(reverse("reminders:list"))

    assert response.status_code == 200
    rows = response.context["page"].rows
    assert [(n.user, n.kind) for n in rows] == [(world.secretary_a2, "meeting_overdue")]
    html = response.content.decode()
    assert "Chi bộ tổ 2 has never held a meeting with its linked members." in html
    assert f'href="/meetings/cell/{world.cell_a2.pk}/"' in html


def test_the_page_is_empty_for_someone_else(client, world):
    linked(world)
    run(DAY)
    client.force_login(world.other_clerk)

    response = client.get(reverse("reminders:list"))

    assert response.context["page"].rows == []


def test_the_navigation_shows_the_unread_count(client, world):
    linked(world)
    run(DAY)
    client.force_login(world.secretary_a2)

    response = client.get(reverse("accounts:home"))

    assert response.context["unread_notifications"] == 1
    assert '<span class="badge count"' in response.content.decode()


def test_mark_all_read_marks_only_ones_own(client, world):
    linked(world)
    run(DAY)
    client.force_login(world.secretary_a2)

    response = client.post(reverse("reminders:mark_read"))

    assert response.status_code == 302
    assert response["Location"] == reverse("reminders:list")
    assert Notification.objects.get(user=world.secretary_a2).read_at == NOW
    assert Notification.objects.get(user=world.commune_clerk).read_at is None


def test_mark_read_needs_a_post(client, world):
    client.force_login(world.secretary_a2)

    assert client.get(reverse("reminders:mark_read")).status_code == 405


def test_the_api_lists_only_ones_own_notifications(world):
    linked(world)
    run(DAY)

    response = _api(world.commune_clerk).get("/api/v1/notifications/")

    assert response.status_code == 200
    (row,) = response.json()["results"]
    assert row["kind"] == "meeting_overdue"
    assert row["object_id"] == world.cell_a2.pk
    assert row["url"] == f"/meetings/cell/{world.cell_a2.pk}/"
    assert row["message"] == "Chi bộ tổ 2 has never held a meeting with its linked members."
    assert row["read_at"] is None
    assert _api(world.other_clerk).get("/api/v1/notifications/").json()["results"] == []


def test_the_api_marks_read(world):
    linked(world)
    run(DAY)
    mine = Notification.objects.get(user=world.commune_clerk)
    theirs = Notification.objects.get(user=world.secretary_a2)

    response = _api(world.commune_clerk).post(
        "/api/v1/notifications/mark-read/", {"ids": [mine.pk, theirs.pk]}, format="json"
    )

    assert response.status_code == 200
    assert response.json() == {"marked": 1}
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.read_at == NOW
    assert theirs.read_at is None
    unread = _api(world.commune_clerk).get("/api/v1/notifications/", {"unread": "true"})
    assert unread.json()["results"] == []


def test_the_navigation_offers_notices_to_the_committees_of_a_link(client, world):
    shown = {}
    for name in ("secretary_a1", "commune_clerk", "workplace_officer", "member_user", "stranger"):
        client.force_login(getattr(world, name))
        html = client.get(reverse("accounts:home")).content.decode()
        shown[name] = f'href="{reverse("notices:index")}"' in html

    assert shown == {
        "secretary_a1": True,
        "commune_clerk": True,
        "workplace_officer": True,
        "member_user": False,
        "stranger": False,
    }
