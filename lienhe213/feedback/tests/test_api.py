"""The feedback API: the anonymous public endpoints with their limits, and the permission
matrix of the residence side's endpoints (401 anonymous, 404 out of scope, 403 seen
but not allowed), each refusal changing nothing."""

import time

import pytest
from rest_framework.test import APIClient

from lienhe213.core.models import AuditEvent
from lienhe213.feedback import forms
from lienhe213.feedback.models import ResidentReport
from lienhe213.feedback.tests.conftest import form_data, report_state, send_report

API = "/api/v1/feedback"


def api(world, who):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    user = world.user(who)
    if user is not None:
        client.force_authenticate(user)
    return client


def submit_body(channel, **overrides):
    return {**form_data(**overrides), "channel": channel.slug}


def test_the_public_channel_names_the_cell_and_gives_the_form_clock(world, channel):
    response = api(world, "anonymous").get(f"{API}/public/{channel.slug}/")

    assert response.status_code == 200
    assert (response.data["cell"], response.data["commune"]) == (
        "Chi bộ tổ 2",
        "Đảng bộ phường Hà Giang 1",
    )
    assert response.data["started"]


def test_an_anonymous_report_answers_with_the_receipt_only(world, channel):
    response = api(world, "anonymous").post(
        f"{API}/public/submit/", submit_body(channel), format="json", REMOTE_ADDR="10.0.0.1"
    )

    assert response.status_code == 201
    assert set(response.data) == {"receipt"}
    assert ResidentReport.objects.get().cell == world.cell_a2


def test_the_api_refuses_a_robot_like_the_page(world, channel):
    before = report_state()
    client = api(world, "anonymous")

    fast = client.post(
        f"{API}/public/submit/",
        submit_body(channel, started=forms.started_token(time.time())),
        format="json",
    )
    filled = client.post(f"{API}/public/submit/", submit_body(channel, website="x"), format="json")

    assert (fast.status_code, filled.status_code) == (400, 400)
    assert report_state() == before


def test_the_api_shares_the_pages_per_address_limit(world, channel, client):
    from django.urls import reverse

    for _ in range(10):
        client.post(
            reverse("residents:public", args=[channel.slug]), form_data(), REMOTE_ADDR="10.0.0.7"
        )

    response = api(world, "anonymous").post(
        f"{API}/public/submit/", submit_body(channel), format="json", REMOTE_ADDR="10.0.0.7"
    )

    assert response.status_code == 429
    assert ResidentReport.objects.count() == 10


def test_the_status_endpoint_answers_the_state_and_is_throttled(world, channel):
    _report, receipt = send_report(channel)
    client = api(world, "anonymous")

    found = client.post(f"{API}/public/status/", {"receipt": receipt}, REMOTE_ADDR="10.0.0.8")
    misses = [
        client.post(f"{API}/public/status/", {"receipt": f"g{n}"}, REMOTE_ADDR="10.0.0.8")
        for n in range(19)
    ]
    blocked = client.post(f"{API}/public/status/", {"receipt": receipt}, REMOTE_ADDR="10.0.0.8")

    assert found.data == {"status": "received"}
    assert {r.status_code for r in misses} == {404}
    assert blocked.status_code == 429


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", 401),
        ("stranger", 0),
        ("representative_a1", 0),
        ("workplace_officer", 0),
        ("secretary_a1", 0),
        ("secretary_a2", 1),
        ("commune_clerk", 1),
        ("other_clerk", 0),
        ("provincial_officer", 1),
    ],
)
def test_list_is_scoped(world, channel, who, expected):
    send_report(channel)

    response = api(world, who).get(f"{API}/reports/")

    if expected == 401:
        assert response.status_code == 401
    else:
        assert response.data["count"] == expected
        assert all("phone" not in row for row in response.data["results"])


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", 401),
        ("workplace_officer", 404),
        ("secretary_a1", 404),
        ("secretary_a2", 200),
        ("commune_clerk", 200),
        ("other_clerk", 404),
        ("provincial_officer", 403),
    ],
)
def test_phone_endpoint(world, channel, who, expected):
    report = send_report(channel)[0]

    response = api(world, who).get(f"{API}/reports/{report.pk}/phone/")

    assert response.status_code == expected
    audited = AuditEvent.objects.filter(action="view", object_id=str(report.pk)).count()
    assert audited == (1 if expected == 200 else 0)
    if expected == 200:
        assert response.data == {"phone": "0912345678"}


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", 401),
        ("workplace_officer", 404),
        ("secretary_a1", 404),
        ("other_clerk", 404),
        ("secretary_a2", 200),
        ("commune_clerk", 200),
    ],
)
def test_match_endpoint(world, channel, active, who, expected):
    report = send_report(channel)[0]
    before = report_state()

    response = api(world, who).post(
        f"{API}/reports/{report.pk}/match/", {"link": active.pk, "version": 1}, format="json"
    )

    assert response.status_code == expected
    if expected == 200:
        assert response.data["status"] == "handling"
    else:
        assert report_state() == before


def test_a_stale_close_is_409_and_a_wrong_reason_400(world, channel):
    report = send_report(channel)[0]
    client = api(world, "commune_clerk")

    stale = client.post(
        f"{API}/reports/{report.pk}/close/",
        {"reason": "duplicate", "note": "x", "version": 5},
        format="json",
    )
    wrong = client.post(
        f"{API}/reports/{report.pk}/close/", {"reason": "handled", "note": "x"}, format="json"
    )

    assert (stale.status_code, stale.data["version"]) == (409, 1)
    assert wrong.status_code == 400


def test_forward_endpoint_sends_the_notice(world, channel, active):
    report = send_report(channel)[0]
    client = api(world, "secretary_a2")
    client.post(f"{API}/reports/{report.pk}/match/", {"link": active.pk}, format="json")

    response = client.post(
        f"{API}/reports/{report.pk}/forward/",
        {"kind": "good_conduct", "note": "Biểu dương."},
        format="json",
    )

    assert response.status_code == 200
    assert response.data["status"] == "closed" and response.data["notice"]


@pytest.mark.parametrize(
    ("who", "expected"),
    [("anonymous", 401), ("workplace_officer", 404), ("secretary_a1", 404), ("secretary_a2", 201)],
)
def test_channel_endpoint(world, who, expected):
    response = api(world, who).post(f"{API}/channels/", {"cell": world.cell_a2.pk}, format="json")

    assert response.status_code == expected
