"""The residents' public pages and their abuse resistance: no login, no member listed,
no stored data echoed, limits per address and per cell, the time-based honeypot, size
and text limits, HTML stored as text and shown escaped, receipt look-ups limited."""

import time

import pytest
from django.test import override_settings
from django.urls import reverse

from lienhe213.feedback import forms
from lienhe213.feedback.models import ResidentReport
from lienhe213.feedback.tests.conftest import form_data, report_state, send_report
from lienhe213.feedback.throttles import CellThrottle


def url(channel):
    return reverse("residents:public", args=[channel.slug])


def test_the_page_names_the_cell_and_its_commune_and_lists_no_member(
    client, world, channel, active
):
    response = client.get(url(channel))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Chi bộ tổ 2" in page and "Đảng bộ phường Hà Giang 1" in page
    assert active.member.given_name not in page
    assert "What happens next" in page


def test_an_unknown_code_is_404(client, world, channel):
    assert client.get(reverse("residents:public", args=["nope" * 3])).status_code == 404


def test_a_report_answers_with_the_receipt_only(client, world, channel):
    response = client.post(url(channel), form_data(), REMOTE_ADDR="10.0.0.1")

    page = response.content.decode()
    report = ResidentReport.objects.get()
    assert response.status_code == 200
    assert response.context["receipt"]
    assert "karaoke" not in page and "0912" not in page and "Ông Thịnh" not in page
    assert report.cell == world.cell_a2


def test_one_address_may_not_flood(client, world, channel):
    statuses = [
        client.post(url(channel), form_data(), REMOTE_ADDR="10.0.0.1").status_code
        for _ in range(11)
    ]
    other = client.post(url(channel), form_data(), REMOTE_ADDR="10.0.0.2")

    assert statuses == [200] * 10 + [429]
    assert other.status_code == 200
    assert ResidentReport.objects.count() == 11


def test_many_addresses_may_not_flood_one_cell(client, world, channel, monkeypatch):
    monkeypatch.setattr(CellThrottle, "THROTTLE_RATES", {"feedback-cell": "3/day"})
    statuses = [
        client.post(url(channel), form_data(), REMOTE_ADDR=f"10.0.1.{n}").status_code
        for n in range(4)
    ]

    assert statuses == [200, 200, 200, 429]
    assert ResidentReport.objects.count() == 3


@override_settings(FEEDBACK_MAX_BYTES=2048)
def test_an_oversized_body_is_refused_unread(client, world, channel):
    before = report_state()

    response = client.post(url(channel), form_data(body="x" * 3000), REMOTE_ADDR="10.0.0.1")

    assert response.status_code == 413
    assert report_state() == before


def test_a_text_longer_than_the_field_is_refused(client, world, channel):
    response = client.post(url(channel), form_data(body="x" * 2001), REMOTE_ADDR="10.0.0.1")

    assert response.status_code == 400
    assert not ResidentReport.objects.exists()


def test_a_binary_body_is_refused(client, world, channel):
    before = report_state()

    raw = client.post(url(channel), b"\x00\xff\xfe" * 50, content_type="application/octet-stream")
    nul = client.post(url(channel), form_data(body="a\x00b\x07"), REMOTE_ADDR="10.0.0.1")

    assert (raw.status_code, nul.status_code) == (400, 400)
    assert report_state() == before


def test_a_file_is_refused(client, world, channel):
    import io

    upload = io.BytesIO(b"GIF89a")
    upload.name = "x.gif"

    response = client.post(url(channel), {**form_data(), "photo": upload}, REMOTE_ADDR="10.0.0.1")

    assert response.status_code == 400
    assert not ResidentReport.objects.exists()


def test_html_and_scripts_are_stored_as_text_and_shown_escaped(client, world, channel):
    script = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    client.post(url(channel), form_data(body=script, member_name=script), REMOTE_ADDR="10.0.0.1")
    report = ResidentReport.objects.get()
    client.force_login(world.secretary_a2)

    page = client.get(reverse("feedback:detail", args=[report.pk])).content.decode()

    assert report.body == script
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page


def test_a_filled_honeypot_is_refused(client, world, channel):
    before = report_state()

    response = client.post(url(channel), form_data(website="http://spam"), REMOTE_ADDR="10.0.0.1")

    assert response.status_code == 400
    assert report_state() == before


def test_a_form_sent_too_fast_is_refused(client, world, channel):
    before = report_state()

    response = client.post(
        url(channel), form_data(started=forms.started_token(time.time())), REMOTE_ADDR="10.0.0.1"
    )

    assert response.status_code == 400
    assert report_state() == before


@pytest.mark.parametrize("started", ["", "1700000000", "forged:token"])
def test_a_missing_or_forged_form_clock_is_refused(client, world, channel, started):
    response = client.post(url(channel), form_data(started=started), REMOTE_ADDR="10.0.0.1")

    assert response.status_code == 400
    assert not ResidentReport.objects.exists()


def test_a_form_older_than_a_day_is_refused(client, world, channel):
    response = client.post(
        url(channel),
        form_data(started=forms.started_token(time.time() - 2 * 24 * 3600)),
        REMOTE_ADDR="10.0.0.1",
    )

    assert response.status_code == 400
    assert not ResidentReport.objects.exists()


def test_the_status_page_shows_the_state_and_nothing_else(client, world, channel):
    _report, receipt = send_report(channel)

    response = client.post(
        reverse("residents:status"), {"receipt": receipt}, REMOTE_ADDR="10.0.0.1"
    )

    page = response.content.decode()
    assert response.context["state"] == "Received"
    assert "karaoke" not in page and "Chi bộ tổ 2" not in page and "0912" not in page


def test_receipt_enumeration_is_throttled(client, world, channel):
    _report, receipt = send_report(channel)
    guesses = [
        client.post(reverse("residents:status"), {"receipt": f"guess{n}"}, REMOTE_ADDR="10.0.0.9")
        for n in range(20)
    ]

    blocked = client.post(reverse("residents:status"), {"receipt": receipt}, REMOTE_ADDR="10.0.0.9")

    assert [r.context["state"] for r in guesses] == [None] * 20
    assert blocked.status_code == 429
    assert "Received" not in blocked.content.decode()


def test_a_resident_reads_the_page_in_vietnamese(world, channel):
    from django.test import Client

    page = Client().get(url(channel)).content.decode()

    assert "Góp ý với chi bộ" in page
    assert "Bà con có thể cho chi bộ biết" in page


def test_no_topic_is_chosen_in_advance_and_one_must_be(client, world, channel):
    page = client.get(url(channel)).content.decode()
    assert '<option value="" selected>Choose what it is about</option>' in page

    response = client.post(url(channel), form_data(topic=""), REMOTE_ADDR="10.0.0.1")

    assert response.status_code == 400  # the form again, with its error
    assert "Choose what it is about." in response.content.decode()
    assert not ResidentReport.objects.exists()
