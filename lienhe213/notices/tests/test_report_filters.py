"""The notice box's filters behind a report's notice figures: sent or received below
the organization, sent in a period, acknowledged, needing an answer, answered on time."""

import datetime

from django.urls import reverse

from lienhe213.notices import services
from lienhe213.notices.models import Kind, Notice, NoticeReply
from lienhe213.notices.tests.conftest import SENT_ON, send


def kinds(response):
    return sorted(notice.kind for notice in response.context["page"].rows)


def three_notices(world, link):
    """From cell A2 to the workplace: a violation answered on time, and a good-conduct
    notice of 2024; from the workplace to commune A: a workplace change, acknowledged."""
    violation = send(world, link)
    services.reply_to_notice(by=world.workplace_officer, notice=violation, body="Đã nhận.")
    due = Notice.objects.get(pk=violation.pk).response_due
    NoticeReply.objects.filter(notice=violation).update(
        at=datetime.datetime.combine(due, datetime.time(9), tzinfo=datetime.UTC)
    )
    send(world, link, kind=Kind.GOOD_CONDUCT, on=datetime.date(2024, 12, 2))
    change = send(world, link, kind=Kind.WORKPLACE_CHANGED)
    services.acknowledge_notice(by=world.commune_clerk, notice=change)
    return violation, change


def test_box_lists_the_notices_behind_each_report_figure(client, world, active):
    three_notices(world, active)
    client.force_login(world.commune_clerk)
    url = reverse("notices:outbox", args=[world.commune_a_committee.pk])
    year = {"both": "1", "sent_from": "2025-01-01", "sent_to": "2025-12-31"}

    sent = client.get(url, year)
    acknowledged = client.get(url, {**year, "acknowledged": "1"})
    answered = client.get(url, {**year, "answered_on_time": "1"})
    outbox_only = client.get(url, {"sent_from": "2025-01-01", "sent_to": "2025-12-31"})
    all_time = client.get(url, {"both": "1"})

    assert kinds(sent) == ["violation", "workplace_changed"]
    assert kinds(acknowledged) == ["violation", "workplace_changed"]  # a reply acknowledges
    assert kinds(answered) == ["violation"]
    assert kinds(outbox_only) == ["violation"]
    assert kinds(all_time) == ["good_conduct", "violation", "workplace_changed"]
    assert "Notices sent or received" in sent.content.decode()
    assert SENT_ON.year == 2025


def test_box_period_never_reaches_outside_the_users_scope(client, world, active):
    three_notices(world, active)
    client.force_login(world.other_clerk)

    response = client.get(
        reverse("notices:outbox", args=[world.commune_b_committee.pk]),
        {"both": "1", "sent_from": "2000-01-01"},
    )

    assert kinds(response) == []
